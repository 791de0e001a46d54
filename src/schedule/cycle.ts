/**
 * One poll cycle: fetch → parse → normalize → curate → store → publish, for
 * every configured source and every curated feed.
 *
 * Rules:
 * - One broken source never stops a cycle: each source's failure is caught,
 *   recorded on the source in the store, and reported by name with a reason.
 * - Each source's items are stored in one transaction: all or nothing.
 * - Every article seen is stored (after dedupe: same source + guid, another
 *   source's copy of a URL, tombstones); feed membership is then recomputed
 *   over the whole store by `curateStore` (rules, story clusters, retention).
 * - Feeds are published from the store (not from this cycle's items), so a
 *   feed keeps its entries when sources are quiet or failing.
 * - Fetches run through p-queue with the configured concurrency.
 */
import PQueue from 'p-queue';
import type { LoadedConfig, SourceConfig } from '../config/index.js';
import { feedRulesFor, decideFeeds, keptFeeds, type FeedDecision, type FeedRules } from '../curate/index.js';
import { fetchSource } from '../fetch/index.js';
import type { Article, FeedFormat, ParsedFeed, SourceRef } from '../model/index.js';
import { toArticle } from '../normalize/index.js';
import { parseFeed } from '../parse/index.js';
import { FEED_FORMATS, renderFeeds, writeChangedFiles } from '../publish/index.js';
import { articleIdByGuid, isTombstoned, storedSource, type Store } from '../store/index.js';
import { curateStore } from './curateStore.js';

export interface SourceReport {
  name: string;
  url: string;
  ok: boolean;
  status?: number;
  error?: string;
  format?: FeedFormat;
  movedTo?: string;
  itemsSeen: number;
  itemsNew: number;
  itemsKept: number;
}

export interface FeedReport {
  name: string;
  entries: number;
  changed: string[];
}

export interface CycleSummary {
  startedAt: string;
  finishedAt: string;
  sources: SourceReport[];
  feeds: FeedReport[];
  itemsSeen: number;
  itemsNew: number;
  itemsKept: number;
}

/**
 * Apply the current rules to everything stored and publish, without fetching:
 * what a rule change (config reload, CLI edit) calls so it takes effect at once.
 */
export function recurate(config: LoadedConfig, store: Store, now: Date = new Date()) {
  const curation = curateStore(config, store, feedRules(config), now);
  return { curation, feeds: publishFeeds(config, store) };
}

export function feedRules(config: LoadedConfig): FeedRules[] {
  return feedRulesFor(config);
}

/** Which feeds keep an article, with the terms that matched for each (its categories there). */
export function curateArticle(article: Article, rules: readonly FeedRules[], now: Date = new Date()): Map<string, string[]> {
  return keptFeeds(decideFeeds(article, rules, now));
}

/**
 * Dedupe layers (a) and (b): the same source's guid keeps the id it was first
 * stored under; another source's report of an already stored canonical URL is
 * a copy and is skipped. Tombstoned items are skipped for good.
 */
function identify(store: Store, article: Article): { article: Article } | { skipped: string } {
  const byGuid = article.guid ? articleIdByGuid(store, article.source.name, article.guid) : undefined;
  const same = byGuid && byGuid !== article.id ? { ...article, id: byGuid } : article;
  if (isTombstoned(store, same.id, same.source.name, same.guid)) return { skipped: 'pruned by retention earlier (tombstone)' };
  const owner = storedSource(store, same.id);
  if (owner !== undefined && owner !== same.source.name) return { skipped: `a copy of ${owner}'s report of the same URL` };
  return { article: same };
}

/** Store a parsed feed's items; returns the counts. Feed membership is decided afterwards over the whole store (`curateStore`). */
function ingest(store: Store, source: SourceRef, parsed: ParsedFeed, rules: readonly FeedRules[], now: Date, onDecisions?: DecisionListener) {
  const nowIso = now.toISOString();
  let itemsNew = 0;
  let itemsKept = 0;
  store.transaction(() => {
    for (const item of parsed.items) {
      const normalized = toArticle(item, source, now);
      if (!normalized) continue;
      const identity = identify(store, normalized);
      if ('skipped' in identity) {
        onDecisions?.(normalized, [], identity.skipped);
        continue;
      }
      let article = identity.article;
      const firstSeen = store.firstSeen([article.id]).get(article.id);
      // A date that came from "now" (missing or in the future) must stay the first-seen time.
      if (firstSeen && firstSeen !== nowIso && (article.published === nowIso || article.updated === nowIso)) {
        article = { ...(toArticle(item, source, new Date(firstSeen)) ?? article), id: article.id };
      }
      const decisions = decideFeeds(article, rules, now);
      onDecisions?.(article, decisions);
      const kept = keptFeeds(decisions);
      const keywords = [...new Set([...kept.values()].flat())];
      if (store.saveArticle({ ...article, keywords }, firstSeen ?? nowIso) === 'new') itemsNew++;
      if (kept.size) itemsKept++;
    }
  });
  return { itemsNew, itemsKept };
}

/** Called with every article a cycle curates and each feed's decision about it, or why it was skipped as a duplicate (dry-run and explain print them). */
export type DecisionListener = (article: Article, decisions: FeedDecision[], skipped?: string) => void;

async function pollSource(config: LoadedConfig, store: Store, src: SourceConfig, rules: readonly FeedRules[], now: () => Date, onDecisions?: DecisionListener): Promise<SourceReport> {
  const report: SourceReport = { name: src.name, url: src.url, ok: false, itemsSeen: 0, itemsNew: 0, itemsKept: 0 };
  const fetched = await fetchSource(src.url, config.fetch);
  report.status = fetched.status;
  const at = now();
  try {
    if (!fetched.ok) throw new Error(fetched.error);
    report.movedTo = fetched.movedTo;
    const parsed = await parseFeed(fetched.body, fetched.contentType);
    report.format = parsed.format;
    report.itemsSeen = parsed.items.length;
    const source: SourceRef = { name: src.name, url: fetched.url, feedTitle: parsed.title, feedLink: parsed.link };
    Object.assign(report, ingest(store, source, parsed, rules, at, onDecisions), { ok: true });
    store.recordAttempt({ name: src.name, url: fetched.url, at: at.toISOString(), status: fetched.status, itemsSeen: report.itemsSeen, itemsKept: report.itemsKept });
  } catch (err) {
    report.ok = false;
    report.error = (err as Error).message || String(err);
    store.recordAttempt({ name: src.name, url: src.url, at: at.toISOString(), status: fetched.status, error: report.error });
  }
  return report;
}

/** Render every feed from the store and write the files that changed. */
export function publishFeeds(config: LoadedConfig, store: Store): FeedReport[] {
  const site = { baseUrl: config.publish.baseUrl.replace(/\/+$/, ''), author: config.publish.author };
  return config.feeds.map((feed) => {
    const entries = store.feedEntries(feed.name, feed.maxEntries);
    const rendered = renderFeeds(feed, site, entries);
    const changed = writeChangedFiles(config.publish.dir, {
      [`${feed.name}${FEED_FORMATS.atom}`]: rendered.atom,
      [`${feed.name}${FEED_FORMATS.rss}`]: rendered.rss,
      [`${feed.name}${FEED_FORMATS.json}`]: rendered.json,
    });
    return { name: feed.name, entries: entries.length, changed };
  });
}

export interface CycleOptions {
  now?: () => Date;
  /** Curate without publishing: no feed file is written (the caller passes a throw-away store copy). */
  dryRun?: boolean;
  onDecisions?: DecisionListener;
}

export async function runCycle(config: LoadedConfig, store: Store, opts: CycleOptions = {}): Promise<CycleSummary> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const rules = feedRules(config);
  const queue = new PQueue({ concurrency: config.fetch.concurrency });
  const sources = await Promise.all(config.sources.map((src) => queue.add(() => pollSource(config, store, src, rules, now, opts.onDecisions))));
  curateStore(config, store, rules, now());
  const feeds = opts.dryRun ? [] : publishFeeds(config, store);
  const sum = (k: 'itemsSeen' | 'itemsNew' | 'itemsKept') => sources.reduce((n, s) => n + s[k], 0);
  return { startedAt, finishedAt: now().toISOString(), sources, feeds, itemsSeen: sum('itemsSeen'), itemsNew: sum('itemsNew'), itemsKept: sum('itemsKept') };
}
