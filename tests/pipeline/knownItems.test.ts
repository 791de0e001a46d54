/**
 * Known items: when a source's body changed, only its new and edited items
 * are normalized and written; an item stored from the same input, whose
 * decision still stands, is counted and left alone. The oracle is the same
 * cycle on a copy of the store with every input hash cleared, where every
 * item is normalized and ingested again: both stores must end the same.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/cli/report.js';
import { parseConfig, type LoadedConfig } from '../../src/config/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import type { CycleSummary } from '../../src/model/index.js';
import { ScratchStore, SqliteStore } from '../../src/store/index.js';
import { serveDir, tempDir } from '../helpers/env.js';

const T0 = new Date('2026-11-20T12:00:00.000Z');
const hoursLater = (h: number) => new Date(T0.getTime() + h * 3_600_000);

interface Item {
  slug: string;
  title: string;
  body: string;
  /** Hours before T0; none: the item has no date (dated when first seen). */
  ageHours?: number;
}

const STORIES: Item[] = [
  { slug: 'lakeside-campus', title: 'Lakeside campus adds 300 MW for GPU halls', body: 'The operator said the second phase brings 300 MW of capacity for GPU clusters by 2028.', ageHours: 2 },
  { slug: 'cooling-retrofit', title: 'Liquid cooling retrofit reaches older data center floors', body: 'Retrofits let older halls host accelerator racks drawing 80 kW each.', ageHours: 6 },
  { slug: 'grid-deal', title: 'Utility signs a 1.2 GW power purchase agreement with a hyperscaler', body: 'The fifteen-year deal covers wind and storage capacity in two states.', ageHours: 30 },
  { slug: 'chip-supply', title: 'Accelerator supply loosens as packaging lines expand', body: 'Lead times for the newest GPU boards fell to twelve weeks, buyers said.', ageHours: 50 },
  { slug: 'site-notes', title: 'Site notes: permits filed for a new data center campus', body: 'Filings describe four buildings and an on-site substation.' },
];

function rssDocument(items: readonly Item[]): string {
  const entries = items.map(
    (i) => `    <item>
      <title>${i.title}</title>
      <link>https://wire.example.com/news/${i.slug}</link>
      <guid>https://wire.example.com/news/${i.slug}</guid>
${i.ageHours === undefined ? '' : `      <pubDate>${hoursLater(-i.ageHours).toUTCString()}</pubDate>\n`}      <description><![CDATA[<p>${i.body}</p><p>Analysts expect more GPU capacity announcements this quarter.</p>]]></description>
    </item>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
    <title>Known Items Wire</title>
    <link>https://wire.example.com/</link>
    <description>Test wire</description>
${entries.join('\n')}
</channel></rss>
`;
}

describe('known items in a changed body', () => {
  let tmp: ReturnType<typeof tempDir>;
  let served: string;
  let url: string;
  let stop: () => Promise<void>;

  beforeEach(async () => {
    tmp = tempDir();
    served = join(tmp.dir, 'served');
    mkdirSync(served);
    ({ url, stop } = await serveDir(served));
  });
  afterEach(async () => {
    await stop();
    tmp.cleanup();
  });

  function config(poolSize: number, watch: Record<string, unknown> = { keywords: ['GPU', 'data center', 'power purchase agreement'] }, extra: Record<string, unknown> = {}): LoadedConfig {
    const raw = {
      ...extra,
      sources: [{ name: 'Known Items Wire', url: `${url}/wire.rss` }],
      watch,
      feeds: [{ name: 'infra', title: 'Infra' }],
      publish: { dir: 'feeds', baseUrl: 'http://127.0.0.1:8080' },
      store: { path: 'store.db' },
      pool: { size: poolSize },
    };
    return parseConfig(raw, join(tmp.dir, 'config.json'));
  }

  function serve(items: readonly Item[]): void {
    writeFileSync(join(served, 'wire.rss'), rssDocument(items));
  }

  /** What a store holds that a cycle writes: articles (data, revision, first seen, hash presence), decisions (not their time), feed entries. */
  function storeState(store: SqliteStore) {
    return {
      articles: store.db.prepare('SELECT id, data, revision, first_seen, input_hash FROM articles ORDER BY id').all(),
      decisions: store.db.prepare('SELECT article_id, rules, valid_until, kept FROM article_decisions ORDER BY article_id').all(),
      entries: store.db.prepare('SELECT feed, article_id, keywords FROM feed_entries ORDER BY feed, article_id').all(),
    };
  }

  /**
   * Run the cycle on the store and, as the oracle, on a copy of it where no
   * input hash matches (each is marked for the cycle, so every item is ingested
   * again, and unmarked after it); both must end the same.
   */
  async function cycleWithOracle(cfg: LoadedConfig, store: SqliteStore, at: Date): Promise<CycleSummary> {
    const copyPath = join(tmp.dir, `oracle-${at.getTime()}.db`);
    store.db.prepare('VACUUM INTO ?').run(copyPath);
    const oracle = SqliteStore.open(copyPath);
    try {
      // '!' is no base64url character: a marked hash matches nothing, and only the ones the cycle did not rewrite stay marked.
      oracle.db.exec("UPDATE articles SET input_hash = '!' || input_hash WHERE input_hash IS NOT NULL");
      const expected = await runCycle(cfg, oracle, { now: () => at });
      oracle.db.exec("UPDATE articles SET input_hash = substr(input_hash, 2) WHERE input_hash LIKE '!%'");
      const summary = await runCycle(cfg, store, { now: () => at });
      expect(expected.sources[0]!.itemsKnown).toBe(0);
      expect(storeState(store)).toEqual(storeState(oracle));
      for (const k of ['itemsSeen', 'itemsNew', 'itemsKept'] as const) expect(summary[k], k).toBe(expected[k]);
      expect(summary.sources[0]!.itemsChanged).toBe(expected.sources[0]!.itemsChanged);
      return summary;
    } finally {
      await oracle.close();
    }
  }

  it.each([0, 1])('normalizes only the new and edited items (pool.size %i), and the store ends as if every item were ingested again', async (poolSize) => {
    const cfg = config(poolSize);
    const store = SqliteStore.open(join(tmp.dir, 'store.db'));
    try {
      serve(STORIES);
      const first = (await runCycle(cfg, store, { now: () => T0 })).sources[0]!;
      expect(first).toMatchObject({ ok: true, itemsSeen: 5, itemsNew: 5, itemsKnown: 0 });
      // The undated item is dated from the poll and still has its input hash: normalizing it again dates it the same (first seen).
      expect(store.db.prepare('SELECT count(*) FROM articles WHERE input_hash IS NOT NULL').pluck().get()).toBe(5);

      const fresh: Item = { slug: 'new-campus', title: 'Developer breaks ground on a 500 MW AI campus', body: 'The first 120 MW hall is due in 2027 with liquid-cooled GPU racks.', ageHours: 0.5 };
      const edited = { ...STORIES[1]!, body: `${STORIES[1]!.body} A correction: racks draw up to 100 kW.` };
      serve([fresh, STORIES[0]!, edited, ...STORIES.slice(2)]);
      const second = (await cycleWithOracle(cfg, store, hoursLater(1))).sources[0]!;
      // Four items stand as stored, the undated one too; the new and the edited one are normalized.
      expect(second).toMatchObject({ ok: true, itemsSeen: 6, itemsNew: 1, itemsChanged: 1, itemsKnown: 4 });
      // The run summary says so on the source's row.
      expect(formatSummary({ startedAt: T0.toISOString(), finishedAt: T0.toISOString(), sources: [second], feeds: [], itemsSeen: 6, itemsNew: 1, itemsKept: second.itemsKept })).toMatch(
        /ok\s+Known Items Wire\s+rss2\s+6\s+1\s+\d+\s+4 as stored before \(not read again\)/,
      );
      expect(second.itemsKept).toBe(first.itemsKept + 1);
      // The undated item kept the time it was first seen.
      const siteNotes = store.db.prepare("SELECT data FROM articles WHERE url LIKE '%site-notes'").pluck().get() as string;
      expect(JSON.parse(siteNotes).published).toBe(T0.toISOString());
      // Not written again: its revision is still 0.
      expect(store.db.prepare("SELECT revision FROM articles WHERE url LIKE '%site-notes'").pluck().get()).toBe(0);

      // Unchanged again apart from a new item: the edited one is known now.
      const another: Item = { slug: 'fab-power', title: 'Chip fab secures 400 MW from a new data center substation', body: 'The substation also feeds two colocation halls.', ageHours: 0.2 };
      serve([another, fresh, STORIES[0]!, edited, ...STORIES.slice(2)]);
      expect((await cycleWithOracle(cfg, store, hoursLater(2))).sources[0]).toMatchObject({ itemsSeen: 7, itemsNew: 1, itemsKnown: 6 });
    } finally {
      await store.close();
    }
  });

  it('an item is known only while its decision stands: not after a rule change or a passed maxAgeDays limit', async () => {
    const store = SqliteStore.open(join(tmp.dir, 'store.db'));
    try {
      const aging = config(0, { keywords: ['GPU', 'data center', 'power purchase agreement'], maxAgeDays: 2 });
      serve(STORIES);
      await runCycle(aging, store, { now: () => T0 });
      // A new item on top each time (dated a little before the poll), so the body changes.
      const updates: Item[] = [];
      const touch = (n: number) => {
        updates.unshift({ slug: `update-${n}`, title: `Update ${n}: GPU lease rates steady`, body: 'Rates held for the third month.', ageHours: 0.1 - n });
        serve([...updates, ...STORIES]);
      };

      // 20 hours on, the 30-hour-old story has passed its 2-day limit: its decision is re-made, so it is read again.
      // The 50-hour-old one was past it already: not kept, with no limit ahead, it stays known.
      touch(20);
      const aged = (await cycleWithOracle(aging, store, hoursLater(20))).sources[0]!;
      expect(aged).toMatchObject({ itemsNew: 1, itemsKnown: 4 });
      expect(store.db.prepare("SELECT kept FROM article_decisions d JOIN articles a ON a.id = d.article_id WHERE a.url LIKE '%grid-deal'").pluck().get()).toBe('[]');

      // Other watch rules: no stored decision stands, so every item is read and decided again.
      const narrowed = config(0, { keywords: ['GPU'], maxAgeDays: 2 });
      touch(21);
      expect((await cycleWithOracle(narrowed, store, hoursLater(21))).sources[0]).toMatchObject({ itemsNew: 1, itemsKnown: 0 });
      touch(22);
      expect((await cycleWithOracle(narrowed, store, hoursLater(22))).sources[0]).toMatchObject({ itemsSeen: 8, itemsNew: 1, itemsKnown: 7 });
    } finally {
      await store.close();
    }
  });

  it('an item whose stated date was in the future is never known: that date it carries is taken once it comes within tolerance', async () => {
    const cfg = config(0);
    const store = SqliteStore.open(join(tmp.dir, 'store.db'));
    try {
      // 30 hours ahead: beyond the default 24-hour tolerance, so dated when first seen.
      const early: Item = { slug: 'embargoed', title: 'Embargoed: GPU maker books a 2 GW data center order', body: 'Details are under embargo until tomorrow.', ageHours: -30 };
      const dated = () => JSON.parse(store.db.prepare("SELECT data FROM articles WHERE url LIKE '%embargoed'").pluck().get() as string).published;
      serve([early, ...STORIES.slice(0, 2)]);
      await runCycle(cfg, store, { now: () => T0 });
      expect(dated()).toBe(T0.toISOString());
      serve([early, ...STORIES.slice(0, 3)]);
      expect((await cycleWithOracle(cfg, store, hoursLater(1))).sources[0]).toMatchObject({ itemsNew: 1, itemsKnown: 2 });
      expect(dated()).toBe(T0.toISOString());
      // 7 hours on, the date is 23 hours ahead: within tolerance, the item takes it.
      serve([early, ...STORIES.slice(0, 4)]);
      expect((await cycleWithOracle(cfg, store, hoursLater(7))).sources[0]).toMatchObject({ itemsNew: 1, itemsChanged: 1, itemsKnown: 3 });
      expect(dated()).toBe(hoursLater(30).toISOString());
    } finally {
      await store.close();
    }
  });

  it('looks for known items only among the source\'s newest stored articles (2 × fetch.maxItems): an older item is read again, to the same result', async () => {
    const cfg = config(0, undefined, { fetch: { maxItems: 2 } });
    const store = SqliteStore.open(join(tmp.dir, 'store.db'));
    try {
      const later: Item[] = [
        { slug: 'turbine-order', title: 'Data center operator orders gas turbines for 200 MW', body: 'Delivery is set for the end of next year.', ageHours: 1 },
        { slug: 'fiber-route', title: 'New fiber route links two GPU campuses', body: 'The route adds 40 ms less latency than the old path.', ageHours: 0.5 },
      ];
      const pairs = [STORIES.slice(0, 2), STORIES.slice(2, 4), later];
      for (const [n, pair] of pairs.entries()) {
        serve(pair);
        expect((await runCycle(cfg, store, { now: () => hoursLater(n) })).sources[0]).toMatchObject({ itemsNew: 2, itemsKnown: 0 });
      }
      // Six stored; the newest four are looked at: the first pair is read again (and found unchanged), the last is known.
      serve(STORIES.slice(0, 2));
      expect((await cycleWithOracle(cfg, store, hoursLater(3))).sources[0]).toMatchObject({ itemsSeen: 2, itemsNew: 0, itemsKnown: 0 });
      serve([...later].reverse());
      expect((await cycleWithOracle(cfg, store, hoursLater(4))).sources[0]).toMatchObject({ itemsSeen: 2, itemsNew: 0, itemsKnown: 2 });
    } finally {
      await store.close();
    }
  });

  it('a dry run decides every item, known or not', async () => {
    const cfg = config(0);
    const store = SqliteStore.open(join(tmp.dir, 'store.db'));
    try {
      serve(STORIES);
      await runCycle(cfg, store, { now: () => T0 });
      const copy = ScratchStore.copyOf(store.path);
      try {
        let decided = 0;
        const summary = await runCycle(cfg, copy, { now: () => hoursLater(1), dryRun: true, onDecisions: () => decided++ });
        expect(summary.sources[0]).toMatchObject({ itemsSeen: 5, itemsKnown: 0 });
        expect(decided).toBe(5);
      } finally {
        await copy.close();
      }
    } finally {
      await store.close();
    }
  });
});
