/**
 * One poll cycle: fetch → parse → normalize → curate → store → publish, for
 * every configured source and every curated feed.
 *
 * Rules:
 * - One broken source never stops a cycle: each source's failure is caught,
 *   recorded on the source in the store, and reported by name with a reason.
 * - Each source's items are stored in one transaction: all or nothing.
 * - Every article seen is stored; a feed keeps those its keywords match.
 * - Feeds are published from the store (not from this cycle's items), so a
 *   feed keeps its entries when sources are quiet or failing.
 * - Fetches run through p-queue with the configured concurrency.
 */
import PQueue from 'p-queue';
import type { LoadedConfig, SourceConfig } from '../config/index.js';
import { compileKeywords, matchWatchRules, type KeywordMatcher } from '../curate/index.js';
import { fetchSource } from '../fetch/index.js';
import type { Article, FeedFormat, ParsedFeed, SourceRef } from '../model/index.js';
import { toArticle } from '../normalize/index.js';
import { parseFeed } from '../parse/index.js';
import { FEED_FORMATS, renderFeeds, writeChangedFiles } from '../publish/index.js';
import type { Store } from '../store/index.js';

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

interface FeedRules {
  name: string;
  matchers: KeywordMatcher[];
}

export function feedRules(config: LoadedConfig): FeedRules[] {
  return config.feeds.map((f) => ({ name: f.name, matchers: compileKeywords(f.keywords ?? config.watch.keywords) }));
}

/** Which feeds keep an article, with the keywords that matched for each. */
export function curateArticle(article: Article, rules: readonly FeedRules[]): Map<string, string[]> {
  const kept = new Map<string, string[]>();
  for (const rule of rules) {
    const keywords = matchWatchRules(article, rule.matchers);
    if (keywords.length) kept.set(rule.name, keywords);
  }
  return kept;
}

/** Store a parsed feed's items and put the matching ones into feeds; returns the counts. */
function ingest(store: Store, source: SourceRef, parsed: ParsedFeed, rules: readonly FeedRules[], now: Date) {
  const nowIso = now.toISOString();
  let itemsNew = 0;
  let itemsKept = 0;
  store.transaction(() => {
    for (const item of parsed.items) {
      let article = toArticle(item, source, now);
      if (!article) continue;
      const firstSeen = store.firstSeen([article.id]).get(article.id);
      // A date that came from "now" (missing or in the future) must stay the first-seen time.
      if (firstSeen && firstSeen !== nowIso && (article.published === nowIso || article.updated === nowIso)) {
        article = toArticle(item, source, new Date(firstSeen)) ?? article;
      }
      const kept = curateArticle(article, rules);
      const keywords = [...new Set([...kept.values()].flat())];
      if (store.saveArticle({ ...article, keywords }, firstSeen ?? nowIso) === 'new') itemsNew++;
      if (kept.size) itemsKept++;
      for (const [feed, words] of kept) store.keepInFeed(feed, article.id, words, nowIso);
    }
  });
  return { itemsNew, itemsKept };
}

async function pollSource(config: LoadedConfig, store: Store, src: SourceConfig, rules: readonly FeedRules[], now: () => Date): Promise<SourceReport> {
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
    Object.assign(report, ingest(store, source, parsed, rules, at), { ok: true });
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
  /** Called as each source's poll ends (progress bars, logs). */
  onSource?: (report: SourceReport, done: number, total: number) => void;
  /**
   * Shutdown: once aborted, sources not started yet are skipped (not polled,
   * nothing recorded); those in flight get `drainMs` to finish, then the cycle
   * stops waiting for them and publishes what is complete.
   */
  signal?: AbortSignal;
  drainMs?: number;
}

/** A report for a source this cycle did not poll or stopped waiting for. */
function notPolled(src: SourceConfig, why: string): SourceReport {
  return { name: src.name, url: src.url, ok: false, error: why, itemsSeen: 0, itemsNew: 0, itemsKept: 0 };
}

/** Resolves `drainMs` after `signal` aborts (never, without a signal). */
function drainDeadline(signal: AbortSignal | undefined, drainMs: number): Promise<void> {
  if (!signal) return new Promise<void>(() => {});
  return new Promise<void>((resolve) => {
    const start = () => setTimeout(resolve, drainMs).unref();
    if (signal.aborted) start();
    else signal.addEventListener('abort', start, { once: true });
  });
}

export async function runCycle(config: LoadedConfig, store: Store, opts: CycleOptions = {}): Promise<CycleSummary> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const rules = feedRules(config);
  const queue = new PQueue({ concurrency: config.fetch.concurrency });
  const gaveUp = drainDeadline(opts.signal, opts.drainMs ?? 0).then(() => 'gave up' as const);
  let done = 0;
  const poll = async (src: SourceConfig): Promise<SourceReport> => {
    if (opts.signal?.aborted) return notPolled(src, 'not polled: shutting down');
    const report = await Promise.race([pollSource(config, store, src, rules, now), gaveUp]);
    if (report === 'gave up') return notPolled(src, `abandoned at shutdown after ${opts.drainMs ?? 0} ms`);
    opts.onSource?.(report, ++done, config.sources.length);
    return report;
  };
  const sources = await Promise.all(config.sources.map((src) => queue.add(() => poll(src))));
  const feeds = publishFeeds(config, store);
  const sum = (k: 'itemsSeen' | 'itemsNew' | 'itemsKept') => sources.reduce((n, s) => n + s[k], 0);
  return { startedAt, finishedAt: now().toISOString(), sources, feeds, itemsSeen: sum('itemsSeen'), itemsNew: sum('itemsNew'), itemsKept: sum('itemsKept') };
}
