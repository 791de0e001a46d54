/**
 * Curating what is stored: retention, story clusters and feed membership,
 * recomputed from the store after every cycle and whenever the rules change.
 *
 * Rules:
 * - Rules apply to everything stored, not only to new items: a keyword added
 *   today brings yesterday's matching stories into the feed, and a removed
 *   one takes them out, without waiting for new items.
 * - Retention first: a cluster whose lead was first seen more than
 *   `curate.retentionDays` ago is pruned with all its reports, and each gets
 *   a tombstone so it never comes back as new.
 * - A story cluster is one entry, its lead's: kept by a feed when any of its
 *   reports is, with the matched terms of all kept reports as categories.
 * - Only articles some feed keeps are clustered (most of what a monitor reads
 *   is kept by no feed; clustering it cost 40% of a cycle). One a rule keeps
 *   later is clustered then, against the leads in its window.
 * - Each feed keeps its newest `maxEntries` clusters (by the lead's published
 *   date); an entry pushed out is tombstoned for that feed.
 * - One transaction: a reader sees the feed before or after, never half.
 * - Decisions are made by `decideArticle` (decide.ts), as at ingest.
 * - Incremental, with the same result as deciding everything again: each
 *   article's decisions are stored with the rules' fingerprint and re-made
 *   only when the rules changed, the article's data changed, or a
 *   maxAgeDays limit passed since; retention needs dates only. So a pass
 *   over an unchanged store reads columns, never the articles' JSON.
 */
import type { LoadedConfig } from '../config/index.js';
import { clusterStories } from '../curate/index.js';
import type { CurationReport, FeedChange } from '../model/index.js';
import type { CurationRow, StoreSession, Store } from '../store/index.js';
import { decideArticle, stillValid, type DecisionRules } from './decide.js';

type CurateConfig = Pick<LoadedConfig, 'curate' | 'feeds' | 'sources'>;
const DAY_MS = 86_400_000;

/** Ids of the clusters whose lead was first seen before `cutoff`, with all their reports. */
function expired(rows: readonly CurationRow[], leads: ReadonlyMap<string, string>, cutoff: string): string[] {
  const leadOf = (id: string) => leads.get(id) ?? id;
  const deadLeads = new Set(rows.filter((r) => r.firstSeen < cutoff && leadOf(r.id) === r.id).map((r) => r.id));
  return rows.filter((r) => deadLeads.has(leadOf(r.id))).map((r) => r.id);
}

/**
 * Each live article's kept feeds: the stored decision while it stands, else
 * decided now from the stored article and saved. Returns how many were decided.
 */
async function refreshDecisions(tx: StoreSession, live: CurationRow[], rules: DecisionRules, now: Date): Promise<number> {
  let decided = 0;
  for (const row of live) {
    if (stillValid(row.decision, rules.fingerprint, now.getTime())) continue;
    const article = (await tx.articles.get(row.id))!;
    row.decision = decideArticle(article, rules, now).stored;
    await tx.decisions.save(row.id, row.decision);
    decided++;
  }
  return decided;
}

/** Story clusters for the articles in none yet; only then are titles and ledes read, a chunk at a time, of the new ones and the leads in their window. */
async function clusterNew(config: CurateConfig, tx: StoreSession, live: readonly CurationRow[], leads: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  if (live.every((r) => leads.has(r.id))) return new Map();
  const priority = new Map(config.sources.map((s) => [s.name, s.priority]));
  const refs = live.map((r) => ({ article: { id: r.id, published: r.published }, firstSeen: r.firstSeen, priority: priority.get(r.source) ?? 0 }));
  const opts = { windowHours: config.curate.clusterWindowHours, threshold: config.curate.clusterThreshold };
  return clusterStories(refs, leads, opts, (part) => tx.articles.storyTexts(part.map((ref) => ref.article.id)));
}

/** The first time ahead a decision's age limit passes or a cluster's lead reaches retention. */
function nextTimedChange(live: readonly CurationRow[], leadOf: (id: string) => string, retentionDays: number): number | undefined {
  let next = Infinity;
  for (const row of live) {
    if (row.decision?.validUntil !== undefined) next = Math.min(next, row.decision.validUntil);
    if (leadOf(row.id) === row.id) next = Math.min(next, Date.parse(row.firstSeen) + retentionDays * DAY_MS);
  }
  return Number.isFinite(next) ? next : undefined;
}

interface PlannedEntry {
  published: string;
  categories: string[];
}

/** Feed → lead id → the entry it should have. */
function planEntries(live: readonly CurationRow[], leadOf: (id: string) => string, feeds: readonly string[]): Map<string, Map<string, PlannedEntry>> {
  const published = new Map(live.map((r) => [r.id, r.published]));
  const plan = new Map(feeds.map((name) => [name, new Map<string, PlannedEntry>()]));
  for (const row of live) {
    const lead = leadOf(row.id);
    for (const [feed, categories] of row.decision!.kept) {
      const entries = plan.get(feed);
      if (!entries) continue;
      const entry = entries.get(lead) ?? { published: published.get(lead) ?? row.published, categories: [] };
      for (const c of categories) if (!entry.categories.includes(c)) entry.categories.push(c);
      entries.set(lead, entry);
    }
  }
  return plan;
}

async function syncFeed(tx: StoreSession, feed: string, planned: Map<string, PlannedEntry>, maxEntries: number, at: string): Promise<FeedChange> {
  const current = await tx.feeds.members(feed);
  const blocked = await tx.feeds.tombstones(feed);
  const ranked = [...planned].filter(([id]) => !blocked.has(id)).sort(([ia, a], [ib, b]) => b.published.localeCompare(a.published) || ia.localeCompare(ib));
  const keep = new Map(ranked.slice(0, maxEntries));
  const change: FeedChange = { feed, added: [], removed: [] };
  const overflow = new Set(ranked.slice(maxEntries).map(([id]) => id));
  for (const id of current.keys()) {
    if (keep.has(id)) continue;
    if (overflow.has(id)) await tx.feeds.tombstone(feed, id, at);
    else await tx.feeds.remove(feed, id);
    change.removed.push(id);
  }
  for (const [id, entry] of keep) if (await tx.feeds.keep(feed, id, entry.categories, at)) change.added.push(id);
  return change;
}

export async function curateStore(config: CurateConfig, store: Store, rules: DecisionRules, now: Date): Promise<CurationReport> {
  const at = now.toISOString();
  return store.transaction(async (tx) => {
    const leads = await tx.clusters.leads();
    const rows = await tx.articles.curationRows();
    const gone = expired(rows, leads, new Date(now.getTime() - config.curate.retentionDays * DAY_MS).toISOString());
    await tx.articles.prune(gone, at);
    const goneIds = new Set(gone);
    const live = rows.filter((r) => !goneIds.has(r.id));

    const decided = await refreshDecisions(tx, live, rules, now);
    // Only what some feed keeps is clustered: an unkept article is its own story until a rule keeps it.
    const assigned = await clusterNew(config, tx, live.filter((r) => r.decision!.kept.length > 0), leads);
    for (const [id, lead] of assigned) await tx.clusters.join(id, lead, at);
    const leadOf = (id: string) => leads.get(id) ?? assigned.get(id) ?? id;
    const merged = [...assigned].filter(([id, lead]) => id !== lead).length;

    const plan = planEntries(live, leadOf, config.feeds.map((f) => f.name));
    const feeds: FeedChange[] = [];
    for (const f of config.feeds) feeds.push(await syncFeed(tx, f.name, plan.get(f.name) ?? new Map(), f.maxEntries, at));
    const nextChangeAt = nextTimedChange(live, leadOf, config.curate.retentionDays);
    return { pruned: gone.length, merged, decided, feeds, ...(nextChangeAt !== undefined ? { nextChangeAt } : {}) };
  });
}
