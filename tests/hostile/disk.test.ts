/**
 * Disk full, read-only output directory, locked store: each ends as a clear
 * error naming the path, leaves no partial or temp file, and the previous
 * feed stays on disk and served.
 *
 * Rules:
 * - Real failures, not mocks: the write runs in a child process under a real
 *   limit (another uid for a 0555 directory, since root ignores permissions;
 *   `ulimit -f` so writing past 1 KB fails with EFBIG, as a full disk fails a write).
 * - The locked store is a real second `infrawire run` while this process holds the lock.
 */
import { spawn } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { FeedReport } from '../../src/model/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import { createFeedServer } from '../../src/serve/index.js';
import { SqliteStore, openLockedStore } from '../../src/store/index.js';
import { ROOT, rawTestConfig, startFixtureServer, startServer, tempDir } from '../helpers/env.js';

const CHILD = join(ROOT, 'tests/helpers/publishOnce.ts');
const BIN = join(ROOT, 'bin/infrawire.js');
const FEED = 'ai-infrastructure';
const NOBODY = 65534;

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runChild(command: string, args: string[], options: { uid?: number; gid?: number } = {}): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

describe('publishing when the disk refuses', () => {
  const tmp = tempDir();
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let configPath: string;
  let feedsDir: string;
  let previousAtom: string;

  /** The config with a new feed title, so the next publish has new bytes to write. */
  function retitle(title: string): void {
    const raw = rawTestConfig(fixtures.url);
    writeFileSync(configPath, JSON.stringify({ ...raw, feeds: [{ name: FEED, title }] }));
  }

  function feedFiles(): string[] {
    return readdirSync(feedsDir).sort();
  }

  beforeAll(async () => {
    fixtures = await startFixtureServer();
    configPath = join(tmp.dir, 'config.json');
    retitle('AI infrastructure (first)');
    const config = loadConfig(configPath);
    feedsDir = config.publish.dir;
    const store = SqliteStore.open(config.store.path);
    try {
      await runCycle(config, store);
    } finally {
      await store.close();
    }
    previousAtom = readFileSync(join(feedsDir, `${FEED}.atom`), 'utf8');
    expect(previousAtom).toContain('AI infrastructure (first)');
    // The child may run as another user: it must reach the config and read the store.
    chmodSync(tmp.dir, 0o755);
  });

  afterAll(async () => {
    chmodSync(feedsDir, 0o755);
    await fixtures.stop();
    tmp.cleanup();
  });

  function expectPreviousFeedIntact(files: string[]): void {
    expect(feedFiles()).toEqual(files);
    expect(feedFiles().filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(readFileSync(join(feedsDir, `${FEED}.atom`), 'utf8')).toBe(previousAtom);
  }

  it('a read-only output directory: the feed reports an error naming the file, nothing is left behind', async () => {
    const before = feedFiles();
    retitle('AI infrastructure (second)');
    chmodSync(feedsDir, 0o555);
    // Root ignores permissions, so the write runs as nobody (a daemon's usual user).
    const asOtherUser = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
    const result = await runChild(process.execPath, ['--import', 'tsx', CHILD, configPath], asOtherUser);
    chmodSync(feedsDir, 0o755);
    expect(result.code, result.stderr).toBe(0);
    const [report] = JSON.parse(result.stdout) as FeedReport[];
    expect(report!.changed).toEqual([]);
    expect(report!.error).toContain(`cannot write ${join(feedsDir, `${FEED}.atom`)} (EACCES)`);
    expect(report!.error).toContain('the previous file is unchanged');
    expectPreviousFeedIntact(before);
  });

  it('a full disk (writes fail past 1 KB): the feed reports an error naming the file, no partial file', async () => {
    const before = feedFiles();
    retitle('AI infrastructure (third)');
    // SIGXFSZ is ignored so the write fails with EFBIG instead of killing the process.
    const script = `trap '' XFSZ; ulimit -f 1; exec "${process.execPath}" --import tsx "${CHILD}" "${configPath}"`;
    const result = await runChild('bash', ['-c', script]);
    expect(result.code, result.stderr).toBe(0);
    const [report] = JSON.parse(result.stdout) as FeedReport[];
    expect(report!.changed).toEqual([]);
    expect(report!.error).toContain(`cannot write ${join(feedsDir, `${FEED}.atom`)} (EFBIG)`);
    expectPreviousFeedIntact(before);
  });

  it('a locked store: a second run fails with a clear error and the previous feed is still served', async () => {
    const before = feedFiles();
    retitle('AI infrastructure (fourth)');
    const config = loadConfig(configPath);
    const held = openLockedStore(config.store.path);
    try {
      const result = await runChild(process.execPath, [BIN, 'run', '--config', configPath]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`the store is in use by another infrawire process (pid ${process.pid})`);
      expect(result.stderr).toContain(config.store.path);
    } finally {
      held.close();
    }
    expectPreviousFeedIntact(before);
    const { url, stop } = await startServer(createFeedServer({ dir: feedsDir, feeds: [{ name: FEED, title: 'AI infrastructure' }] }));
    try {
      const res = await fetch(`${url}/feeds/${FEED}.atom`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(previousAtom);
    } finally {
      await stop();
    }
  });
});
