/**
 * Poll: one source, fetched from its stored URL with its validators, parsed
 * and normalized in the parse pool, ingested, and its outcome recorded with
 * its next check.
 *
 * Rules:
 * - One broken source never stops a cycle: its failure is recorded on the
 *   source and reported by name with a reason; nothing here throws.
 * - A 304, or a body byte-identical to the last one, is not parsed.
 * - The source's state is written after its items (a crash never leaves
 *   validators for items not stored).
 * - In a changed body, an item stored before from the same input whose
 *   decision stands is known (`knownInputs`): not normalized, not written.
 * - A fresh poll (a dry run) ignores validators, the body hash and known
 *   items, so every item is parsed and decided.
 */
import { fingerprint, type LoadedConfig, type SourceConfig } from '../config/index.js';
import { duePolicyFromConfig, fetchSource, healthNotice, nextCheckAt, sourceHealth, type CacheHeaders, type FetchResult } from '../fetch/index.js';
import type { SourceOutcome, SourceReport, SourceState } from '../model/index.js';
import { normalizeOptions } from '../normalize/index.js';
import type { ParsePool } from '../pool/index.js';
import type { Store } from '../store/index.js';
import { stillValid, type DecisionRules } from './decide.js';
import { ingest, type IngestContext, type KnownInputs } from './ingest.js';

/** How a poll runs: the ingest context plus where bodies are parsed, and whether it ignores what it knew. */
export interface PollMode extends IngestContext {
  fresh?: boolean;
  /** Where bodies are decoded, parsed and normalized. */
  pool: ParsePool;
}

/** A poll looks among the source's last `fetch.maxItems` × this first-seen articles for known items (a body reads at most `maxItems`). */
const KNOWN_PER_ITEM_READ = 2;

/**
 * The source's articles that stand as stored, by input hash: stored with a hash
 * and decided by a decision that still stands (`stillValid`, the curation pass's
 * rule). Ingesting such an item again would store the same article and the same
 * decision, so it is skipped.
 */
async function knownInputs(config: LoadedConfig, store: Store, src: SourceConfig, rules: DecisionRules, at: Date): Promise<KnownInputs> {
  const known: KnownInputs = new Map();
  for (const { hash, id, decision } of await store.articles.recentInputs(src.name, KNOWN_PER_ITEM_READ * config.fetch.maxItems)) {
    if (stillValid(decision, rules.fingerprint, at.getTime())) known.set(hash, { id, kept: decision.kept.length > 0 });
  }
  return known;
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
async function recordPoll(poll: Poll, outcome: SourceOutcome, cache: CacheHeaders, details: PollDetails = {}): Promise<void> {
  const { config, store, src, prior, fetched, report, at } = poll;
  const failures = outcome === 'failed' || outcome === 'gone' ? (prior?.consecutiveFailures ?? 0) + 1 : 0;
  const next = nextCheckAt({ now: at, succeeded: failures === 0, consecutiveFailures: failures, headers: cache, ttlMinutes: details.ttlMinutes }, duePolicyFromConfig(config.fetch));
  report.nextCheckAt = next.toISOString();
  const itemCounts = outcome === 'ok' ? { itemsSeen: report.itemsSeen, itemsKept: report.itemsKept } : {};
  const { ttlMinutes: _ttl, ...stored } = details;
  const state = await store.sources.recordAttempt({ name: src.name, configuredUrl: src.url, url: poll.url, moved: fetched.movedTo !== undefined, at: at.toISOString(), outcome, status: fetched.status, nextCheckAt: report.nextCheckAt, ...stored, ...itemCounts });
  const health = sourceHealth(src.name, src.url, state, at, config.fetch.failingAlertHours);
  report.movedTo = health.movedTo;
  report.notice = healthNotice(health, config.fetch.failingAlertHours);
}

/**
 * Poll one source. `prior` is its stored state, read when the cycle started;
 * `now` gives when it answered.
 */
export async function pollSource(config: LoadedConfig, store: Store, src: SourceConfig, prior: SourceState | undefined, rules: DecisionRules, now: () => Date, mode: PollMode): Promise<SourceReport> {
  const report: SourceReport = { name: src.name, url: src.url, ok: false, itemsSeen: 0, itemsNew: 0, itemsKept: 0 };
  const fetchUrl = prior?.url ?? src.url;
  const fetched: FetchResult = await fetchSource(fetchUrl, { ...config.fetch, validators: mode.fresh ? undefined : validatorsOf(prior) });
  if (fetched.ok && !fetched.notModified) report.bytes = fetched.body.byteLength;
  const poll: Poll = { config, store, src, prior, fetched, url: fetched.movedTo ?? fetchUrl, at: now(), report };
  report.status = fetched.status;
  if (!fetched.ok) {
    Object.assign(report, { error: fetched.error, gone: fetched.kind === 'gone' });
    await recordPoll(poll, report.gone ? 'gone' : 'failed', fetched.cache, { error: fetched.error });
    return report;
  }
  const unchangedBody = !fetched.notModified && !mode.fresh && prior?.bodyHash === fetched.bodyHash;
  if (fetched.notModified || unchangedBody) {
    Object.assign(report, { ok: true, notModified: true, itemsSeen: prior?.itemsSeen ?? 0, itemsKept: prior?.itemsKept ?? 0 });
    await recordPoll(poll, 'not-modified', fetched.cache, fetched.validators);
    return report;
  }
  try {
    const options = normalizeOptions(config.normalize, src);
    const known: KnownInputs = mode.fresh ? new Map() : await knownInputs(config, store, src, rules, mode.seenAt);
    const job = { source: src.name, body: fetched.body, contentType: fetched.contentType, url: fetched.url, maxItems: config.fetch.maxItems, now: mode.seenAt.toISOString(), options, normalizedWith: fingerprint(config, 'normalized', src.name), known: [...known.keys()] };
    const parsed = await mode.pool.run(job);
    report.format = parsed.format;
    if (parsed.truncated !== undefined) report.truncated = parsed.truncated;
    if (parsed.repaired) report.repaired = parsed.repaired;
    report.itemsSeen = parsed.itemsSeen;
    Object.assign(report, await store.transaction((tx) => ingest(tx, parsed, known, rules, options, mode)), { ok: true });
    await recordPoll(poll, 'ok', fetched.cache, { ...fetched.validators, bodyHash: fetched.bodyHash, ttlMinutes: parsed.ttlMinutes });
  } catch (err) {
    report.ok = false;
    report.error = (err as Error).message || String(err);
    await recordPoll(poll, 'failed', fetched.cache, { error: report.error });
  }
  return report;
}
