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
import { toArticle } from '../normalize/index.js';
import { parseFeed } from '../parse/index.js';
import { FEED_FORMATS, renderFeeds, writeChangedFiles } from '../publish/index.js';
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

function validatorsOf(state: SourceState | undefined) {
  return state ? { etag: state.etag ?? undefined, lastModified: state.lastModified ?? undefined } : undefined;
}

/** One poll in progress: what recordPoll needs besides the outcome. */
interface Poll {
  config: LoadedConfig;
  store: Store;
  src: SourceConfig;
  prior: SourceState | undefined;
  fetched: FetchResult;
  /** The URL to fetch next time (the moved-to one after a 301/308). */
  url: string;
  at: Date;
  report: SourceReport;
}

interface PollDetails {
  error?: string;
  ttlMinutes?: number;
  etag?: string;
  lastModified?: string;
  bodyHash?: string;
}

/** Store the outcome with its next check, and put the next check and any operator notice on the report. */
function recordPoll(poll: Poll, outcome: SourceOutcome, cache: CacheHeaders, details: PollDetails = {}): void {
  const { config, store, src, prior, fetched, report, at } = poll;
  const failures = outcome === 'failed' || outcome === 'gone' ? (prior?.consecutiveFailures ?? 0) + 1 : 0;
  const next = nextCheckAt({ now: at, succeeded: failures === 0, consecutiveFailures: failures, headers: cache, ttlMinutes: details.ttlMinutes }, duePolicyFromConfig(config.fetch));
  report.nextCheckAt = next.toISOString();
  const itemCounts = outcome === 'ok' ? { itemsSeen: report.itemsSeen, itemsKept: report.itemsKept } : {};
  const { ttlMinutes: _ttl, ...stored } = details;
  store.recordAttempt({ name: src.name, configuredUrl: src.url, url: poll.url, moved: fetched.movedTo !== undefined, at: at.toISOString(), outcome, status: fetched.status, nextCheckAt: report.nextCheckAt, ...stored, ...itemCounts });
  const health = sourceHealth(src.name, src.url, store.sourceState(src.name, src.url), at, config.fetch.failingAlertHours);
  report.movedTo = health.movedTo;
  report.notice = healthNotice(health, config.fetch.failingAlertHours);
}

/**
 * Poll one source: conditional GET from the stored URL and validators, skip
 * parsing on 304 or an unchanged body, record the outcome and the next check.
 */
async function pollSource(config: LoadedConfig, store: Store, src: SourceConfig, rules: readonly FeedRules[], now: () => Date): Promise<SourceReport> {
  const report: SourceReport = { name: src.name, url: src.url, ok: false, itemsSeen: 0, itemsNew: 0, itemsKept: 0 };
  const prior = store.sourceState(src.name, src.url);
  const fetchUrl = prior?.url ?? src.url;
  const fetched = await fetchSource(fetchUrl, { ...config.fetch, validators: validatorsOf(prior) });
  const poll: Poll = { config, store, src, prior, fetched, url: fetched.movedTo ?? fetchUrl, at: now(), report };
  report.status = fetched.status;
  if (!fetched.ok) {
    Object.assign(report, { error: fetched.error, gone: fetched.kind === 'gone' });
    recordPoll(poll, report.gone ? 'gone' : 'failed', fetched.cache, { error: fetched.error });
    return report;
  }
  if (fetched.notModified || prior?.bodyHash === fetched.bodyHash) {
    Object.assign(report, { ok: true, notModified: true, itemsSeen: prior?.itemsSeen ?? 0, itemsKept: prior?.itemsKept ?? 0 });
    recordPoll(poll, 'not-modified', fetched.cache, fetched.validators);
    return report;
  }
  try {
    const parsed = await parseFeed(fetched.body, fetched.contentType);
    report.format = parsed.format;
    report.itemsSeen = parsed.items.length;
    const source: SourceRef = { name: src.name, url: fetched.url, feedTitle: parsed.title, feedLink: parsed.link };
    Object.assign(report, ingest(store, source, parsed, rules, poll.at), { ok: true });
    recordPoll(poll, 'ok', fetched.cache, { ...fetched.validators, bodyHash: fetched.bodyHash, ttlMinutes: parsed.ttlMinutes });
  } catch (err) {
    report.ok = false;
    report.error = (err as Error).message || String(err);
    recordPoll(poll, 'failed', fetched.cache, { error: report.error });
  }
  return report;
}

/** A gone source is reported, not polled: it stays visible until config.json changes. */
function goneReport(src: SourceConfig, state: SourceState): SourceReport {
  const error = `gone since ${state.goneAt} (HTTP 410): not polled; remove it from config.json or change its URL`;
  return { name: src.name, url: src.url, ok: false, gone: true, status: state.lastStatus ?? undefined, error, itemsSeen: 0, itemsNew: 0, itemsKept: 0 };
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
  /** Poll only the sources whose next check has come (the daemon's ticks); otherwise every source not gone. */
  onlyDue?: boolean;
}

export async function runCycle(config: LoadedConfig, store: Store, opts: CycleOptions = {}): Promise<CycleSummary> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const rules = feedRules(config);
  const limiter = createFetchLimiter(config.fetch);
  const polls = config.sources.map((src) => {
    const state = store.sourceState(src.name, src.url);
    if (state?.goneAt) return opts.onlyDue ? undefined : goneReport(src, state);
    if (opts.onlyDue && !isDue(state?.nextCheckAt, now())) return undefined;
    return limiter.run(state?.url ?? src.url, () => pollSource(config, store, src, rules, now));
  });
  const sources = (await Promise.all(polls)).filter((s): s is SourceReport => s !== undefined);
  const feeds = publishFeeds(config, store);
  const sum = (k: 'itemsSeen' | 'itemsNew' | 'itemsKept') => sources.reduce((n, s) => n + s[k], 0);
  return { startedAt, finishedAt: now().toISOString(), sources, feeds, itemsSeen: sum('itemsSeen'), itemsNew: sum('itemsNew'), itemsKept: sum('itemsKept') };
}
