/**
 * The parse pool (src/pool): worker threads give exactly what the inline path
 * gives, one hostile body (too slow, too big for the worker's heap) fails only
 * its own source with an error naming it, and a fresh worker takes the next body.
 * Workers run the TypeScript sources under vitest here and under bin/infrawire.js
 * in tests/pool/cli.test.ts.
 */
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createParsePool, extractPageJob, parseAndNormalize, type PageJob, type ParseJob, type ParsePool } from '../../src/pool/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import { ScratchStore, SqliteStore } from '../../src/store/index.js';
import { FIXTURES, rawTestConfig, startFixtureServer, startServer, tempDir, testConfig, type TestServer } from '../helpers/env.js';
import { hugeFeed } from './hostileFeeds.js';

const NOW = '2026-11-28T12:00:00.000Z';
const OPTIONS = { futureToleranceMs: 86_400_000, generateFaqs: true, iframeHosts: ['www.youtube.com'] };

function job(file: string): ParseJob {
  return { source: file, body: readFileSync(join(FIXTURES, file)), url: `http://127.0.0.1:9/${file}`, maxItems: 500, now: NOW, options: OPTIONS, normalizedWith: 'the options above' };
}

/** The job's result, or its error message, so failures compare too. */
async function outcome(run: (j: ParseJob) => Promise<unknown>, j: ParseJob): Promise<unknown> {
  try {
    return await run(j);
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('parse pool', () => {
  let pool: ParsePool;
  beforeAll(() => {
    pool = createParsePool({ size: 2, taskTimeoutMs: 60_000, maxMemoryMb: 512 });
  });
  afterAll(() => pool.close());

  it('gives the inline result for every fixture, feeds and non-feeds alike', async () => {
    const files = readdirSync(FIXTURES).sort();
    expect(files.length).toBeGreaterThan(5);
    const viaPool = await Promise.all(files.map((f) => outcome((j) => pool.run(j), job(f))));
    for (const [index, file] of files.entries()) {
      const inline = await outcome(parseAndNormalize, job(file));
      expect(viaPool[index], file).toEqual(inline);
    }
    // The fixtures include at least one refused body (an HTML page) and feeds with items.
    expect(viaPool.some((r) => 'error' in (r as object))).toBe(true);
    expect(viaPool.filter((r) => ((r as { itemsSeen?: number }).itemsSeen ?? 0) > 0).length).toBeGreaterThan(3);
  });

  it('counts the time its threads hold bodies (busyMs), inline and in workers, within the calls that ran them', async () => {
    for (const counted of [createParsePool({ size: 0, taskTimeoutMs: 60_000, maxMemoryMb: 512 }), pool]) {
      const before = counted.busyMs();
      const started = performance.now();
      await Promise.all([counted.run(job('dcwire.rss')), counted.run(job('gpucloud.atom'))]);
      const wall = performance.now() - started;
      const busy = counted.busyMs() - before;
      expect(busy, `size ${counted.size}`).toBeGreaterThan(0);
      // Two bodies on at most max(size, 1) threads at once, all within the awaited calls.
      expect(busy, `size ${counted.size}`).toBeLessThanOrEqual(wall * Math.max(counted.size, 1) + 1);
    }
  });

  it('cuts a feed at maxItems and reports its length, like the inline path', async () => {
    const big = { ...job('dcwire.rss'), body: Buffer.from(hugeFeed(30, 200)), maxItems: 7 };
    const result = await pool.run(big);
    expect(result).toMatchObject({ itemsSeen: 7, truncated: 30 });
    expect(result.items).toHaveLength(7);
    expect(result).toEqual(await parseAndNormalize(big));
  });

  it('a body past taskTimeoutMs fails with an error naming its source; the replacement worker parses the next body', async () => {
    const strict = createParsePool({ size: 1, taskTimeoutMs: 1_500, maxMemoryMb: 512 });
    try {
      // Warm the worker first: the timeout counts from dispatch, but start-up under load is slow.
      await strict.run(job('dcwire.rss'));
      const slow = { ...job('dcwire.rss'), source: 'slowpoke', body: Buffer.from(hugeFeed(30_000, 100)), maxItems: 100_000 };
      const busyBefore = strict.busyMs();
      await expect(strict.run(slow)).rejects.toThrow(/parsing source "slowpoke" took longer than pool\.taskTimeoutMs \(1500 ms\): its worker was stopped and replaced/);
      // The stopped task counts as busy time: at least until its timeout fired (timers keep whole milliseconds).
      expect(strict.busyMs() - busyBefore).toBeGreaterThanOrEqual(1_495);
      expect(await strict.run(job('gpucloud.atom'))).toEqual(await parseAndNormalize(job('gpucloud.atom')));
    } finally {
      await strict.close();
    }
  });

  it('a worker that runs out of memory fails only that body; the next one is parsed', async () => {
    const small = createParsePool({ size: 1, taskTimeoutMs: 120_000, maxMemoryMb: 48 });
    try {
      const bomb = { ...job('dcwire.rss'), source: 'memory-bomb', body: Buffer.from(hugeFeed(20_000, 400)), maxItems: 100_000 };
      await expect(small.run(bomb)).rejects.toThrow(/the parse worker crashed on source "memory-bomb" \(out of memory: pool\.maxMemoryMb is 48\): it was replaced/);
      expect(await small.run(job('chipletter.rdf'))).toEqual(await parseAndNormalize(job('chipletter.rdf')));
    } finally {
      await small.close();
    }
  });

  it('releaseIdle stops the workers holding no body (started or starting), never one that is parsing; a queued or later body starts a worker again', async () => {
    const releasing = createParsePool({ size: 1, taskTimeoutMs: 60_000, maxMemoryMb: 512 });
    try {
      expect(releasing.workers()).toBe(0);
      await releasing.run(job('dcwire.rss'));
      expect(releasing.workers()).toBe(1);
      // The started, idle worker takes this body at once; releasing while it parses leaves it alone
      // (a stopped busy worker would leave its body unanswered, and this test would time out).
      const long = { ...job('dcwire.rss'), source: 'long', body: Buffer.from(hugeFeed(400, 100)), maxItems: 1_000 };
      const parsing = releasing.run(long);
      releasing.releaseIdle();
      expect(releasing.workers()).toBe(1);
      expect(await parsing).toEqual(await parseAndNormalize(long));
      // Idle again: released.
      releasing.releaseIdle();
      expect(releasing.workers()).toBe(0);
      // Released while starting, its body still queued: a new worker starts for that body.
      const queued = releasing.run(job('gpucloud.atom'));
      releasing.releaseIdle();
      expect(releasing.workers()).toBe(1);
      expect(await queued).toEqual(await parseAndNormalize(job('gpucloud.atom')));
    } finally {
      await releasing.close();
    }
  });

  it('a closed pool refuses work with an error naming the source', async () => {
    const closing = createParsePool({ size: 1, taskTimeoutMs: 60_000, maxMemoryMb: 512 });
    await closing.close();
    await expect(closing.run(job('wire.json'))).rejects.toThrow(/parse pool closed: source "wire.json\" was not parsed/);
  });
});

/** A loopback server: `/slow.rss` is a feed that takes far longer than the test's taskTimeoutMs; `/dateless.rss` has one item without a date. */
function hostileServer(): Server {
  const slow = hugeFeed(30_000, 100);
  return createServer((req, res) => {
    if (req.url === '/slow.rss') return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(slow);
    if (req.url?.startsWith('/dateless.rss')) {
      // A different body per cycle (the query), so each cycle parses it again.
      const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>Undated</title><link>http://127.0.0.1/</link>
<item><title>Nvidia data center without a date ${req.headers['x-cycle'] ?? ''}</title><link>http://127.0.0.1/undated/1</link><description>A GPU cluster story.</description></item>
<item><title>Dated Nvidia data center story</title><link>http://127.0.0.1/dated/1</link><pubDate>Fri, 27 Nov 2026 08:00:00 GMT</pubDate><description>AI infrastructure.</description></item>
</channel></rss>`;
      return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
    }
    res.writeHead(404).end();
  });
}

describe('cycles through the pool', () => {
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let hostile: TestServer;
  let hostileUrl: string;
  beforeAll(async () => {
    fixtures = await startFixtureServer();
    hostile = await startServer(hostileServer());
    hostileUrl = hostile.url;
  });
  afterAll(async () => {
    await fixtures.stop();
    await hostile.stop();
  });

  /** Every stored article row and every published file of one cycle at a fixed time. */
  async function cycleOutput(poolSize: number) {
    const { dir, cleanup } = tempDir();
    const pool = createParsePool({ size: poolSize, taskTimeoutMs: 60_000, maxMemoryMb: 512 });
    try {
      const config = testConfig(dir, fixtures.url);
      const store = SqliteStore.open(config.store.path);
      const summary = await runCycle(config, store, { now: () => new Date(NOW), pool });
      const rows = store.db.prepare('SELECT id, source, first_seen, published, updated, data FROM articles ORDER BY id').all();
      const entries = store.db.prepare('SELECT feed, article_id, keywords FROM feed_entries ORDER BY feed, article_id').all();
      await store.close();
      const files = Object.fromEntries(readdirSync(config.publish.dir).sort().map((f) => [f, readFileSync(join(config.publish.dir, f), 'utf8')]));
      const sources = summary.sources.map(({ nextCheckAt: _next, ...s }) => s).sort((a, b) => a.name.localeCompare(b.name));
      return { sources, rows, entries, files };
    } finally {
      await pool.close();
      cleanup();
    }
  }

  it('stores and publishes exactly what the inline path does', async () => {
    const inline = await cycleOutput(0);
    const workers = await cycleOutput(2);
    expect(inline.rows.length).toBeGreaterThan(10);
    expect(Object.keys(inline.files).length).toBe(3);
    expect(workers).toEqual(inline);
  });

  it('a cycle stops the idle workers once its polls are done; the next cycle that parses starts one again', async () => {
    const { dir, cleanup } = tempDir();
    const pool = createParsePool({ size: 2, taskTimeoutMs: 60_000, maxMemoryMb: 512 });
    try {
      const config = testConfig(dir, fixtures.url);
      const store = SqliteStore.open(config.store.path);
      for (const dryRun of [false, true]) {
        const busy = pool.busyMs();
        // The dry run parses every body afresh, on a copy of the store.
        const copy = dryRun ? ScratchStore.copyOf(config.store.path) : undefined;
        await runCycle(config, copy ?? store, { now: () => new Date(NOW), pool, dryRun });
        copy?.close();
        expect(pool.busyMs(), `dry run ${dryRun}`).toBeGreaterThan(busy);
        expect(pool.workers(), `dry run ${dryRun}`).toBe(0);
      }
      await store.close();
    } finally {
      await pool.close();
      cleanup();
    }
  });

  it('a source whose body outlasts pool.taskTimeoutMs fails by name; the cycle and the other sources go on', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const sources: [string, string][] = [['Slow', `${hostileUrl}/slow.rss`], ['DC Wire', `${fixtures.url}/dcwire.rss`], ['GPU Cloud', `${fixtures.url}/gpucloud.atom`]];
      const raw = rawTestConfig('', sources, { pool: { size: 2, taskTimeoutMs: 1_500 }, fetch: { timeoutMs: 5000, maxItems: 100_000 } });
      const config = parseConfig(raw, join(dir, 'config.json'));
      const store = SqliteStore.open(config.store.path);
      const pool = createParsePool(config.pool);
      try {
        const summary = await runCycle(config, store, { pool });
        const byName = new Map(summary.sources.map((s) => [s.name, s]));
        expect(byName.get('Slow')).toMatchObject({ ok: false, error: expect.stringMatching(/parsing source "Slow" took longer than pool\.taskTimeoutMs \(1500 ms\)/) });
        expect(byName.get('DC Wire')).toMatchObject({ ok: true });
        expect(byName.get('GPU Cloud')).toMatchObject({ ok: true });
        expect(summary.feeds[0]!.entries).toBeGreaterThan(0);
        expect(await store.sources.state('Slow', `${hostileUrl}/slow.rss`)).toMatchObject({ lastOutcome: 'failed', lastError: expect.stringContaining('"Slow"') });
      } finally {
        await pool.close();
        await store.close();
      }
    } finally {
      cleanup();
    }
  });

  it.each([0, 2])('pool size %i: an item without a date keeps its first-seen time when its source is parsed again later', async (size) => {
    const { dir, cleanup } = tempDir();
    const pool = createParsePool({ size, taskTimeoutMs: 60_000, maxMemoryMb: 512 });
    try {
      const config = testConfig(dir, hostileUrl, [['Undated', '/dateless.rss']]);
      const store = SqliteStore.open(config.store.path);
      const first = '2026-11-28T10:00:00.000Z';
      const later = '2026-11-28T16:00:00.000Z';
      await runCycle(config, store, { now: () => new Date(first), pool });
      // A dry run parses afresh (no validators, no body hash) on a copy of the store, at a later time.
      const seen: Record<string, { published: string; updated: string }> = {};
      const copy = ScratchStore.copyOf(config.store.path);
      await runCycle(config, copy, { now: () => new Date(later), pool, dryRun: true, onDecisions: (a) => (seen[a.url] = { published: a.published, updated: a.updated }) });
      await copy.close();
      expect(seen['http://127.0.0.1/undated/1']).toEqual({ published: first, updated: first });
      expect(seen['http://127.0.0.1/dated/1']).toEqual({ published: '2026-11-27T08:00:00.000Z', updated: '2026-11-27T08:00:00.000Z' });
      await store.close();
    } finally {
      await pool.close();
      cleanup();
    }
  });
});

describe('article pages in the parse pool', () => {
  const PAGES = join(FIXTURES, '../pages');
  const pageJob = (name: string): PageJob => ({ url: `https://news.example/${name}`, body: readFileSync(join(PAGES, `${name}.html`)), contentType: 'text/html; charset=utf-8', options: OPTIONS });
  const DEEP = Buffer.from(`<html><body>${'<div>'.repeat(10_000)}<p>Deep inside, a paragraph about a campus of four halls that goes on long enough to be read as the article body.</p>${'</div>'.repeat(10_000)}</body></html>`);

  it('extracts a page in a worker exactly as inline, and a page 10,000 levels deep too', async () => {
    const pool = createParsePool({ size: 1, taskTimeoutMs: 60_000, maxMemoryMb: 512 });
    try {
      const names = readdirSync(PAGES).filter((f) => f.endsWith('.html')).map((f) => f.slice(0, -5));
      expect(names.length).toBeGreaterThan(3);
      for (const name of names) expect(await pool.extract(pageJob(name)), name).toEqual(extractPageJob(pageJob(name)));
      const deep: PageJob = { url: 'https://news.example/deep', body: DEEP, options: OPTIONS };
      expect((await pool.extract(deep)).paragraphs.join(' ')).toContain('Deep inside');
    } finally {
      await pool.close();
    }
  });

  it('a page past pool.taskTimeoutMs fails naming its URL, and the next page gets a fresh worker', async () => {
    const pool = createParsePool({ size: 1, taskTimeoutMs: 1, maxMemoryMb: 512 });
    try {
      const big: PageJob = { url: 'https://news.example/deep', body: Buffer.concat(Array.from({ length: 20 }, () => DEEP)), options: OPTIONS };
      await expect(pool.extract(big)).rejects.toThrow('parsing page https://news.example/deep took longer than pool.taskTimeoutMs (1 ms): its worker was stopped and replaced');
      expect(pool.workers()).toBe(0);
    } finally {
      await pool.close();
    }
  });
});
