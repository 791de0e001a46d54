/**
 * `run --dry-run` and `explain URL`: every decision printed, nothing written
 * (the store file and the feed files keep their bytes and mtimes).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { explainUrl, runDryRun } from '../../src/cli/explain.js';
import { runCycle } from '../../src/schedule/index.js';
import { Store } from '../../src/store/index.js';
import { rawTestConfig, startFixtureServer, tempDir, testConfig } from '../helpers/env.js';

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out[name] = `${statSync(path).mtimeMs}:${readFileSync(path).toString('base64')}`;
  }
  return out;
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
    const store = new Store(config.store.path);
    await runCycle(config, store);
    store.close();
    const before = snapshot(tmp.dir);
    const json = JSON.parse(await printed(() => runDryRun({ config: configPath, json: true })));
    expect(json.summary.itemsNew).toBe(0); // the copy knows every item already
    const dropped = json.items.find((i: { title: string }) => i.title.startsWith('Harbour Street bakery'));
    expect(dropped.decisions[0].decision.kept).toBe(false);
    expect(snapshot(tmp.dir)).toEqual(before);
  });

  it('explain URL: a stored article is judged with the current config; an unknown URL is looked for in the sources', async () => {
    const stored = await printed(() => explainUrl('https://computewire.example/2026/11/27/nscale-microsoft-texas-contract?utm_source=x', { config: configPath }));
    expect(stored).toContain('(found in the store)');
    expect(stored).toMatch(/KEPT {4}ai-infrastructure/);
    await expect(explainUrl('https://nowhere.example/none', { config: configPath })).rejects.toThrow(/neither in the store nor among the sources' current items/);
    const raw = rawTestConfig(fixtures.url);
    writeFileSync(configPath, JSON.stringify({ ...raw, store: { path: 'other.db' } }));
    const fetched = await printed(() => explainUrl('https://computewire.example/2026/11/27/nscale-microsoft-texas-contract', { config: configPath }));
    expect(fetched).toContain('(found in the sources)');
    expect(existsSync(join(tmp.dir, 'other.db'))).toBe(false);
  });
});

describe('Store.memoryCopy', () => {
  it('sees what a running writer committed (WAL not yet checkpointed), and writes to the copy stay in memory', () => {
    const tmp = tempDir();
    const path = join(tmp.dir, 'live.db');
    const writer = new Store(path);
    try {
      writer.db.pragma('wal_autocheckpoint = 0');
      writer.recordAttempt({ name: 'Wire', configuredUrl: 'https://w.example/feed', url: 'https://w.example/feed', outcome: 'ok', nextCheckAt: '2026-11-28T00:15:00.000Z', at: '2026-11-28T00:00:00.000Z', itemsSeen: 3 });
      expect(existsSync(`${path}-wal`)).toBe(true);
      const copy = Store.memoryCopy(path);
      try {
        expect(copy.sourceStates().map((s) => s.name)).toEqual(['Wire']);
        copy.recordAttempt({ name: 'Other', configuredUrl: 'https://o.example/feed', url: 'https://o.example/feed', outcome: 'ok', nextCheckAt: '2026-11-28T00:15:00.000Z', at: '2026-11-28T00:00:00.000Z' });
      } finally {
        copy.close();
      }
      expect(writer.sourceStates().map((s) => s.name)).toEqual(['Wire']);
    } finally {
      writer.close();
      tmp.cleanup();
    }
  });
});
