/**
 * `run --dry-run` and `explain URL`: every decision printed, nothing written
 * (the store file and the feed files keep their bytes and mtimes), and the
 * scratch copies dry runs work on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import { dryRunJsonLines, explainUrl, runDryRun, withDryRun } from '../../src/cli/explain.js';
import { runCycle } from '../../src/pipeline/index.js';
import { ScratchStore, SqliteStore } from '../../src/store/index.js';
import { collect } from '../helpers/store.js';
import { rawTestConfig, startFixtureServer, tempDir, testConfig } from '../helpers/env.js';

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out[name] = `${statSync(path).mtimeMs}:${readFileSync(path).toString('base64')}`;
  }
  return out;
}

/** This process's scratch copies still in the temp folder (dry runs must remove theirs). */
function ownScratchFolders(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith(`infrawire-scratch-${process.pid}-`));
}

async function printed(fn: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return lines.join('\n');
}

describe('dry run and explain', () => {
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let tmp: ReturnType<typeof tempDir>;
  let configPath: string;

  beforeAll(async () => {
    fixtures = await startFixtureServer();
    tmp = tempDir();
    configPath = join(tmp.dir, 'config.json');
  });
  afterAll(async () => {
    await fixtures?.stop();
    tmp?.cleanup();
  });

  it('without a store: prints kept/dropped, score and matched terms per field, and creates no file', async () => {
    writeFileSync(configPath, JSON.stringify(rawTestConfig(fixtures.url)));
    const out = await printed(() => runDryRun({ config: configPath }));
    expect(out).toContain('Nscale wins Microsoft contract for 52,000 GPUs at new Texas site');
    expect(out).toMatch(/KEPT {4}ai-infrastructure: score \d+; kept: score/);
    expect(out).toMatch(/Nscale \(weight 1, score 3\): title "Nscale", body "Nscale"/);
    expect(out).toMatch(/City council approves protected bike lanes on Elm Avenue\n.*\n {2}DROPPED ai-infrastructure: score 0; dropped: no watch term matched/);
    expect(out).toContain('dry run: nothing was written');
    expect(readdirSync(tmp.dir)).toEqual(['config.json']);
  });

  it('with a store: reads it, writes neither it nor the feeds', async () => {
    const config = testConfig(tmp.dir, fixtures.url);
    const store = SqliteStore.open(config.store.path);
    await runCycle(config, store);
    await store.close();
    const before = snapshot(tmp.dir);
    const json = JSON.parse(await printed(() => runDryRun({ config: configPath, json: true })));
    expect(json.summary.itemsNew).toBe(0); // the copy knows every item already
    const dropped = json.items.find((i: { title: string }) => i.title.startsWith('Harbour Street bakery'));
    expect(dropped.decisions[0].decision.kept).toBe(false);
    expect(snapshot(tmp.dir)).toEqual(before);
    expect(ownScratchFolders()).toEqual([]);
  });

  it('--json is written in pieces that together are exactly JSON.stringify(…, null, 2) of the summary and items', async () => {
    const { summary, explained } = await withDryRun(testConfig(tmp.dir, fixtures.url), async (run) => ({ summary: run.summary, explained: await collect(run.items()) }));
    expect(explained.length).toBeGreaterThan(2);
    for (const items of [explained, explained.slice(0, 1), []]) {
      const text = (await collect(dryRunJsonLines(summary, items))).join('\n');
      const value = JSON.parse(text);
      expect(text).toBe(JSON.stringify(value, null, 2));
      expect(value.summary).toEqual(JSON.parse(JSON.stringify(summary)));
      expect(value.items.map((i: { id: string; decisions: unknown }) => [i.id, i.decisions])).toEqual(items.map((e) => [e.article.id, JSON.parse(JSON.stringify(e.decisions))]));
    }
  });

  it('explain URL: a stored article is judged with the current config; an unknown URL is looked for in the sources', async () => {
    const stored = await printed(() => explainUrl('https://computewire.example/2026/11/27/nscale-microsoft-texas-contract?utm_source=x', { config: configPath }));
    expect(stored).toContain('(found in the store)');
    expect(stored).toMatch(/KEPT {4}ai-infrastructure/);
    await expect(explainUrl('https://nowhere.example/none', { config: configPath })).rejects.toThrow(/neither in the store nor among the sources' current items/);
    // A row stored before links were cleaned further holds the identity URL (here with a campaign id the published link now drops).
    const db = new Database(join(tmp.dir, 'store.db'));
    db.prepare("UPDATE articles SET url = url || '?wt_mc=rss.red.ho' WHERE url LIKE '%nscale-microsoft-texas-contract'").run();
    db.close();
    const legacy = await printed(() => explainUrl('https://computewire.example/2026/11/27/nscale-microsoft-texas-contract?wt_mc=rss.red.ho', { config: configPath }));
    expect(legacy).toContain('(found in the store)');
    const raw = rawTestConfig(fixtures.url);
    writeFileSync(configPath, JSON.stringify({ ...raw, store: { path: 'other.db' } }));
    const fetched = await printed(() => explainUrl('https://computewire.example/2026/11/27/nscale-microsoft-texas-contract', { config: configPath }));
    expect(fetched).toContain('(found in the sources)');
    expect(existsSync(join(tmp.dir, 'other.db'))).toBe(false);
    expect(ownScratchFolders()).toEqual([]);
  });
});

describe('Store.scratchCopy', () => {
  let tmp: ReturnType<typeof tempDir>;
  let scratchRoot: string;
  let savedTmpdir: string | undefined;
  const attempt = (name: string) => ({ name, configuredUrl: `https://${name}.example/feed`, url: `https://${name}.example/feed`, outcome: 'ok' as const, nextCheckAt: '2026-11-28T00:15:00.000Z', at: '2026-11-28T00:00:00.000Z', itemsSeen: 3 });
  const scratchFolders = () => readdirSync(scratchRoot).filter((n) => n.startsWith('infrawire-scratch-'));

  beforeEach(() => {
    tmp = tempDir();
    scratchRoot = join(tmp.dir, 'tmp');
    mkdirSync(scratchRoot);
    savedTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = scratchRoot; // os.tmpdir() reads it on every call
  });
  afterEach(() => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
    tmp.cleanup();
  });

  it('sees what a running writer committed (WAL not yet checkpointed); writes go to a file under TMPDIR that close() removes', async () => {
    const path = join(tmp.dir, 'live.db');
    const writer = SqliteStore.open(path);
    try {
      writer.db.pragma('wal_autocheckpoint = 0');
      await writer.sources.recordAttempt(attempt('wire'));
      expect(existsSync(`${path}-wal`)).toBe(true);
      const copy = ScratchStore.copyOf(path);
      try {
        expect(copy.path.startsWith(join(scratchRoot, `infrawire-scratch-${process.pid}-`))).toBe(true);
        expect((await copy.sources.all()).map((s) => s.name)).toEqual(['wire']);
        await copy.sources.recordAttempt(attempt('other'));
        expect((await copy.sources.all()).map((s) => s.name)).toEqual(['other', 'wire']);
      } finally {
        await copy.close();
      }
      expect((await writer.sources.all()).map((s) => s.name)).toEqual(['wire']);
      expect(scratchFolders()).toEqual([]);
    } finally {
      await writer.close();
    }
  });

  it('copies a store nobody has open as a file: no log or shared-memory file appears beside it, and its bytes stay the same', async () => {
    const path = join(tmp.dir, 'closed.db');
    const writer = SqliteStore.open(path);
    await writer.sources.recordAttempt(attempt('wire'));
    await writer.close();
    expect(readdirSync(tmp.dir).sort()).toEqual(['closed.db', 'tmp']);
    const before = snapshot(tmp.dir);
    const copy = ScratchStore.copyOf(path);
    try {
      expect((await copy.sources.all()).map((s) => s.name)).toEqual(['wire']);
      await copy.sources.recordAttempt(attempt('other'));
    } finally {
      await copy.close();
    }
    expect(snapshot(tmp.dir)).toEqual(before);
    expect(scratchFolders()).toEqual([]);
  });

  it('without a store: an empty copy, and the store path is not created', async () => {
    const path = join(tmp.dir, 'none', 'store.db');
    const copy = ScratchStore.copyOf(path);
    try {
      expect(await copy.sources.all()).toEqual([]);
      await copy.sources.recordAttempt(attempt('wire'));
    } finally {
      await copy.close();
    }
    expect(existsSync(join(tmp.dir, 'none'))).toBe(false);
    expect(scratchFolders()).toEqual([]);
  });

  it("removes the folders left by processes that are gone, and keeps a running process's", async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    expect(deadPid).toBeGreaterThan(0);
    const leftover = join(scratchRoot, `infrawire-scratch-${deadPid}-abc123`);
    const running = join(scratchRoot, `infrawire-scratch-${process.ppid}-def456`);
    for (const dir of [leftover, running]) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'store.db'), 'x');
    }
    await ScratchStore.copyOf(join(tmp.dir, 'store.db')).close();
    expect(scratchFolders()).toEqual([`infrawire-scratch-${process.ppid}-def456`]);
  });

  it('keeps values in order across pages; what a rolled-back transaction kept is gone', async () => {
    const copy = ScratchStore.copyOf(join(tmp.dir, 'store.db'));
    try {
      for (let n = 0; n < 1200; n++) copy.keep({ n, text: `item ${n}` });
      await expect(
        copy.transaction(async () => {
          copy.keep({ n: -1 });
          throw new Error('source failed');
        }),
      ).rejects.toThrow('source failed');
      copy.keep({ n: 1200, text: 'last' });
      const kept = [...copy.kept<{ n: number; text: string }>()];
      expect(kept.map((v) => v.n)).toEqual(Array.from({ length: 1201 }, (_, n) => n));
      expect(kept[5]).toEqual({ n: 5, text: 'item 5' });
    } finally {
      await copy.close();
    }
  });

  it('a failure names the temp folder or the store, and leaves no folder behind', () => {
    process.env.TMPDIR = join(tmp.dir, 'missing');
    expect(() => ScratchStore.copyOf(join(tmp.dir, 'store.db'))).toThrow(`cannot make a scratch folder in ${join(tmp.dir, 'missing')} for a dry run`);
    process.env.TMPDIR = scratchRoot;
    const broken = join(tmp.dir, 'broken.db');
    writeFileSync(broken, 'not a database, but long enough to look like one '.repeat(20));
    writeFileSync(`${broken}-wal`, '');
    expect(() => ScratchStore.copyOf(broken)).toThrow(new RegExp(`cannot copy the store ${broken} to ${scratchRoot}/infrawire-scratch-\\d+-\\w+ for a dry run: file is not a database`));
    expect(scratchFolders()).toEqual([]);
  });
});
