/**
 * One poll cycle: fetch → parse → normalize → curate → store → publish, for
 * every configured source and every curated feed.
 *
 * Rules:
 * - One broken source never stops a cycle: each source's failure is caught,
 *   recorded on the source in the store, and reported by name with a reason.
 * - Each source's items are stored in one transaction: all or nothing (a
 *   savepoint of the cycle's write batch, committed in groups: Store.beginBatch).
 * - Every article seen is stored (dedupe layers a and b, tombstones: see
 *   `identify`); feed membership is then decided over the whole store
 *   (`curateStore`), so a rule change applies to stories seen before.
 * - Feeds are published from the store (not from this cycle's items), so a
 *   feed keeps its entries when sources are quiet or failing. A cycle that
 *   changed nothing publishing reads skips publishing (`unchangedPublish`).
 * - Fetches run through the fetch limiter (global and per-host concurrency).
 * - `run` polls every source that is not gone; the daemon's ticks only the due ones.
 * - Decode → parse → normalize run in the parse pool (worker threads, `pool.*`);
 *   this thread stores, curates and publishes what comes back. Once the polls
 *   are done the pool's idle workers are stopped (`releaseIdle`).
 * - In a changed body, an item stored before from the same input whose
 *   decision stands is known (`knownInputs`): not normalized, not written.
 *   An article dated from the poll time is never known.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig, SourceConfig } from '../config/index.js';
import { decideFeeds, keptFeeds, type FeedDecision, type FeedRules } from '../curate/index.js';
import { createFetchLimiter, fetchSource, type FetchResult } from '../fetch/index.js';
import type { Article, FeedFormat } from '../model/index.js';
import { normalizeOptions, redated, type NormalizeOptions } from '../normalize/index.js';
import { sharedParsePool, type ParsePool, type ParseJobResult } from '../pool/index.js';
import { FEED_FORMATS, renderCacheFor, writeChangedFiles, type FeedSite } from '../publish/index.js';
import { articleIdByGuid, isTombstoned, saveDecision, storedInputs, storedOwner, type SourceOutcome, type SourceState, type Store } from '../store/index.js';
import { curateStore, decisionRules, stillValid, storedDecision, type CurationReport, type DecisionRules } from './curateStore.js';
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
  /** Not polled after all (shutdown): neither reached nor failed. */
  notPolled?: boolean;
  nextCheckAt?: string;
  /** What the operator should do or know (moved, gone, failing for long). */
  notice?: string;
  itemsSeen: number;
  itemsNew: number;
  itemsKept: number;
  /** Response body bytes fetched (after decompression). */
  bytes?: number;
  /** Stored articles whose content changed this cycle. */
  itemsChanged?: number;
  /** Items stored by an earlier poll from the same input (see `knownInputs`): not normalized or written again. */
  itemsKnown?: number;
  /** The item count of a feed longer than fetch.maxItems (only the first `itemsSeen` were read). */
  truncated?: number;
  /** Items that could not be normalized (the feed's other items were stored), and the first one's error. */
  itemsFailed?: number;
  itemError?: string;
  /** Items with nothing to show (no title, no body text), not stored: how many, each reason's count, and the first one (position and link or guid). */
  itemsSkipped?: { count: number; reasons: Record<string, number>; first: string };
  /** The body was broken XML read leniently: what was wrong, then what the reading changed (parse/lenient.ts). */
  repaired?: string[];
}

export interface FeedReport {
  name: string;
  entries: number;
  changed: string[];
  /** Why this feed's files could not be written (disk full, read-only directory); its previous files stay served. */
  error?: string;
}

export interface CycleSummary {
  startedAt: string;
  finishedAt: string;
  sources: SourceReport[];
  feeds: FeedReport[];
  itemsSeen: number;
  itemsNew: number;
  itemsKept: number;
  /** The whole-store curation pass, when the cycle ran one. */
  curation?: CurationReport;
}

/**
 * Apply the current rules to everything stored and publish, without fetching:
 * what a rule change (config reload, CLI edit) calls so it takes effect at once.
 */
export function recurate(config: LoadedConfig, store: Store, now: Date = new Date()) {
  const curation = curateStoreNoted(config, store, decisionRules(config), now);
  return { curation, feeds: publishFeedsNoted(config, store, now) };
}

/**
 * Curating the whole store costs a pass over every stored article, so a cycle
 * skips it when nothing it depends on changed: no article stored or changed,
 * the same rules, and the clock neither past the time the last pass said a
 * maximum age or retention would change something (`nextChangeAt`) nor set
 * back. Kept per store, in memory: a new process curates on its first cycle.
 */
const lastCuration = new WeakMap<Store, { inputs: string; at: number; nextChangeAt?: number }>();

/** What a curation pass depends on besides the store and the clock: the decision rules (by their fingerprint) and the pass's own settings. */
function curationInputs(config: LoadedConfig, rules: DecisionRules): string {
  return JSON.stringify([rules.fingerprint, config.feeds, config.sources.map((s) => [s.name, s.priority]), config.curate]);
}

function curateStoreNoted(config: LoadedConfig, store: Store, rules: DecisionRules, now: Date) {
  const report = curateStore(config, store, rules, now);
  lastCuration.set(store, { inputs: curationInputs(config, rules), at: now.getTime(), nextChangeAt: report.nextChangeAt });
  return report;
}

/** Whether the polls stored a new or changed article: then both curation and publishing have work. */
function storedAny(sources: readonly SourceReport[]): boolean {
  return sources.some((s) => s.itemsNew > 0 || (s.itemsChanged ?? 0) > 0);
}

function curationDue(config: LoadedConfig, store: Store, rules: DecisionRules, stored: boolean, now: Date): boolean {
  const last = lastCuration.get(store);
  if (stored || !last || last.inputs !== curationInputs(config, rules)) return true;
  const t = now.getTime();
  return t < last.at || t >= (last.nextChangeAt ?? Infinity);
}

/**
 * Publishing renders every feed and compares it with its files (19 MB at the
 * bench's 1,000 entries), so a cycle skips it when nothing it reads changed
 * since this process last published: no article stored or changed, no
 * curation pass, the same feeds and publish settings, no feed that failed to
 * write, and every file still the one written then (same inode, size, mtime
 * and ctime, so a file an operator deleted or edited is written again). Kept
 * per store, in memory; every write of feed membership in a process goes
 * through this file (`runCycle`, `recurate`), and the store lock keeps other
 * processes from writing.
 */
interface Published {
  settings: string;
  feeds: FeedReport[];
  files: Map<string, string>;
}
const lastPublish = new WeakMap<Store, Published>();

function publishSettings(config: LoadedConfig): string {
  return JSON.stringify([config.feeds, config.publish]);
}

/**
 * Identity of a feed file as it is on disk now ('' when it is missing). An
 * edit in place that keeps the size within the file system's timestamp tick
 * (milliseconds) of our own write is not seen; the next real change rewrites it.
 */
function fileStamp(path: string): string {
  const st = statSync(path, { throwIfNoEntry: false, bigint: true });
  return st ? `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : '';
}

function feedFilePaths(config: LoadedConfig): string[] {
  return config.feeds.flatMap((feed) => Object.values(FEED_FORMATS).map((ext) => join(config.publish.dir, `${feed.name}${ext}`)));
}

function publishFeedsNoted(config: LoadedConfig, store: Store, now: Date): FeedReport[] {
  const feeds = publishFeeds(config, store, now);
  const files = new Map(feedFilePaths(config).map((path) => [path, fileStamp(path)]));
  lastPublish.set(store, { settings: publishSettings(config), feeds, files });
  return feeds;
}

/** The last publish's reports when publishing now would change nothing (nothing written: `changed` is empty), else undefined. */
function unchangedPublish(config: LoadedConfig, store: Store, storeChanged: boolean): FeedReport[] | undefined {
  const last = lastPublish.get(store);
  if (!last || storeChanged) return undefined;
  if (last.settings !== publishSettings(config) || last.feeds.some((f) => f.error !== undefined)) return undefined;
  for (const [path, stamp] of last.files) if (!stamp || fileStamp(path) !== stamp) return undefined;
  return last.feeds.map((f) => ({ ...f, changed: [] }));
}

/** Which feeds keep an article, with the terms that matched for each (its categories there). */
export function curateArticle(article: Article, rules: readonly FeedRules[], now: Date = new Date()): Map<string, string[]> {
  return keptFeeds(decideFeeds(article, rules, now));
}

/**
 * Dedupe layers (a) and (b): the same source's guid keeps the id it was first
 * stored under; another source's report of an already stored canonical URL is
 * a copy and is skipped, unless both were first seen in this cycle (seen
 * together) and this source has the higher priority: then its report replaces
 * the other, under the same id, whichever source answered first. Tombstoned
 * items are skipped for good.
 */
function identify(store: Store, article: Article, guidIsUnique: boolean, mode: PollMode): { article: Article; replaced?: string } | { skipped: string } {
  // A guid repeated inside one fetch identifies nothing (normalize told those stories apart).
  const byGuid = article.guid && guidIsUnique ? articleIdByGuid(store, article.source.name, article.guid) : undefined;
  const same = byGuid && byGuid !== article.id ? { ...article, id: byGuid } : article;
  if (isTombstoned(store, same.id, same.source.name, same.guid)) return { skipped: 'pruned by retention earlier (tombstone)' };
  const owner = storedOwner(store, same.id);
  if (owner === undefined) return { article: same };
  // The source feed's `updated` is the one the article was first stored with: another fetch's must not change a stored article.
  if (owner.source === same.source.name) return { article: withFeedUpdated(same, owner.feedUpdated ?? undefined) };
  const together = owner.firstSeen === mode.seenAt.toISOString();
  if (together && mode.priorityOf(same.source.name) > mode.priorityOf(owner.source)) return { article: same, replaced: owner.source };
  return { skipped: `a copy of ${owner.source}'s report of the same URL` };
}

function withFeedUpdated(article: Article, feedUpdated: string | undefined): Article {
  if (article.source.feedUpdated === feedUpdated) return article;
  const { feedUpdated: _, ...source } = article.source;
  return { ...article, source: feedUpdated === undefined ? source : { ...source, feedUpdated } };
}

/** Store a parsed and normalized feed's items (seen, and dated when undated, at the cycle's `seenAt`); returns the counts. Feed membership is decided afterwards over the whole store (`curateStore`). */
function ingest(store: Store, parsed: ParseJobResult, known: KnownInputs, rules: DecisionRules, options: NormalizeOptions, mode: PollMode) {
  const { seenAt: now, onDecisions } = mode;
  const nowIso = now.toISOString();
  let itemsNew = 0;
  let itemsKept = 0;
  let itemsChanged = 0;
  let itemsKnown = 0;
  let itemsFailed = 0;
  let itemError: string | undefined;
  let itemsSkipped: SourceReport['itemsSkipped'];
  store.transaction(() => {
    for (const { normalized, idGuid, inputHash, known: isKnown, skipped, error } of parsed.items) {
      if (error !== undefined) {
        itemsFailed++;
        itemError ??= error;
        continue;
      }
      if (skipped) {
        itemsSkipped ??= { count: 0, reasons: {}, first: skipped.item };
        itemsSkipped.count++;
        itemsSkipped.reasons[skipped.reason] = (itemsSkipped.reasons[skipped.reason] ?? 0) + 1;
        continue;
      }
      if (isKnown) {
        // Stored as normalizing it again would make it, with a decision still valid: nothing to write.
        itemsKnown++;
        if (known.get(inputHash)?.kept) itemsKept++;
        continue;
      }
      if (!normalized) continue;
      const identity = identify(store, normalized.article, idGuid === normalized.article.guid, mode);
      if ('skipped' in identity) {
        onDecisions?.(normalized.article, [], identity.skipped);
        continue;
      }
      let article = identity.article;
      const firstSeen = store.firstSeen([article.id]).get(article.id);
      // A date that came from "now" (missing or in the future) must stay the first-seen time,
      // and such an article gets no input hash: its next normalization could date it differently.
      const fromPollTime = article.published === nowIso || article.updated === nowIso;
      if (firstSeen && firstSeen !== nowIso && fromPollTime) {
        article = redated(article, normalized.sourceDates, new Date(firstSeen), options);
      }
      const decisions = decideFeeds(article, rules.feeds, now);
      onDecisions?.(article, decisions, undefined, identity.replaced);
      const kept = keptFeeds(decisions);
      const keywords = [...new Set([...kept.values()].flat())];
      const saved = store.saveArticle({ ...article, keywords }, firstSeen ?? nowIso, fromPollTime ? undefined : inputHash);
      // Stored now, so the curation pass after the sources does not decide it again.
      saveDecision(store, article.id, storedDecision(article, kept, rules.feeds, rules.fingerprint, now));
      if (saved === 'new') itemsNew++;
      if (saved === 'changed') itemsChanged++;
      if (kept.size) itemsKept++;
    }
  });
  return { itemsNew, itemsKept, itemsChanged, itemsKnown, ...(itemsFailed ? { itemsFailed, itemError } : {}), ...(itemsSkipped ? { itemsSkipped } : {}) };
}

/** A source's known items: input hash → the stored article and whether a feed keeps it. */
type KnownInputs = Map<string, { id: string; kept: boolean }>;

/** A poll looks among the source's last `fetch.maxItems` × this first-seen articles for known items (a body reads at most `maxItems`). */
const KNOWN_PER_ITEM_READ = 2;

/**
 * The source's articles that stand as stored, by input hash: stored with a hash
 * and decided by a decision that still stands (`stillValid`, the curation pass's
 * rule). Ingesting such an item again would store the same article and the same
 * decision, so it is skipped.
 */
function knownInputs(config: LoadedConfig, store: Store, src: SourceConfig, rules: DecisionRules, at: Date): KnownInputs {
  const known: KnownInputs = new Map();
  for (const { hash, id, decision } of storedInputs(store, src.name, KNOWN_PER_ITEM_READ * config.fetch.maxItems)) {
    if (stillValid(decision, rules.fingerprint, at.getTime())) known.set(hash, { id, kept: decision.kept.length > 0 });
  }
  return known;
}

/**
 * Called with every article a cycle curates and each feed's decision about it, or why it was skipped as a
 * duplicate, or which source's report of the same URL it replaced (dry-run and explain print them).
 */
export type DecisionListener = (article: Article, decisions: FeedDecision[], skipped?: string, replaced?: string) => void;

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
  /** When the source answered (its recorded attempt); its items are seen at the cycle's `seenAt`. */
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
  const state = store.recordAttempt({ name: src.name, configuredUrl: src.url, url: poll.url, moved: fetched.movedTo !== undefined, at: at.toISOString(), outcome, status: fetched.status, nextCheckAt: report.nextCheckAt, ...stored, ...itemCounts });
  const health = sourceHealth(src.name, src.url, state, at, config.fetch.failingAlertHours);
  report.movedTo = health.movedTo;
  report.notice = healthNotice(health, config.fetch.failingAlertHours);
}

/** How a poll treats what it knew: `fresh` ignores validators and the body hash, so every item is parsed and decided (dry runs). */
interface PollMode {
  fresh?: boolean;
  /**
   * The cycle's start: what a new item is first seen at, dated by when it has no
   * date, and decided at. Reports first seen in one cycle are seen together (the
   * highest-priority source's leads their story, and none is coverage added later),
   * whatever order their sources answered in.
   */
  seenAt: Date;
  /** A source's `priority` (config). */
  priorityOf(source: string): number;
  onDecisions?: DecisionListener;
  /** Where bodies are decoded, parsed and normalized (the cycle's: `CycleOptions.pool` or the process's pool for `config.pool`). */
  pool: ParsePool;
}

/**
 * Poll one source: conditional GET from the stored URL and validators, skip
 * parsing on 304 or an unchanged body, record the outcome and the next check.
 * `prior` is its stored state (`Store.sourceState`), read when the cycle started.
 */
async function pollSource(config: LoadedConfig, store: Store, src: SourceConfig, prior: SourceState | undefined, rules: DecisionRules, now: () => Date, mode: PollMode): Promise<SourceReport> {
  const report: SourceReport = { name: src.name, url: src.url, ok: false, itemsSeen: 0, itemsNew: 0, itemsKept: 0 };
  const fetchUrl = prior?.url ?? src.url;
  const fetched: FetchResult = await fetchSource(fetchUrl, { ...config.fetch, validators: mode.fresh ? undefined : validatorsOf(prior) });
  if (fetched.ok && !fetched.notModified) report.bytes = fetched.body.byteLength;
  const poll: Poll = { config, store, src, prior, fetched, url: fetched.movedTo ?? fetchUrl, at: now(), report };
  report.status = fetched.status;
  if (!fetched.ok) {
    Object.assign(report, { error: fetched.error, gone: fetched.kind === 'gone' });
    recordPoll(poll, report.gone ? 'gone' : 'failed', fetched.cache, { error: fetched.error });
    return report;
  }
  const unchangedBody = !fetched.notModified && !mode.fresh && prior?.bodyHash === fetched.bodyHash;
  if (fetched.notModified || unchangedBody) {
    Object.assign(report, { ok: true, notModified: true, itemsSeen: prior?.itemsSeen ?? 0, itemsKept: prior?.itemsKept ?? 0 });
    recordPoll(poll, 'not-modified', fetched.cache, fetched.validators);
    return report;
  }
  try {
    const options = normalizeOptions(config.normalize, src);
    // A fresh poll (dry run) decides every item, so it treats none as known.
    const known: KnownInputs = mode.fresh ? new Map() : knownInputs(config, store, src, rules, mode.seenAt);
    const job = { source: src.name, body: fetched.body, contentType: fetched.contentType, url: fetched.url, maxItems: config.fetch.maxItems, now: mode.seenAt.toISOString(), options, known: [...known.keys()] };
    const parsed = await mode.pool.run(job);
    report.format = parsed.format;
    if (parsed.truncated !== undefined) report.truncated = parsed.truncated;
    if (parsed.repaired) report.repaired = parsed.repaired;
    report.itemsSeen = parsed.itemsSeen;
    Object.assign(report, ingest(store, parsed, known, rules, options, mode), { ok: true });
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

export function feedSite(config: LoadedConfig): FeedSite {
  return { baseUrl: config.publish.baseUrl.replace(/\/+$/, ''), author: config.publish.author, hub: config.publish.hub };
}

/**
 * Render every feed from the store and write the files that changed; a feed whose files cannot be written reports `error`.
 * `now`: when a feed published for the first time is dated (while it has no entries).
 */
export function publishFeeds(config: LoadedConfig, store: Store, now: Date = new Date()): FeedReport[] {
  const site = feedSite(config);
  return config.feeds.map((feed) => {
    const entries = store.feedEntryRecords(feed.name, feed.maxEntries);
    const firstPublished = entries.length ? undefined : store.feedFirstPublished(feed.name, now.toISOString());
    const rendered = renderCacheFor(store).render(feed, site, entries, (ids) => store.articlesData(ids), firstPublished).feed;
    try {
      const changed = writeChangedFiles(config.publish.dir, {
        [`${feed.name}${FEED_FORMATS.atom}`]: rendered.atom,
        [`${feed.name}${FEED_FORMATS.rss}`]: rendered.rss,
        [`${feed.name}${FEED_FORMATS.json}`]: rendered.json,
      });
      return { name: feed.name, entries: entries.length, changed };
    } catch (err) {
      // One feed's failed write must not stop the others or the cycle's report.
      return { name: feed.name, entries: entries.length, changed: [], error: (err as Error).message };
    }
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
  /** Curate without publishing: no feed file is written (the caller passes a throw-away store copy); every source is fetched afresh so every item is decided. */
  dryRun?: boolean;
  onDecisions?: DecisionListener;
  /** Where bodies are decoded, parsed and normalized (default: the process's shared pool for `config.pool`, see src/pool). */
  pool?: ParsePool;
}

/** A report for a source this cycle did not poll or stopped waiting for. */
function notPolled(src: SourceConfig, why: string): SourceReport {
  return { name: src.name, url: src.url, ok: false, notPolled: true, error: why, itemsSeen: 0, itemsNew: 0, itemsKept: 0 };
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
  const seenAt = now();
  const startedAt = seenAt.toISOString();
  const priorities = new Map(config.sources.map((s) => [s.name, s.priority]));
  const priorityOf = (source: string) => priorities.get(source) ?? 0;
  const cycleRules = decisionRules(config);
  const pool = opts.pool ?? sharedParsePool(config.pool);
  const limiter = createFetchLimiter(config.fetch);
  const gaveUp = drainDeadline(opts.signal, opts.drainMs ?? 0).then(() => 'gave up' as const);
  const states = store.sourceStatesFor(config.sources);
  const plan = config.sources.map((src) => ({ src, state: states.get(src.name) }));
  const polled = (p: (typeof plan)[number]) => !p.state?.goneAt && (!opts.onlyDue || isDue(p.state?.nextCheckAt, now()));
  const total = plan.filter(polled).length;
  let done = 0;
  const poll = async (src: SourceConfig, prior: SourceState | undefined): Promise<SourceReport> => {
    if (opts.signal?.aborted) return notPolled(src, 'not polled: shutting down');
    const polling = pollSource(config, store, src, prior, cycleRules, now, { fresh: opts.dryRun, seenAt, priorityOf, onDecisions: opts.onDecisions, pool });
    const report = opts.signal ? await Promise.race([polling, gaveUp]) : await polling;
    if (report === 'gave up') return notPolled(src, `abandoned at shutdown after ${opts.drainMs ?? 0} ms`);
    opts.onSource?.(report, ++done, total);
    return report;
  };
  // The polls' writes (a state row per source, each changed source's items) are committed in groups, not one by one.
  store.beginBatch();
  let polledReports: (SourceReport | undefined)[];
  try {
    const reports = plan.map((p) => {
      if (polled(p)) return limiter.run(p.state?.url ?? p.src.url, () => poll(p.src, p.state));
      // A gone source is reported by `run` (so the operator sees it), silently skipped by ticks.
      return p.state?.goneAt && !opts.onlyDue ? goneReport(p.src, p.state) : undefined;
    });
    polledReports = await Promise.all(reports);
  } finally {
    store.endBatch(); // polls abandoned at shutdown that finish later commit their own writes
  }
  // The rest of the cycle parses nothing: an idle worker's memory is not carried through curating, publishing and the wait for the next cycle.
  pool.releaseIdle();
  const sources = polledReports.filter((s): s is SourceReport => s !== undefined);
  const stored = storedAny(sources);
  const curation = curationDue(config, store, cycleRules, stored, now()) ? curateStoreNoted(config, store, cycleRules, now()) : undefined;
  const feeds = opts.dryRun ? [] : (unchangedPublish(config, store, stored || curation !== undefined) ?? publishFeedsNoted(config, store, now()));
  const sum = (k: 'itemsSeen' | 'itemsNew' | 'itemsKept') => sources.reduce((n, s) => n + s[k], 0);
  return { startedAt, finishedAt: now().toISOString(), sources, feeds, itemsSeen: sum('itemsSeen'), itemsNew: sum('itemsNew'), itemsKept: sum('itemsKept'), ...(curation ? { curation } : {}) };
}
