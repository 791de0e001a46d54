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
 * - Fetches run through the fetch limiter (global and per-host concurrency).
 * - `run` polls every source that is not gone; the daemon's ticks only the due ones.
 */
import type { LoadedConfig, SourceConfig } from '../config/index.js';
import { compileKeywords, matchWatchRules, type KeywordMatcher } from '../curate/index.js';
import { createFetchLimiter, fetchSource, type FetchResult } from '../fetch/index.js';
import type { Article, FeedFormat, ParsedFeed, SourceRef } from '../model/index.js';
import { identityGuids, normalizeOptions, toArticle, type NormalizeOptions } from '../normalize/index.js';
import { parseFeed } from '../parse/index.js';
import { FEED_FORMATS, renderFeeds, writeChangedFiles, type FeedSite } from '../publish/index.js';
import type { SourceOutcome, SourceState, Store } from '../store/index.js';
import { duePolicyFromConfig, isDue, nextCheckAt, type CacheHeaders } from './due.js';
import { healthNotice, sourceHealth } from './health.js';

export interface SourceReport {
  name: string;
  url: string;
  ok: boolean;
  status?: number;
  error?: string;
  format?: FeedFormat;
  movedTo?: string;
  /** 304, or a body byte-identical to the last one: nothing was parsed. */
  notModified?: boolean;
  /** 410 Gone: the source is no longer polled. */
  gone?: boolean;
  nextCheckAt?: string;
  /** What the operator should do or know (moved, gone, failing for long). */
  notice?: string;
  itemsSeen: number;
  itemsNew: number;
  itemsKept: number;
  /** Response body bytes fetched (after decompression). */
  bytes?: number;
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
function ingest(store: Store, source: SourceRef, parsed: ParsedFeed, rules: readonly FeedRules[], now: Date, options: NormalizeOptions) {
  const nowIso = now.toISOString();
  let itemsNew = 0;
  let itemsKept = 0;
  const idGuids = identityGuids(parsed.items);
  store.transaction(() => {
    for (const [index, item] of parsed.items.entries()) {
      const itemOptions = { ...options, idGuid: idGuids[index] };
      let article = toArticle(item, source, now, itemOptions);
      if (!article) continue;
      const firstSeen = store.firstSeen([article.id]).get(article.id);
      // A date that came from "now" (missing or in the future) must stay the first-seen time.
      if (firstSeen && firstSeen !== nowIso && (article.published === nowIso || article.updated === nowIso)) {
        article = toArticle(item, source, new Date(firstSeen), itemOptions) ?? article;
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

function validatorsOf(state: SourceState | undefined) {
  return state ? { etag: state.etag ?? undefined, lastModified: state.lastModified ?? undefined } : undefined;
}

/**
 * Poll one source: conditional GET from the stored URL and validators, skip
 * parsing on 304 or an unchanged body, record the outcome and the next check.
 */
async function pollSource(config: LoadedConfig, store: Store, src: SourceConfig, rules: readonly FeedRules[], now: () => Date): Promise<SourceReport> {
  const report: SourceReport = { name: src.name, url: src.url, ok: false, itemsSeen: 0, itemsNew: 0, itemsKept: 0 };
  const prior = store.sourceState(src.name, src.url);
  const fetchUrl = prior?.url ?? src.url;
  const fetched: FetchResult = await fetchSource(fetchUrl, { ...config.fetch, validators: validatorsOf(prior) });
  if (fetched.ok && !fetched.notModified) report.bytes = fetched.body.byteLength;
  const at = now();
  const url = fetched.movedTo ?? fetchUrl;
  report.status = fetched.status;
  const record = (outcome: SourceOutcome, cache: CacheHeaders, extra: { error?: string; ttlMinutes?: number; etag?: string; lastModified?: string; bodyHash?: string } = {}) => {
    const failures = outcome === 'failed' || outcome === 'gone' ? (prior?.consecutiveFailures ?? 0) + 1 : 0;
    const next = nextCheckAt({ now: at, succeeded: failures === 0, consecutiveFailures: failures, headers: cache, ttlMinutes: extra.ttlMinutes }, duePolicyFromConfig(config.fetch));
    report.nextCheckAt = next.toISOString();
    const itemCounts = report.ok && !report.notModified ? { itemsSeen: report.itemsSeen, itemsKept: report.itemsKept } : {};
    store.recordAttempt({ name: src.name, configuredUrl: src.url, url, moved: fetched.movedTo !== undefined, at: at.toISOString(), outcome, status: fetched.status, nextCheckAt: report.nextCheckAt, ...extra, ...itemCounts });
    const health = sourceHealth(src.name, src.url, store.sourceState(src.name, src.url), at, config.fetch.failingAlertHours);
    report.movedTo = health.movedTo;
    report.notice = healthNotice(health, config.fetch.failingAlertHours);
  };
  if (!fetched.ok) {
    report.error = fetched.error;
    report.gone = fetched.kind === 'gone';
    record(report.gone ? 'gone' : 'failed', fetched.cache, { error: fetched.error });
    return report;
  }
  const unchangedBody = !fetched.notModified && prior?.bodyHash === fetched.bodyHash;
  if (fetched.notModified || unchangedBody) {
    Object.assign(report, { ok: true, notModified: true, itemsSeen: prior?.itemsSeen ?? 0, itemsKept: prior?.itemsKept ?? 0 });
    record('not-modified', fetched.cache, fetched.validators);
    return report;
  }
  try {
    const parsed = await parseFeed(fetched.body, fetched.contentType);
    report.format = parsed.format;
    report.itemsSeen = parsed.items.length;
    const source: SourceRef = { name: src.name, url: fetched.url, feedTitle: parsed.title, feedLink: parsed.link };
    Object.assign(report, ingest(store, source, parsed, rules, at, normalizeOptions(config.normalize, src)), { ok: true });
    record('ok', fetched.cache, { ...fetched.validators, bodyHash: fetched.bodyHash, ttlMinutes: parsed.ttlMinutes });
  } catch (err) {
    report.ok = false;
    report.error = (err as Error).message || String(err);
    record('failed', fetched.cache, { error: report.error });
  }
  return report;
}

/** A gone source is reported, not polled: it stays visible until config.json changes. */
function goneReport(src: SourceConfig, state: SourceState): SourceReport {
  const error = `gone since ${state.goneAt} (HTTP 410): not polled; remove it from config.json or change its URL`;
  return { name: src.name, url: src.url, ok: false, gone: true, status: state.lastStatus ?? undefined, error, itemsSeen: 0, itemsNew: 0, itemsKept: 0 };
}

export function feedSite(config: LoadedConfig): FeedSite {
  return { baseUrl: config.publish.baseUrl.replace(/\/+$/, ''), author: config.publish.author, hub: config.publish.hub };
}

/** Render every feed from the store and write the files that changed. */
export function publishFeeds(config: LoadedConfig, store: Store): FeedReport[] {
  const site = feedSite(config);
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
  /** Poll only the sources whose next check has come (the daemon's ticks); otherwise every source not gone. */
  onlyDue?: boolean;
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
  const limiter = createFetchLimiter(config.fetch);
  const gaveUp = drainDeadline(opts.signal, opts.drainMs ?? 0).then(() => 'gave up' as const);
  const plan = config.sources.map((src) => ({ src, state: store.sourceState(src.name, src.url) }));
  const polled = (p: (typeof plan)[number]) => !p.state?.goneAt && (!opts.onlyDue || isDue(p.state?.nextCheckAt, now()));
  const total = plan.filter(polled).length;
  let done = 0;
  const poll = async (src: SourceConfig): Promise<SourceReport> => {
    if (opts.signal?.aborted) return notPolled(src, 'not polled: shutting down');
    const report = await Promise.race([pollSource(config, store, src, rules, now), gaveUp]);
    if (report === 'gave up') return notPolled(src, `abandoned at shutdown after ${opts.drainMs ?? 0} ms`);
    opts.onSource?.(report, ++done, total);
    return report;
  };
  const reports = plan.map((p) => {
    if (polled(p)) return limiter.run(p.state?.url ?? p.src.url, () => poll(p.src));
    // A gone source is reported by `run` (so the operator sees it), silently skipped by ticks.
    return p.state?.goneAt && !opts.onlyDue ? goneReport(p.src, p.state) : undefined;
  });
  const sources = (await Promise.all(reports)).filter((s): s is SourceReport => s !== undefined);
  const feeds = publishFeeds(config, store);
  const sum = (k: 'itemsSeen' | 'itemsNew' | 'itemsKept') => sources.reduce((n, s) => n + s[k], 0);
  return { startedAt, finishedAt: now().toISOString(), sources, feeds, itemsSeen: sum('itemsSeen'), itemsNew: sum('itemsNew'), itemsKept: sum('itemsKept') };
}
