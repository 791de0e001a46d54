/**
 * The parse pool under the real command (bin/infrawire.js, tsx registered by
 * its API, workers loading the TypeScript sources through src/pool/worker.mjs):
 * a body that outlasts `pool.taskTimeoutMs` fails only its source, named in the
 * summary, and the process exits on its own with the pool shut down.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { rawTestConfig, startFixtureServer, startServer, tempDir, type TestServer } from '../helpers/env.js';
import { hugeFeed } from './hostileFeeds.js';

describe('infrawire run with the parse pool', () => {
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let slow: TestServer;
  let slowUrl: string;
  let tmp: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    fixtures = await startFixtureServer();
    const body = hugeFeed(30_000, 100);
    slow = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body));
    slowUrl = slow.url;
    tmp = tempDir();
  });
  afterAll(async () => {
    await fixtures?.stop();
    if (slow) await slow.stop();
    tmp?.cleanup();
  });

  it('workers parse the fixtures; the slow source fails by name; exit 0', async () => {
    const file = join(tmp.dir, 'config.json');
    const sources: [string, string][] = [['Slow Feed', `${slowUrl}/feed.rss`], ['DC Wire', `${fixtures.url}/dcwire.rss`], ['Chip Letter', `${fixtures.url}/chipletter.rdf`]];
    writeFileSync(file, JSON.stringify(rawTestConfig('', sources, { pool: { size: 2, taskTimeoutMs: 1_500 }, fetch: { timeoutMs: 10_000, maxItems: 100_000 } })));
    const r = await cli(['run', '--config', file, '--json'], 60_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { sources: { name: string; ok: boolean; error?: string; itemsSeen: number }[] };
    const byName = new Map(summary.sources.map((s) => [s.name, s]));
    expect(byName.get('Slow Feed')).toMatchObject({ ok: false, error: expect.stringMatching(/^parsing source "Slow Feed" took longer than pool\.taskTimeoutMs \(1500 ms\)/) });
    expect(byName.get('DC Wire')).toMatchObject({ ok: true, itemsSeen: 5 });
    expect(byName.get('Chip Letter')).toMatchObject({ ok: true });
  });
});
