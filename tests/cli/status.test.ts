/**
 * `infrawire status` as a user runs it (a child process), over a store that a
 * real cycle against a loopback publisher has filled.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { rawTestConfig, ROOT, tempDir } from '../helpers/env.js';
import { startPublisher, type Publisher } from '../helpers/publisher.js';

const BIN = join(ROOT, 'bin/infrawire.js');

describe('infrawire status', () => {
  let pub: Publisher;
  let tmp: ReturnType<typeof tempDir>;
  let file: string;

  beforeAll(async () => {
    pub = await startPublisher();
    tmp = tempDir();
    file = join(tmp.dir, 'config.json');
    const raw = rawTestConfig(pub.url, [['Fine', '/etag'], ['Moved', '/moved-308?to=/plain'], ['Gone', '/gone'], ['Broken', '/error'], ['Not yet', '/plain']], { fetch: { jitter: 0 } });
    writeFileSync(file, JSON.stringify(raw));
    const config = parseConfig(raw, file);
    const store = SqliteStore.open(config.store.path);
    try {
      await runCycle({ ...config, sources: config.sources.filter((s) => s.name !== 'Not yet') }, store, { now: () => new Date('2026-11-27T12:00:00Z') });
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await pub?.stop();
    tmp?.cleanup();
  });

  const status = (...args: string[]) => promisify(execFile)(process.execPath, [BIN, 'status', '--config', file, ...args], { cwd: ROOT, timeout: 30_000 });

  it('--json: one object per configured source with its state', async () => {
    const { stdout } = await status('--json');
    const rows = JSON.parse(stdout).sources as { name: string; state: string; lastStatus: number | null; nextCheckAt: string | null }[];
    expect(rows.map((r) => [r.name, r.state, r.lastStatus])).toEqual([
      ['Fine', 'ok', 200],
      ['Moved', 'moved', 200],
      ['Gone', 'gone', 410],
      ['Broken', 'failing', 500],
      ['Not yet', 'never-checked', null],
    ]);
    expect(rows[0]!.nextCheckAt).toBe('2026-11-27T12:15:00.000Z');
  });

  it('prints a table and tells the operator what to fix', async () => {
    const { stdout } = await status();
    expect(stdout).toMatch(/^SOURCE\s+STATE\s+LAST SUCCESS\s+FAILURES\s+NEXT CHECK\s+SEEN\s+KEPT\s+PAGES OK\/FAILED\s+LAST ERROR$/m);
    expect(stdout).toMatch(/^Fine\s+ok\s+2026-11-27T12:00:00Z\s+0\s+2026-11-27T12:15:00Z\s+2\s+\d+\s+-\s+-$/m);
    // the failure was recorded at 2026-11-27T12:00Z; status runs on the real clock, later than the 24 h alert period
    expect(stdout).toMatch(/^Broken\s+FAILING\s+-\s+1\s+2026-11-27T12:15:00Z\s+0\s+0\s+-\s+HTTP 500 Internal Server Error$/m);
    expect(stdout).toContain('! source "Broken" has been failing since 2026-11-27T12:00:00.000Z (more than 24 h, 1 failures): HTTP 500');
    expect(stdout).toContain(`! source "Moved" moved permanently to ${pub.url}/plain: update its url in config.json`);
    expect(stdout).toContain('! source "Gone" is gone (HTTP 410) and is no longer polled');
  });
});
