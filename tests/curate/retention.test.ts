/**
 * Rules apply to what is stored (re-curation without fetching), retention
 * prunes the store, and tombstones keep pruned items from coming back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDryRun } from '../../src/cli/explain.js';
import { recurate, runCycle } from '../../src/pipeline/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { FIXTURE_SOURCES, startFixtureServer, tempDir, testConfig } from '../helpers/env.js';
import { collect, feedEntries, storedArticles } from '../helpers/store.js';

const T0 = new Date('2026-11-28T00:00:00Z');
const days = (n: number) => new Date(T0.getTime() + n * 86_400_000);
const GOOD_SOURCES = FIXTURE_SOURCES.slice(0, 5);

describe('re-curation, retention and tombstones', () => {
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let tmp: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    fixtures = await startFixtureServer();
  });
  afterAll(async () => {
    await fixtures?.stop();
  });

  function setup(extra: Record<string, unknown> = {}) {
    tmp = tempDir();
    const config = testConfig(tmp.dir, fixtures.url, GOOD_SOURCES, extra);
    return { config, store: SqliteStore.open(config.store.path) };
  }
  const titles = async (store: SqliteStore, feed = 'ai-infrastructure') => (await feedEntries(store, feed, 1000)).map((e) => e.article.title);

  it('a keyword added later brings stories seen before into the feed at once, and removing it takes them out', async () => {
    const { config, store } = setup({ watch: { keywords: ['Nscale'] } });
    try {
      await runCycle(config, store, { now: () => T0 });
      expect((await titles(store))).toHaveLength(2);
      expect((await titles(store)).some((t) => t.startsWith('Helios Data'))).toBe(false);
      const widened = { ...config, watch: { ...config.watch, keywords: ['Nscale', 'nuclear'] } };
      const { curation, feeds } = await recurate(widened, store, days(1));
      expect((await titles(store)).some((t) => t.startsWith('Helios Data'))).toBe(true);
      expect(curation.feeds[0]!.added).toHaveLength(1);
      expect(feeds[0]!.changed.length).toBeGreaterThan(0); // the feed files were rewritten
      await recurate(config, store, days(1));
      expect((await titles(store))).toHaveLength(2);
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });

  it('retention prunes old articles; still listed upstream, they never come back as new', async () => {
    const { config, store } = setup({ curate: { retentionDays: 30 } });
    try {
      const first = await runCycle(config, store, { now: () => T0 });
      expect(first.itemsNew).toBe(17);
      expect((await titles(store))).toHaveLength(12);
      const again = await runCycle(config, store, { now: () => days(31) });
      expect(again.itemsNew).toBe(0);
      expect(again.itemsSeen).toBe(17);
      expect(storedArticles(store)).toHaveLength(0);
      expect((await titles(store))).toHaveLength(0);
      expect(store.db.prepare('SELECT count(*) FROM tombstones').pluck().get()).toBe(17);
      const explained = await withDryRun(config, (run) => collect(run.items()), () => days(32));
      expect(explained).toHaveLength(17);
      expect(explained.every((e) => e.skipped === 'pruned by retention earlier (tombstone)')).toBe(true);
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });

  it('maxAgeDays drops stories in later cycles that store nothing new (the cycle knows when the next one ages out)', async () => {
    const { config, store } = setup({ watch: { keywords: ['Nscale', 'nuclear', 'GPU', 'data center', 'AI'], maxAgeDays: 3 } });
    try {
      const kept = async (at: Date) => {
        const summary = await runCycle(config, store, { now: () => at });
        expect(summary.itemsNew + summary.itemsSeen).toBeGreaterThan(0);
        return (await feedEntries(store, 'ai-infrastructure', 1000)).map((e) => e.article.published).sort();
      };
      const first = await kept(T0);
      expect(first.length).toBeGreaterThan(2);
      // Just after the oldest entry's limit, then after all: the same sources, nothing new stored.
      const ageOut = (published: string) => new Date(Date.parse(published) + 3 * 86_400_000 + 60_000);
      expect(await kept(ageOut(first[0]!))).toEqual(first.filter((p) => ageOut(p) > ageOut(first[0]!)));
      expect(await kept(ageOut(first.at(-1)!))).toEqual([]);
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });

  it('a feed keeps its newest maxEntries; an entry pushed out does not return when room frees up', async () => {
    const { config, store } = setup({ feeds: [{ name: 'ai-infrastructure', title: 'T', maxEntries: 3 }] });
    try {
      await runCycle(config, store, { now: () => T0 });
      const top = (await titles(store));
      expect(top).toHaveLength(3);
      expect(store.db.prepare('SELECT count(*) FROM feed_tombstones').pluck().get()).toBe(0); // the rest were never in the feed: nothing pruned

      const wider = { ...config, feeds: [{ ...config.feeds[0]!, maxEntries: 5 }] };
      await recurate(wider, store, T0);
      const five = (await titles(store));
      expect(five).toHaveLength(5);
      await recurate(config, store, T0); // back to 3: two entries are pushed out and tombstoned
      expect(store.db.prepare('SELECT count(*) FROM feed_tombstones').pluck().get()).toBe(2);
      const pushedOut = five.slice(3);
      await recurate(wider, store, T0); // room again: older stories fill it, the pushed-out entries stay out
      const after = (await titles(store));
      expect(after.slice(0, 3)).toEqual(top);
      expect(after).toHaveLength(5);
      for (const t of pushedOut) expect(after).not.toContain(t);
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });
});
