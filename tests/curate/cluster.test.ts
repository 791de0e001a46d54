/**
 * Story clustering on the fixture set in fixtures/clusters: five outlets tell
 * the same three stories with different headlines and ledes, next to unrelated
 * stories that share keywords (three different GPU stories among them).
 * Prints pairwise precision and recall and requires both to be perfect here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { withDryRun } from '../../src/cli/explain.js';
import { assignClusters, similarity, storyTokens } from '../../src/curate/index.js';
import type { Article } from '../../src/model/index.js';
import { toArticle } from '../../src/normalize/index.js';
import { parseFeed } from '../../src/parse/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { ROOT, tempDir, validateAtom, serveDir } from '../helpers/env.js';
import { collect, feedEntries } from '../helpers/store.js';

const DIR = join(ROOT, 'fixtures/clusters');
const SOURCES: [string, string][] = [
  ['North Wire', 'northwire.rss'],
  ['Grid Post', 'gridpost.rss'],
  ['Chip Brief', 'chipbrief.rss'],
  ['DC Weekly', 'dcweekly.rss'],
  ['Infra Desk', 'infradesk.rss'],
];
const TRUTH = new Map(Object.entries((JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as { stories: Record<string, string> }).stories));

/** Pairwise precision and recall of predicted clusters against the true story labels. */
function pairwiseScores(predicted: ReadonlyMap<string, string>, truth: ReadonlyMap<string, string>) {
  const ids = [...truth.keys()];
  let both = 0;
  let predictedPairs = 0;
  let truePairs = 0;
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const samePredicted = predicted.get(ids[i]!) === predicted.get(ids[j]!);
      const sameTrue = truth.get(ids[i]!) === truth.get(ids[j]!);
      predictedPairs += Number(samePredicted);
      truePairs += Number(sameTrue);
      both += Number(samePredicted && sameTrue);
    }
  }
  return { precision: predictedPairs ? both / predictedPairs : 1, recall: truePairs ? both / truePairs : 1 };
}

async function fixtureArticles(): Promise<Article[]> {
  const out: Article[] = [];
  for (const [name, file] of SOURCES) {
    const parsed = await parseFeed(readFileSync(join(DIR, file)), 'application/rss+xml');
    const source = { name, url: `https://${file}`, feedTitle: parsed.title, feedLink: parsed.link };
    for (const item of parsed.items) out.push(toArticle(item, source, new Date('2026-11-28T00:00:00Z'))!);
  }
  return out;
}

describe('story clustering', () => {
  it('groups the fixture set with perfect pairwise precision and recall', async () => {
    const articles = await fixtureArticles();
    expect(articles).toHaveLength(TRUTH.size);
    const assigned = assignClusters(
      articles.map((article) => ({ article, firstSeen: '2026-11-28T00:00:00.000Z', priority: 0 })),
      new Map(),
      { windowHours: 72, threshold: 0.25 },
    );
    const byUrl = new Map(articles.map((a) => [a.url, assigned.get(a.id)!]));
    const scores = pairwiseScores(byUrl, TRUTH);
    console.log(`clustering on fixtures/clusters: precision ${scores.precision.toFixed(3)}, recall ${scores.recall.toFixed(3)}`);
    expect(scores).toEqual({ precision: 1, recall: 1 });
    expect(new Set(assigned.values()).size).toBe(9); // 3 stories + 6 unrelated
  });

  it('two different GPU stories do not merge; a threshold of 0 merges everything (the metric can fail)', async () => {
    const articles = await fixtureArticles();
    const gpu = articles.filter((a) => /GPU/.test(a.title) && ['U1', 'U2', 'U3'].includes(TRUTH.get(a.url)!));
    expect(gpu).toHaveLength(3);
    for (const a of gpu) for (const b of gpu) if (a !== b) expect(similarity(storyTokens(a.title, a.summary), storyTokens(b.title, b.summary))).toBeLessThan(0.25);
    const all = assignClusters(articles.map((article) => ({ article, firstSeen: 'x', priority: 0 })), new Map(), { windowHours: 72, threshold: 0 });
    expect(pairwiseScores(new Map(articles.map((a) => [a.url, all.get(a.id)!])), TRUTH).precision).toBeLessThan(0.5);
  });

  it('respects the window: the same story published further apart stays separate', () => {
    const a = { id: 'a', title: 'Kestrel Cloud raises $2.4 billion for Oulu GPU campus', summary: 'Kestrel Cloud, Finland, 40,000 GPUs.', published: '2026-11-01T00:00:00Z', source: { name: 'x', url: 'u' } };
    const b = { ...a, id: 'b', published: '2026-11-05T00:00:00Z' };
    const opts = { windowHours: 72, threshold: 0.25 };
    const input = (x: typeof a) => ({ article: x, firstSeen: 's', priority: 0 });
    expect(assignClusters([input(a), input(b)], new Map(), opts).get('b')).toBe('b');
    expect(assignClusters([input(a), input(b)], new Map(), { ...opts, windowHours: 24 * 5 }).get('b')).toBe('a');
  });

  it('a cluster does not drift: a report like a member but not like the lead starts its own cluster', () => {
    const mk = (id: string, title: string) => ({ article: { id, title, summary: '', published: '2026-11-27T07:00:00Z', source: { name: id, url: 'u' } }, firstSeen: id, priority: 0 });
    const a = mk('a', 'Kestrel Cloud raises money for Oulu Finland campus');
    const b = mk('b', 'Kestrel Cloud Oulu Finland campus orders Blackwell racks from Nvidia');
    const c = mk('c', 'Nvidia Blackwell racks orders slip as Taiwan suppliers lag');
    const tok = (x: typeof a) => storyTokens(x.article.title, '');
    expect(similarity(tok(a), tok(b))).toBeGreaterThanOrEqual(0.25);
    expect(similarity(tok(b), tok(c))).toBeGreaterThanOrEqual(0.25);
    expect(similarity(tok(a), tok(c))).toBeLessThan(0.25);
    expect(assignClusters([a, b, c], new Map(), { windowHours: 72, threshold: 0.25 })).toEqual(new Map([['a', 'a'], ['b', 'a'], ['c', 'c']]));
  });

  it('the highest-priority source leads among reports first seen together; an existing lead never changes', () => {
    const base = { title: 'Halden Semiconductor delays Arizona 2nm fab to 2028', summary: 'Halden, Phoenix, $18 billion, lithography.', published: '2026-11-27T07:00:00Z' };
    const early = { article: { ...base, id: 'early', source: { name: 'A', url: 'u' } }, firstSeen: 't1', priority: 0 };
    const favoured = { article: { ...base, id: 'favoured', published: '2026-11-27T09:00:00Z', source: { name: 'B', url: 'u' } }, firstSeen: 't1', priority: 5 };
    const opts = { windowHours: 72, threshold: 0.25 };
    expect(assignClusters([early, favoured], new Map(), opts)).toEqual(new Map([['favoured', 'favoured'], ['early', 'favoured']]));
    const later = { ...favoured, article: { ...favoured.article, id: 'later' }, firstSeen: 't2', priority: 99 };
    expect(assignClusters([early, later], new Map([['early', 'early']]), opts)).toEqual(new Map([['later', 'early']]));
  });
});

describe('clusters through whole cycles', () => {
  let tmp: ReturnType<typeof tempDir>;
  let served: Awaited<ReturnType<typeof serveDir>>;
  let base: string;

  beforeAll(async () => {
    tmp = tempDir();
    served = await serveDir(DIR);
    base = served.url;
  });
  afterAll(async () => {
    await served?.stop();
    tmp?.cleanup();
  });

  const config = (sources: [string, string][]) =>
    parseConfig(
      {
        sources: sources.map(([name, file]) => ({ name, url: `${base}/${file}` })),
        watch: { keywords: ['Kestrel Cloud', 'nuclear', 'fab', 'GPU'] },
        feeds: [{ name: 'stories', title: 'Stories' }],
        store: { path: 'store.db' },
        fetch: { timeoutMs: 5000 },
      },
      join(tmp.dir, 'config.json'),
    );

  it('publishes one entry per story with the other reports as related; coverage added later moves updated, never the id', async () => {
    const store = SqliteStore.open(join(tmp.dir, 'store.db'));
    try {
      await runCycle(config(SOURCES.slice(0, 4)), store, { now: () => new Date('2026-11-27T12:00:00Z') });
      const first = await feedEntries(store, 'stories', 100);
      const kestrel = first.find((e) => e.article.title.includes('Kestrel'))!;
      expect(first.filter((e) => /Kestrel/.test(e.article.title))).toHaveLength(1);
      expect(kestrel.article.related.map((r) => r.source).sort()).toEqual(['Chip Brief', 'DC Weekly', 'Grid Post']);
      expect(kestrel.article.updated).toBe(kestrel.article.published); // all reports first seen together: no later coverage

      await runCycle(config(SOURCES), store, { now: () => new Date('2026-11-28T06:00:00Z') });
      const second = await feedEntries(store, 'stories', 100);
      const again = second.find((e) => e.article.id === kestrel.article.id)!;
      expect(second.filter((e) => /Kestrel/.test(e.article.title))).toHaveLength(1);
      expect(again.article.related.map((r) => r.source)).toContain('Infra Desk');
      expect(again.article.related).toHaveLength(4);
      expect(again.article.updated).toBe('2026-11-28T06:00:00.000Z');
      // three stories + Pinecrest (GPU), GPU prices, Rubin (GPU), Atomis (nuclear); Pohjola and Corvid match nothing
      expect(second).toHaveLength(7);
      expect(second.filter((e) => e.article.related.length === 4)).toHaveLength(3);
    } finally {
      await store.close();
    }
    const result = await validateAtom(join(tmp.dir, 'feeds', 'stories.atom'));
    expect(result.code, result.output).toBe(0);
  });

  it('on the real clock, reports first seen in one cycle are seen together: the higher priority leads, and none counts as coverage added later', async () => {
    const dir = join(tmp.dir, 'real-clock');
    // One fetch at a time, in config order: North Wire's report is stored first, DC Weekly's (priority 5) after it.
    const cfg = parseConfig(
      {
        sources: [
          { name: 'North Wire', url: `${base}/northwire.rss` },
          { name: 'DC Weekly', url: `${base}/dcweekly.rss`, priority: 5 },
        ],
        watch: { keywords: ['Kestrel Cloud'] },
        feeds: [{ name: 'stories', title: 'Stories' }],
        store: { path: 'store.db' },
        fetch: { timeoutMs: 5000, concurrency: 1 },
      },
      join(dir, 'config.json'),
    );
    const store = SqliteStore.open(cfg.store.path);
    try {
      const summary = await runCycle(cfg, store);
      const firstSeen = store.db.prepare('SELECT DISTINCT first_seen FROM articles').pluck().all();
      expect(firstSeen).toEqual([summary.startedAt]);
      const [entry, ...others] = await feedEntries(store, 'stories', 10);
      expect(others).toEqual([]);
      expect(entry!.article.source.name).toBe('DC Weekly');
      expect(entry!.article.related.map((r) => r.source)).toEqual(['North Wire']);
      expect(entry!.article.updated).toBe(entry!.article.published);
    } finally {
      await store.close();
    }
  });

  it('a dry run says which reports were merged into which published story', async () => {
    const explained = await withDryRun(config(SOURCES), (run) => collect(run.items()));
    const infraDesk = explained.find((e) => e.article.source.name === 'Infra Desk' && e.article.title.includes('Kestrel'))!;
    expect(infraDesk.mergedInto?.title).toBe('Kestrel Cloud raises $2.4 billion to build GPU campus in Oulu, Finland');
    const lead = explained.find((e) => e.article.id === infraDesk.mergedInto!.id)!;
    expect(lead.mergedInto).toBeUndefined();
    expect(explained.filter((e) => e.mergedInto).length).toBe(12); // 3 stories x 4 other outlets
    // Each item keeps the heading it is shown with, not its whole Article (bodies made a 1,000-source dry run need over 1 GB).
    for (const e of explained) expect(Object.keys(e.article).sort()).toEqual(['id', 'published', 'source', 'title', 'url']);
  });
});
