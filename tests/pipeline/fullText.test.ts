/**
 * Full text through whole cycles (src/pipeline/fullText.ts) against a real
 * publisher on 127.0.0.1 (tests/helpers/pageServer.ts) and a real SQLite file:
 * `auto` replaces a kept teaser by its page's article and fills what the feed
 * lacked; failing pages (500, refused address, robots, too big) leave the teaser,
 * are recorded by item and counted on the source; a page is fetched once per item
 * revision and a failed one retried after its backoff; `always` fetches before
 * curation so keywords only in the article count; `never` fetches nothing; the
 * published feed stays valid.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { explainUrl } from '../../src/cli/explain.js';
import { formatSummary } from '../../src/cli/report.js';
import { runStatus } from '../../src/cli/status.js';
import type { LoadedConfig } from '../../src/config/index.js';
import type { CycleSummary } from '../../src/model/index.js';
import { CycleMemory, PAGE_RETRY_BASE_MS, runCycle } from '../../src/pipeline/index.js';
import { createParsePool, type ParsePool } from '../../src/pool/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { rawTestConfig, tempDir, testConfig, validateAtom } from '../helpers/env.js';
import { articleHtml, startPageServer, type PageServer } from '../helpers/pageServer.js';
import { storedArticles } from '../helpers/store.js';

const T0 = new Date('2026-11-27T12:00:00Z');
const LONG = [
  'Ridgeline Compute started building a 300 megawatt GPU campus west of Abilene on Tuesday, its largest project since it was spun out of a regional utility three years ago.',
  'The first of four halls should take load next year. Each hall is designed around direct-to-chip liquid cooling, with dry coolers on the roof instead of evaporative towers.',
  'Power will arrive through a dedicated substation the company is paying to build. The interconnection study took fourteen months, longer than the land purchase and the permits.',
];
const JSON_LD = `<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person","name":"Marta Oyelaran"},"datePublished":"2026-11-26T09:00:00Z"}</script><link rel="canonical" href="URL">`;

let server: PageServer;
let tmp: ReturnType<typeof tempDir>;
let feedItems: string[] = [];

function item(title: string, path: string, description: string, extra = ''): string {
  const link = path.startsWith('http') ? path : `${server.url}${path}`;
  return `<item><title>${title}</title><link>${link}</link><guid>${link}</guid><description>${description}</description>${extra}</item>`;
}

beforeAll(async () => {
  server = await startPageServer();
  server.route('/feed.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Test wire</title><link>${server.url}/</link><description>t</description>${feedItems.join('')}</channel></rss>`));
  server.route('/a', (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articleHtml('Ridgeline breaks ground', LONG, JSON_LD.replace('URL', `${server.url}/a-canonical`)) .replace('</article>', '<h2>FAQ</h2><details><summary>When does the first hall open?</summary><p>Next year.</p></details></article>')));
  server.route('/cooling', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(articleHtml('Quarterly update', ['The operator said its new halls will all use liquid cooling, a first for the company, and that it has ordered the coolant distribution units for all of them from one supplier.', ...LONG.slice(1)])));
});
afterAll(() => server.stop());
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function config(fullText = 'auto'): LoadedConfig {
  const cfg = testConfig(tmp.dir, server.url, [['wire', '/feed.xml']], { fetch: { timeoutMs: 3000, connectTimeoutMs: 2000, maxBytes: 1024 * 1024, jitter: 0 } });
  (cfg.sources[0] as { fullText: string }).fullText = fullText;
  return cfg;
}

async function cycle(cfg: LoadedConfig, at: Date, memory = new CycleMemory()): Promise<CycleSummary> {
  const store = SqliteStore.open(cfg.store.path);
  try {
    return await runCycle(cfg, store, { now: () => at, memory });
  } finally {
    await store.close();
  }
}

async function withStore<T>(cfg: LoadedConfig, fn: (store: SqliteStore) => Promise<T> | T): Promise<T> {
  const store = SqliteStore.open(cfg.store.path);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('fullText: auto', () => {
  it('replaces a kept teaser by the page article, fills author and date, reads the page FAQ; failures leave the teaser and are reported by item', async () => {
    feedItems = [
      item('Ridgeline breaks ground on GPU campus', '/a', 'Ridgeline Compute started building a GPU campus west of Abilene […]'),
      item('GPU maker page is down', '/error', 'A GPU story whose page fails…'),
      item('GPU story on an internal host', 'http://10.0.0.7/story', 'A GPU teaser linking to a private address…'),
      item('GPU story the site keeps from robots', '/private/page', 'A GPU teaser under a disallowed path…'),
      item('GPU story with a huge page', '/huge', 'A GPU teaser whose page is 50 MB…'),
    ];
    const cfg = config();
    const memory = new CycleMemory();
    const before = server.count('/a');
    const summary = await cycle(cfg, T0, memory);
    const report = summary.sources[0]!;
    expect(report.ok).toBe(true);
    expect(report.pagesFetched).toBe(1);
    expect(report.pagesFailed).toBe(4);
    expect(report.pageErrors!.map((e) => e.url).sort()).toEqual([`${server.url}/error`, `${server.url}/huge`, `${server.url}/private/page`, 'http://10.0.0.7/story'].sort());
    expect(server.count('/a') - before).toBe(1);
    expect(server.count('/private/page')).toBe(0);

    const articles = storedArticles(await SqliteStore.open(cfg.store.path)).map((s) => s.article);
    const full = articles.find((a) => a.title.startsWith('Ridgeline'))!;
    expect(full.paragraphs.join(' ')).toContain('interconnection study took fourteen months');
    expect(full.authors).toEqual(['Marta Oyelaran']);
    expect(full.url).toBe(`${server.url}/a-canonical`);
    expect(full.faqs).toEqual([{ question: 'When does the first hall open?', answer: 'Next year.', fromPage: true }]);
    const failed = articles.find((a) => a.title.startsWith('GPU maker'))!;
    expect(failed.paragraphs.join(' ')).toBe('A GPU story whose page fails…');

    await withStore(cfg, async (store) => {
      const page = await store.pages.get(failed.id);
      expect(page).toMatchObject({ outcome: 'failed', kind: 'http', status: 500, failures: 1 });
      expect((await store.pages.get(full.id))?.extracted?.bodyFrom).toBe('readability');
      expect(await store.pages.countsBySource()).toEqual(new Map([['wire', { fetched: 1, failed: 4 }]]));
    });
    expect(formatSummary(summary)).toContain(`pages: 1 fetched, 4 failed (`);
    const status = JSON.parse(await runStatus(cfg, true, T0)) as { sources: { name: string; pages: unknown }[] };
    expect(status.sources[0]!.pages).toEqual({ fetched: 1, failed: 4 });
    expect(await runStatus(cfg, false, T0)).toMatch(/PAGES OK\/FAILED[\s\S]*wire .* 1\/4/);

    // explain: whether the page was fetched, from where, what was taken, why; and a failure with its retry.
    const configFile = join(tmp.dir, 'config.json');
    const raw = rawTestConfig(server.url, [['wire', '/feed.xml']], { fetch: { timeoutMs: 3000 } }) as { sources: { fullText: string }[] };
    raw.sources[0]!.fullText = 'auto';
    writeFileSync(configFile, JSON.stringify(raw));
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((text: string) => void printed.push(text));
    try {
      await explainUrl(`${server.url}/a-canonical`, { config: configFile });
      await explainUrl(`${server.url}/error`, { config: configFile, json: true });
      // The feed's own link still finds the article after the page's canonical link replaced it.
      await explainUrl(`${server.url}/a?utm_source=rss`, { config: configFile });
    } finally {
      log.mockRestore();
    }
    expect(printed[0]).toMatch(new RegExp(`PAGE    fetched at .* from ${server.url}/a \\(HTTP 200\\): body from readability \\(3 paragraph\\(s\\).*1 FAQ pair\\(s\\) from the page; authors Marta Oyelaran`));
    expect(printed[0]).toContain('why: fullText "auto"');
    const failedJson = JSON.parse(printed[1]!) as { page: { fetched: boolean; record: { outcome: string; error: string; nextTryAt: string } } };
    expect(failedJson.page).toMatchObject({ fetched: true, record: { outcome: 'failed', error: 'HTTP 500 Internal Server Error' } });
    expect(printed[2]).toBe(printed[0]);
    expect(failedJson.page.record.nextTryAt).toBe(new Date(T0.getTime() + PAGE_RETRY_BASE_MS).toISOString());

    const atom = join(tmp.dir, 'feeds', 'ai-infrastructure.atom');
    expect(readFileSync(atom, 'utf8')).toContain('interconnection study took fourteen months');
    const check = await validateAtom(atom);
    expect(check.code, check.output).toBe(0);

    // A changed feed: the stored page stands for the same item revision (no second fetch); the failed page waits out its backoff, then is asked again.
    feedItems.push(item('Another GPU story', '/b-none', 'A new GPU teaser…'));
    const errorsBefore = server.count('/error');
    await cycle(cfg, new Date(T0.getTime() + 60_000), memory);
    expect(server.count('/a') - before).toBe(1);
    expect(server.count('/error')).toBe(errorsBefore);
    feedItems.push(item('Yet another GPU story', '/c-none', 'One more GPU teaser…'));
    await cycle(cfg, new Date(T0.getTime() + PAGE_RETRY_BASE_MS + 120_000), memory);
    expect(server.count('/error')).toBe(errorsBefore + 1);
    await withStore(cfg, async (store) => expect((await store.pages.get(failed.id))?.failures).toBe(2));
  });
  it('an undated teaser, once its page filled it, is not read again when the feed changes (no new revision, the page date stays)', async () => {
    feedItems = [item('Ridgeline breaks ground on GPU campus', '/a', 'Ridgeline Compute started building a GPU campus west of Abilene […]')];
    const cfg = config();
    const memory = new CycleMemory();
    await cycle(cfg, T0, memory);
    const row = () => withStore(cfg, (store) => store.db.prepare("SELECT revision, published, data FROM articles WHERE data LIKE '%Ridgeline breaks ground%'").get() as { revision: number; published: string; data: string });
    const first = await row();
    expect(first.published).toBe('2026-11-26T09:00:00.000Z');
    expect(first.data).toContain('interconnection study took fourteen months');
    for (const n of [1, 2]) {
      feedItems.push(item(`Another GPU story ${n}`, `/none-${n}`, 'A new GPU teaser…'));
      const summary = await cycle(cfg, new Date(T0.getTime() + n * 3_600_000), memory);
      expect(summary.sources[0]).toMatchObject({ itemsNew: 1, itemsChanged: 0 });
      expect(await row()).toEqual(first);
    }
  });
});

describe('fullText: extraction in the parse pool', () => {
  it('a page whose extraction runs past pool.taskTimeoutMs is a failed page (kind extract): the teaser stays, the source is ok', async () => {
    feedItems = [item('Ridgeline breaks ground on GPU campus', '/a', 'Ridgeline Compute started building a GPU campus west of Abilene […]')];
    const cfg = config();
    // Bodies parse inline as usual; pages go to a worker allowed 1 ms.
    const inline = createParsePool({ size: 0, taskTimeoutMs: 60_000, maxMemoryMb: 512 });
    const strict = createParsePool({ size: 1, taskTimeoutMs: 1, maxMemoryMb: 512 });
    const pool: ParsePool = { ...inline, extract: (job) => strict.extract(job) };
    const store = SqliteStore.open(cfg.store.path);
    try {
      const summary = await runCycle(cfg, store, { now: () => T0, pool });
      expect(summary.sources[0]).toMatchObject({ ok: true, pagesFailed: 1 });
      expect(summary.sources[0]!.pageErrors![0]!.error).toMatch(/^the page could not be extracted: parsing page http:\/\/127\.0\.0\.1:\d+\/a took longer than pool\.taskTimeoutMs/);
      const [stored] = storedArticles(store);
      expect(stored!.article.paragraphs.join(' ')).toContain('Ridgeline Compute started building a GPU campus');
      expect(await store.pages.get(stored!.article.id)).toMatchObject({ outcome: 'failed', kind: 'extract', failures: 1 });
    } finally {
      await store.close();
      await strict.close();
    }
  });
});

describe('fullText: always and never', () => {
  it('always: a keyword only in the article keeps the item', async () => {
    feedItems = [item('Quarterly update from the operator', '/cooling', 'The operator published its quarterly update.')];
    const summary = await cycle(config('always'), T0);
    expect(summary.sources[0]!.pagesFetched).toBe(1);
    const stored = storedArticles(SqliteStore.open(config('always').store.path));
    expect(stored[0]!.article.paragraphs.join(' ')).toContain('liquid cooling');
    const atom = readFileSync(join(tmp.dir, 'feeds', 'ai-infrastructure.atom'), 'utf8');
    expect(atom).toContain('Quarterly update from the operator');
  });

  it('auto: the same item is not kept and its page not fetched', async () => {
    feedItems = [item('Quarterly update from the operator', '/cooling', 'The operator published its quarterly update.')];
    const before = server.count('/cooling');
    const summary = await cycle(config(), T0);
    expect(summary.sources[0]!.pagesFetched).toBeUndefined();
    expect(server.count('/cooling')).toBe(before);
  });

  it('never: no page is fetched, the teaser stays', async () => {
    feedItems = [item('Ridgeline breaks ground on GPU campus', '/a', 'Ridgeline Compute started building a GPU campus west of Abilene […]')];
    const before = server.count('/a');
    const summary = await cycle(config('never'), T0);
    expect(summary.sources[0]!.pagesFetched).toBeUndefined();
    expect(server.count('/a')).toBe(before);
  });
});
