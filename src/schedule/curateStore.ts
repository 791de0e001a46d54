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
 * - Each feed keeps its newest `maxEntries` clusters (by the lead's published
 *   date); an entry pushed out is tombstoned for that feed.
 * - One transaction: a reader sees the feed before or after, never half.
 * - Incremental, with the same result as deciding everything again: each
 *   article's decisions are stored with the rules' fingerprint and re-made
 *   only when the rules changed, the article's data changed, or a
 *   maxAgeDays limit passed since; retention needs dates only. So a pass
 *   over an unchanged store reads columns, never the articles' JSON.
 */
import { createHash } from 'node:crypto';
import type { LoadedConfig } from '../config/index.js';
import { clusterStories, decideFeeds, decisionsValidUntil, feedRulesFor, keptFeeds, type FeedRules } from '../curate/index.js';
import { VERSION } from '../model/version.js';
import type { Article } from '../model/index.js';
import {
  clusterLeads,
  curationRows,
  feedMembers,
  feedTombstones,
  joinCluster,
  pruneArticles,
  removeFromFeed,
  saveDecision,
  storyText,
  tombstoneInFeed,
  type CurationRow,
  type Store,
  type StoredDecision,
} from '../store/index.js';

export interface FeedChange {
  feed: string;
  added: string[];
  removed: string[];
}

export interface CurationReport {
  pruned: number;
  /** Reports that joined another report's cluster in this pass. */
  merged: number;
  /** Articles whose feed decisions were made in this pass (the others' stored decisions were still valid). */
  decided: number;
  /**
   * When the clock alone will change the outcome (ms): a maxAgeDays limit
   * passes or a cluster reaches retention. Until then, a pass over the same
   * articles and rules changes nothing. Absent when nothing is ahead.
   */
  nextChangeAt?: number;
  feeds: FeedChange[];
}

type CurateConfig = Pick<LoadedConfig, 'curate' | 'feeds' | 'sources' | 'watch'>;
const DAY_MS = 86_400_000;

/**
 * What feed decisions depend on besides the article and the clock: the watch
 * rules (global, per feed, per source) and the code that applies them.
 */
export function decisionRulesFingerprint(config: Pick<LoadedConfig, 'feeds' | 'sources' | 'watch'>): string {
  const rules = [VERSION, config.watch, config.feeds.map((f) => [f.name, f.keywords, f.watch]), config.sources.map((s) => [s.name, s.watch])];
  return createHash('sha256').update(JSON.stringify(rules)).digest('hex');
}

/** The compiled feed rules and the fingerprint the decisions made with them are stored under: one value for a cycle or a pass. */
export interface DecisionRules {
  readonly feeds: readonly FeedRules[];
  readonly fingerprint: string;
}

/** The config's decision rules, each part made on first use: a cycle where every source answers 304 and no curation is due compiles none (it costs ms). */
export function decisionRules(config: Pick<LoadedConfig, 'feeds' | 'sources' | 'watch'>): DecisionRules {
  let feeds: readonly FeedRules[] | undefined;
  let fingerprint: string | undefined;
  return {
    get feeds() {
      return (feeds ??= feedRulesFor(config));
    },
    get fingerprint() {
      return (fingerprint ??= decisionRulesFingerprint(config));
    },
  };
}

/** Ids of the clusters whose lead was first seen before `cutoff`, with all their reports. */
function expired(rows: readonly CurationRow[], leads: ReadonlyMap<string, string>, cutoff: string): string[] {
  const leadOf = (id: string) => leads.get(id) ?? id;
  const deadLeads = new Set(rows.filter((r) => r.firstSeen < cutoff && leadOf(r.id) === r.id).map((r) => r.id));
  return rows.filter((r) => deadLeads.has(leadOf(r.id))).map((r) => r.id);
}

/** Whether a stored decision still stands at `now` (ms): the same rules, not decided in the future, no maxAgeDays limit passed. */
export function stillValid(decision: StoredDecision | undefined, rules: string, now: number): decision is StoredDecision {
  return decision !== undefined && decision.rules === rules && decision.decidedAt <= now && (decision.validUntil === undefined || now < decision.validUntil);
}

/** An article's kept feeds as the store keeps them, valid until its first maxAgeDays limit ahead. */
export function storedDecision(article: Article, kept: ReadonlyMap<string, string[]>, rules: readonly FeedRules[], fingerprint: string, now: Date): StoredDecision {
  const validUntil = decisionsValidUntil(article, rules, now);
  return { rules: fingerprint, decidedAt: now.getTime(), ...(validUntil !== undefined ? { validUntil } : {}), kept: [...kept] };
}

/**
 * Each live article's kept feeds: the stored decision while it is valid (same
 * rules, same data, no maxAgeDays limit passed since), else decided now from
 * the stored article and saved. Returns how many were decided.
 */
function refreshDecisions(store: Store, live: CurationRow[], rules: readonly FeedRules[], fingerprint: string, now: Date): number {
  let decided = 0;
  for (const row of live) {
    if (stillValid(row.decision, fingerprint, now.getTime())) continue;
    const article = store.getArticle(row.id)!;
    row.decision = storedDecision(article, keptFeeds(decideFeeds(article, rules, now)), rules, fingerprint, now);
    saveDecision(store, row.id, row.decision);
    decided++;
  }
  return decided;
}

/** Story clusters for the articles in none yet; only then are titles and ledes read, one at a time, of the new ones and the leads in their window. */
function clusterNew(config: CurateConfig, store: Store, live: readonly CurationRow[], leads: ReadonlyMap<string, string>): Map<string, string> {
  if (live.every((r) => leads.has(r.id))) return new Map();
  const priority = new Map(config.sources.map((s) => [s.name, s.priority]));
  const refs = live.map((r) => ({ article: { id: r.id, published: r.published }, firstSeen: r.firstSeen, priority: priority.get(r.source) ?? 0 }));
  const opts = { windowHours: config.curate.clusterWindowHours, threshold: config.curate.clusterThreshold };
  return clusterStories(refs, leads, opts, (ref) => storyText(store, ref.article.id));
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
function planEntries(live: readonly CurationRow[], leadOf: (id: string) => string, rules: readonly FeedRules[]): Map<string, Map<string, PlannedEntry>> {
  const published = new Map(live.map((r) => [r.id, r.published]));
  const plan = new Map(rules.map((r) => [r.name, new Map<string, PlannedEntry>()]));
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

function syncFeed(store: Store, feed: string, planned: Map<string, PlannedEntry>, maxEntries: number, at: string): FeedChange {
  const current = feedMembers(store, feed);
  const blocked = feedTombstones(store, feed);
  const ranked = [...planned].filter(([id]) => !blocked.has(id)).sort(([ia, a], [ib, b]) => b.published.localeCompare(a.published) || ia.localeCompare(ib));
  const keep = new Map(ranked.slice(0, maxEntries));
  const change: FeedChange = { feed, added: [], removed: [] };
  const overflow = new Set(ranked.slice(maxEntries).map(([id]) => id));
  for (const id of current.keys()) {
    if (keep.has(id)) continue;
    if (overflow.has(id)) tombstoneInFeed(store, feed, id, at);
    else removeFromFeed(store, feed, id);
    change.removed.push(id);
  }
  for (const [id, entry] of keep) if (store.keepInFeed(feed, id, entry.categories, at)) change.added.push(id);
  return change;
}

export function curateStore(config: CurateConfig, store: Store, rules: DecisionRules, now: Date): CurationReport {
  const at = now.toISOString();
  return store.transaction(() => {
    const leads = clusterLeads(store);
    const rows = curationRows(store);
    const gone = expired(rows, leads, new Date(now.getTime() - config.curate.retentionDays * DAY_MS).toISOString());
    pruneArticles(store, gone, at);
    const goneIds = new Set(gone);
    const live = rows.filter((r) => !goneIds.has(r.id));

    const assigned = clusterNew(config, store, live, leads);
    for (const [id, lead] of assigned) joinCluster(store, id, lead, at);
    const leadOf = (id: string) => leads.get(id) ?? assigned.get(id) ?? id;
    const merged = [...assigned].filter(([id, lead]) => id !== lead).length;

    const decided = refreshDecisions(store, live, rules.feeds, rules.fingerprint, now);
    const plan = planEntries(live, leadOf, rules.feeds);
    const feeds = config.feeds.map((f) => syncFeed(store, f.name, plan.get(f.name) ?? new Map(), f.maxEntries, at));
    const nextChangeAt = nextTimedChange(live, leadOf, config.curate.retentionDays);
    return { pruned: gone.length, merged, decided, feeds, ...(nextChangeAt !== undefined ? { nextChangeAt } : {}) };
  });
}
