/**
 * Incremental curation: `curateStore` re-decides only what its stored
 * decisions cannot answer (new or changed articles, changed rules, a passed
 * maxAgeDays limit), and its feeds must equal those of a pass that decides
 * every stored article again (the oracle: the decisions table emptied first).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig, type LoadedConfig } from '../../src/config/index.js';
import { curateStore, CycleMemory, decisionRules, runCycle } from '../../src/pipeline/index.js';
import { ScratchStore, SqliteStore } from '../../src/store/index.js';
import { startFixtureServer, testConfig } from '../helpers/env.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { makeArticle } from '../helpers/articles.js';

const T0 = new Date('2026-11-28T00:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * 86_400_000);
const iso = (days: number) => at(days).toISOString();

function config(dir: string, over: Record<string, unknown> = {}): LoadedConfig {
  const raw = {
    sources: [
      { name: 'DC Wire', url: 'http://127.0.0.1:9/dc.rss' },
      { name: 'Grid Post', url: 'http://127.0.0.1:9/grid.rss' },
    ],
    watch: { keywords: ['GPU'] },
    feeds: [
      { name: 'gpu', title: 'GPU' },
      { name: 'power', title: 'Power', keywords: ['grid'] },
    ],
    publish: { dir: 'feeds', baseUrl: 'http://127.0.0.1:8080' },
    store: { path: 'store.db' },
    curate: { clusterThreshold: 1 },
    ...over,
  };
  return parseConfig(raw, join(dir, 'config.json'));
}

/** Every feed's entries with their categories, in a stable order. */
function feedState(store: SqliteStore): string[] {
  return (store.db.prepare('SELECT feed, article_id, keywords FROM feed_entries ORDER BY feed, article_id').all() as { feed: string; article_id: string; keywords: string }[]).map(
    (r) => `${r.feed} ${r.article_id.slice(-4)} ${r.keywords}`,
  );
}

function curate(cfg: LoadedConfig, store: SqliteStore, now: Date) {
  return curateStore(cfg, store, decisionRules(cfg), now);
}

/** The oracle: what deciding every stored article again gives, on a copy (the store under test is left alone). */
async function fullyDecided(cfg: LoadedConfig, store: SqliteStore, now: Date): Promise<string[]> {
  const copy = ScratchStore.copyOf(store.path);
  try {
    copy.db.exec('DELETE FROM article_decisions');
    expect((await curate(cfg, copy, now)).decided).toBe(copy.db.prepare('SELECT count(*) FROM articles').pluck().get());
    return feedState(copy);
  } finally {
    await copy.close();
  }
}

describe('incremental curation', () => {
  let tmp: TempStore;
  let store: SqliteStore;

  beforeEach(() => {
    tmp = tempStore();
    store = tmp.store;
  });
  afterEach(async () => {
    await tmp.cleanup();
  });

  async function save(n: number, over: Parameters<typeof makeArticle>[1] = {}, firstSeen = iso(0)) {
    return await store.articles.save(makeArticle(n, over), firstSeen);
  }

  it('clusters only what a feed keeps: an unkept report is its own story until a rule keeps it, then joins its story', async () => {
    const same = { title: 'Helios Data signs a 500 MW nuclear deal for its Ohio campus', summary: 'Helios Data signed a 500 MW nuclear power deal.', paragraphs: ['Helios Data signed a 500 MW nuclear power deal.'], published: iso(0), updated: iso(0) };
    await save(1, same);
    await save(2, { ...same, url: 'https://gridpost.example/helios', source: { name: 'Grid Post', url: 'https://gridpost.example/feed.rss' } });
    const clustered = () => store.db.prepare('SELECT count(*) FROM story_clusters').pluck().get();
    // No feed keeps either (no GPU, no grid): nothing is clustered.
    expect(await curate(config(tmp.dir), store, at(0))).toMatchObject({ merged: 0 });
    expect(clustered()).toBe(0);
    // A keyword that keeps both: they are clustered now, as one story.
    const nuclear = config(tmp.dir, { watch: { keywords: ['nuclear'] } });
    expect(await curate(nuclear, store, at(0))).toMatchObject({ merged: 1 });
    expect(clustered()).toBe(2);
    expect(feedState(store)).toHaveLength(1);
  });

  it('decides each article once while nothing changes, and then only new and changed ones', async () => {
    const cfg = config(tmp.dir);
    for (let n = 1; n <= 6; n++) save(n, n % 2 ? {} : { title: `Story ${n}: grid upgrade`, summary: 'Grid news.', paragraphs: ['Grid.'] });
    expect((await curate(cfg, store, at(0))).decided).toBe(6);
    const before = feedState(store);
    expect(before.filter((e) => e.startsWith('gpu'))).toHaveLength(3);
    expect(before.filter((e) => e.startsWith('power'))).toHaveLength(3);

    const again = await curate(cfg, store, at(0.5));
    expect(again.decided).toBe(0);
    expect(feedState(store)).toEqual(before);

    await save(7);
    expect(await save(2, { title: 'Story 2: GPU grid upgrade', summary: 'Grid news.', paragraphs: ['Grid.'] })).toBe('changed');
    const next = await curate(cfg, store, at(1));
    expect(next.decided).toBe(2);
    expect(feedState(store)).toContain('gpu 0002 ["GPU"]');
    expect(feedState(store)).toEqual(await fullyDecided(cfg, store, at(1)));
  });

  it('a cycle decides each new item once, while storing it: the pass after the sources decides none again', async () => {
    const fixtures = await startFixtureServer();
    try {
      const cfg = testConfig(tmp.dir, fixtures.url, undefined, { pool: { size: 0 } });
      const summary = await runCycle(cfg, store, { now: () => at(0) });
      expect(summary.itemsNew).toBeGreaterThan(0);
      expect(summary.curation?.decided).toBe(0);
      expect(feedState(store).length).toBe(summary.itemsKept);
      expect(feedState(store)).toEqual(await fullyDecided(cfg, store, at(0)));
    } finally {
      await fixtures.stop();
    }
  });

  it('a cycle runs the whole-store pass again when anything it depends on changed, and skips it otherwise', async () => {
    const fixtures = await startFixtureServer();
    try {
      const base = { pool: { size: 0 } };
      const memory = new CycleMemory(); // what the daemon keeps between its cycles
      const cycle = async (extra: Record<string, unknown>, day: number) => (await runCycle(testConfig(tmp.dir, fixtures.url, undefined, { ...base, ...extra }), store, { now: () => at(day), memory })).curation;
      expect(await cycle({}, 0)).toBeDefined(); // the first cycle stores everything
      expect(await cycle({}, 0.01)).toBeUndefined(); // nothing new, the same inputs
      const feeds = [{ name: 'ai-infrastructure', title: 'AI infrastructure (test)', maxEntries: 3 }];
      const changes: [string, Record<string, unknown>][] = [
        ['the pass settings', { curate: { retentionDays: 400 } }],
        ['a feed setting that is no watch rule', { curate: { retentionDays: 400 }, feeds }],
        ['the watch rules', { curate: { retentionDays: 400 }, feeds, watch: { keywords: ['GPU'] } }],
      ];
      let day = 0.02;
      for (const [what, extra] of changes) {
        expect(await cycle(extra, (day += 0.01)), what).toBeDefined();
        expect(await cycle(extra, (day += 0.01)), `${what}, again`).toBeUndefined();
      }
    } finally {
      await fixtures.stop();
    }
  });

  it('a rule change after a pass that decided nothing re-decides everything', async () => {
    const cfg = config(tmp.dir);
    for (let n = 1; n <= 4; n++) save(n);
    await curate(cfg, store, at(0));
    expect((await curate(cfg, store, at(0.1))).decided).toBe(0);
    expect(feedState(store).filter((e) => e.startsWith('gpu'))).toHaveLength(4);

    const narrowed = config(tmp.dir, { watch: { keywords: ['GPU'], exclude: ['Story 3'] } });
    const report = await curate(narrowed, store, at(0.2));
    expect(report.decided).toBe(4);
    expect(report.feeds.find((f) => f.feed === 'gpu')!.removed).toHaveLength(1);
    expect(feedState(store).filter((e) => e.startsWith('gpu'))).toHaveLength(3);
    // A source's own rules are rules too.
    const bySource = config(tmp.dir, { sources: [{ name: 'DC Wire', url: 'http://127.0.0.1:9/dc.rss', watch: { exclude: ['cluster'] } }, { name: 'Grid Post', url: 'http://127.0.0.1:9/grid.rss' }] });
    expect((await curate(bySource, store, at(0.3))).decided).toBe(4);
    expect(feedState(store).filter((e) => e.startsWith('gpu'))).toHaveLength(0);
    expect((await curate(bySource, store, at(0.4))).decided).toBe(0);
  });

  it('maxAgeDays still drops a story when its limit passes between passes that decided nothing', async () => {
    const cfg = config(tmp.dir, { watch: { keywords: ['GPU'], maxAgeDays: 2 } });
    await save(1, { published: iso(-1), updated: iso(-1) });
    await save(2, { published: iso(-0.5), updated: iso(-0.5) });
    await save(3, { published: iso(-3), updated: iso(-3) }); // too old already
    expect((await curate(cfg, store, at(0))).decided).toBe(3);
    expect(feedState(store).filter((e) => e.startsWith('gpu'))).toHaveLength(2);
    expect((await curate(cfg, store, at(0.5))).decided).toBe(0);

    const later = await curate(cfg, store, at(1.2)); // story 1 is 2.2 days old now, story 2 1.7
    expect(later.decided).toBe(1);
    // The next time the clock alone changes anything: story 2's limit (2 days after it was published, 1 s early).
    expect(later.nextChangeAt).toBe(at(1.5).getTime() - 1000);
    expect(later.feeds.find((f) => f.feed === 'gpu')!.removed).toEqual([makeArticle(1).id]);
    expect(feedState(store)).toEqual(await fullyDecided(cfg, store, at(1.2)));
    expect((await curate(cfg, store, at(1.4))).decided).toBe(0);
    expect((await curate(cfg, store, at(1.6))).decided).toBe(1); // story 2 passes its limit
    expect(feedState(store).filter((e) => e.startsWith('gpu'))).toHaveLength(0);
    // A clock set back decides again rather than trusting a decision from its future.
    expect((await curate(cfg, store, at(-0.2))).decided).toBe(3);
    expect(feedState(store)).toEqual(await fullyDecided(cfg, store, at(-0.2)));
  });

  it('a source overlay maxAgeDays is a limit of its own', async () => {
    const cfg = config(tmp.dir, { sources: [{ name: 'DC Wire', url: 'http://127.0.0.1:9/dc.rss', watch: { maxAgeDays: 1 } }, { name: 'Grid Post', url: 'http://127.0.0.1:9/grid.rss' }] });
    await save(1, { published: iso(-0.5), updated: iso(-0.5) });
    await curate(cfg, store, at(0));
    expect((await curate(cfg, store, at(0.4))).decided).toBe(0);
    expect((await curate(cfg, store, at(0.6))).decided).toBe(1);
    expect(feedState(store)).toEqual([]);
  });

  it('retention prunes and tombstones after passes that decided nothing', async () => {
    const cfg = config(tmp.dir, { curate: { clusterThreshold: 1, retentionDays: 30 } });
    await save(1, {}, iso(-20));
    await save(2, {}, iso(-5));
    await curate(cfg, store, at(0));
    expect((await curate(cfg, store, at(5))).decided).toBe(0);
    expect((await curate(cfg, store, at(6))).nextChangeAt).toBe(at(10).getTime()); // story 1's cluster reaches 30 days
    const pruned = await curate(cfg, store, at(11));
    expect(pruned.pruned).toBe(1);
    expect(pruned.decided).toBe(0);
    expect(store.db.prepare('SELECT article_id, source, guid, url FROM tombstones').all()).toEqual([{ article_id: makeArticle(1).id, source: 'DC Wire', guid: null, url: makeArticle(1).url }]);
    expect(store.db.prepare('SELECT count(*) FROM article_decisions').pluck().get()).toBe(1);
    expect(feedState(store)).toEqual([`gpu ${makeArticle(2).id.slice(-4)} ["GPU"]`]);
    expect(feedState(store)).toEqual(await fullyDecided(cfg, store, at(11)));
  });
});
