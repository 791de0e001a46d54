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
 */
import type { LoadedConfig } from '../config/index.js';
import { assignClusters, decideFeeds, keptFeeds, type FeedRules } from '../curate/index.js';
import type { Article } from '../model/index.js';
import {
  clusterLeads,
  feedMembers,
  feedTombstones,
  joinCluster,
  pruneArticles,
  removeFromFeed,
  storedArticles,
  tombstoneInFeed,
  type Store,
  type StoredArticle,
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
  feeds: FeedChange[];
}

type CurateConfig = Pick<LoadedConfig, 'curate' | 'feeds' | 'sources'>;
const DAY_MS = 86_400_000;

function expired(all: StoredArticle[], leads: Map<string, string>, cutoff: string): Article[] {
  const deadLeads = new Set(all.filter((s) => s.firstSeen < cutoff && (leads.get(s.article.id) ?? s.article.id) === s.article.id).map((s) => s.article.id));
  return all.filter((s) => deadLeads.has(leads.get(s.article.id) ?? s.article.id)).map((s) => s.article);
}

interface PlannedEntry {
  published: string;
  categories: string[];
}

/** Feed → lead id → the entry it should have. */
function planEntries(live: StoredArticle[], leadOf: (id: string) => string, rules: readonly FeedRules[], now: Date): Map<string, Map<string, PlannedEntry>> {
  const byId = new Map(live.map((s) => [s.article.id, s.article]));
  const plan = new Map(rules.map((r) => [r.name, new Map<string, PlannedEntry>()]));
  for (const { article } of live) {
    const lead = leadOf(article.id);
    for (const [feed, categories] of keptFeeds(decideFeeds(article, rules, now))) {
      const entries = plan.get(feed)!;
      const entry = entries.get(lead) ?? { published: byId.get(lead)?.published ?? article.published, categories: [] };
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

export function curateStore(config: CurateConfig, store: Store, rules: readonly FeedRules[], now: Date): CurationReport {
  const at = now.toISOString();
  return store.transaction(() => {
    const leads = clusterLeads(store);
    const all = storedArticles(store);
    const gone = expired(all, leads, new Date(now.getTime() - config.curate.retentionDays * DAY_MS).toISOString());
    pruneArticles(store, gone, at);
    const goneIds = new Set(gone.map((a) => a.id));
    const live = all.filter((s) => !goneIds.has(s.article.id));

    const priority = new Map(config.sources.map((s) => [s.name, s.priority]));
    const inputs = live.map((s) => ({ article: s.article, firstSeen: s.firstSeen, priority: priority.get(s.article.source.name) ?? 0 }));
    const assigned = assignClusters(inputs, leads, { windowHours: config.curate.clusterWindowHours, threshold: config.curate.clusterThreshold });
    for (const [id, lead] of assigned) joinCluster(store, id, lead, at);
    const leadOf = (id: string) => leads.get(id) ?? assigned.get(id) ?? id;
    const merged = [...assigned].filter(([id, lead]) => id !== lead).length;

    const plan = planEntries(live, leadOf, rules, now);
    const feeds = config.feeds.map((f) => syncFeed(store, f.name, plan.get(f.name) ?? new Map(), f.maxEntries, at));
    return { pruned: gone.length, merged, feeds };
  });
}
