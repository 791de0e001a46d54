/**
 * One cycle: poll → ingest → curate → publish, for every configured source and
 * every curated feed. The steps are modules of their own (poll.ts, ingest.ts,
 * curation.ts, publish.ts); this one runs them in order and reports.
 *
 * Rules:
 * - One broken source never stops a cycle (poll.ts).
 * - Each source's items are stored in one transaction; the polls' transactions
 *   are committed in groups (`Store.batch`).
 * - Every article seen is stored; feed membership is then decided over the
 *   whole store (`curateStore`), so a rule change applies to stories seen before.
 * - Fetches run through the fetch limiter (global and per-host concurrency).
 * - After the polls, the article pages of the items they stored are fetched by
 *   each source's `fullText` (fullText.ts), within `fetch.timeoutMs`, before
 *   curation.
 * - `run` polls every source that is not gone; the daemon's ticks only the due ones.
 * - Decode → parse → normalize, and article pages' extraction, run in the parse
 *   pool; once the polls and pages are done its idle workers are stopped (`releaseIdle`).
 * - With a `CycleMemory` (the daemon's), a cycle that stored nothing skips the
 *   curation pass while its inputs are the same and the clock has neither passed
 *   the pass's `nextChangeAt` nor gone back, and skips publishing while nothing it
 *   reads changed (`unchangedPublish`).
 */
import { fingerprint, type LoadedConfig, type SourceConfig } from '../config/index.js';
import { createFetchLimiter, isDue } from '../fetch/index.js';
import type { CurationReport, CycleSummary, FeedReport, SourceReport, SourceState } from '../model/index.js';
import { sharedParsePool, type ParsePool } from '../pool/index.js';
import type { Store } from '../store/index.js';
import { curateStore } from './curation.js';
import { decisionRules, type DecisionRules } from './decide.js';
import type { DecisionListener } from './listener.js';
import { CycleMemory } from './memory.js';
import { fetchFullTexts } from './fullText.js';
import type { StoredItem } from './ingest.js';
import { pollSource } from './poll.js';
import { publishFeeds, unchangedPublish } from './publish.js';

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
  /** What this process remembers from its earlier cycles over this store (default: nothing, so the cycle curates and publishes in full). */
  memory?: CycleMemory;
}

/** What a curation pass depends on besides the store and the clock. */
function curationInputs(config: LoadedConfig, rules: DecisionRules): string {
  return `${rules.fingerprint}:${fingerprint(config, 'curation')}`;
}

async function curateNoted(config: LoadedConfig, store: Store, rules: DecisionRules, now: Date, memory: CycleMemory): Promise<CurationReport> {
  const report = await curateStore(config, store, rules, now);
  memory.lastCuration = { inputs: curationInputs(config, rules), at: now.getTime(), nextChangeAt: report.nextChangeAt };
  return report;
}

function curationDue(config: LoadedConfig, memory: CycleMemory, rules: DecisionRules, stored: boolean, now: Date): boolean {
  const last = memory.lastCuration;
  if (stored || !last || last.inputs !== curationInputs(config, rules)) return true;
  const t = now.getTime();
  return t < last.at || t >= (last.nextChangeAt ?? Infinity);
}

/**
 * Apply the current rules to everything stored and publish, without fetching:
 * what a rule change (config reload, CLI edit) calls so it takes effect at once.
 */
export async function recurate(config: LoadedConfig, store: Store, now: Date = new Date(), memory: CycleMemory = new CycleMemory()): Promise<{ curation: CurationReport; feeds: FeedReport[] }> {
  const curation = await curateNoted(config, store, decisionRules(config), now, memory);
  return { curation, feeds: await publishFeeds(config, store, memory, now) };
}

/** Whether the polls stored a new or changed article: then both curation and publishing have work. */
function storedAny(sources: readonly SourceReport[]): boolean {
  return sources.some((s) => s.itemsNew > 0 || (s.itemsChanged ?? 0) > 0);
}

/** A gone source is reported, not polled: it stays visible until config.json changes. */
function goneReport(src: SourceConfig, state: SourceState): SourceReport {
  const error = `gone since ${state.goneAt} (HTTP 410): not polled; remove it from config.json or change its URL`;
  return { name: src.name, url: src.url, ok: false, gone: true, status: state.lastStatus ?? undefined, error, itemsSeen: 0, itemsNew: 0, itemsKept: 0 };
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
  const memory = opts.memory ?? new CycleMemory();
  const seenAt = now();
  const startedAt = seenAt.toISOString();
  const priorities = new Map(config.sources.map((s) => [s.name, s.priority]));
  const priorityOf = (source: string) => priorities.get(source) ?? 0;
  const rules = decisionRules(config);
  const pool = opts.pool ?? sharedParsePool(config.pool);
  const limiter = createFetchLimiter(config.fetch);
  const gaveUp = drainDeadline(opts.signal, opts.drainMs ?? 0).then(() => 'gave up' as const);
  const states = await store.sources.statesFor(config.sources);
  const plan = config.sources.map((src) => ({ src, state: states.get(src.name) }));
  const polled = (p: (typeof plan)[number]) => !p.state?.goneAt && (!opts.onlyDue || isDue(p.state?.nextCheckAt, now()));
  const total = plan.filter(polled).length;
  let done = 0;
  /** What each source's poll stored new or changed: the full-text step's input. */
  const storedItems = new Map<string, StoredItem[]>(config.sources.map((s) => [s.name, []]));
  const poll = async (src: SourceConfig, prior: SourceState | undefined): Promise<SourceReport> => {
    if (opts.signal?.aborted) return notPolled(src, 'not polled: shutting down');
    const polling = pollSource(config, store, src, prior, rules, now, { fresh: opts.dryRun, seenAt, priorityOf, onDecisions: opts.onDecisions, pool, stored: storedItems.get(src.name) });
    const report = opts.signal ? await Promise.race([polling, gaveUp]) : await polling;
    if (report === 'gave up') return notPolled(src, `abandoned at shutdown after ${opts.drainMs ?? 0} ms`);
    opts.onSource?.(report, ++done, total);
    return report;
  };
  // The polls' writes (a state row per source, each changed source's items) are committed in groups, not one by one;
  // polls abandoned at shutdown that finish later commit their own writes.
  const polledReports = await store.batch(() =>
    Promise.all(
      plan.map((p) => {
        if (polled(p)) return limiter.run(p.state?.url ?? p.src.url, () => poll(p.src, p.state));
        // A gone source is reported by `run` (so the operator sees it), silently skipped by ticks.
        return p.state?.goneAt && !opts.onlyDue ? goneReport(p.src, p.state) : undefined;
      }),
    ),
  );
  const sources = polledReports.filter((s): s is SourceReport => s !== undefined);
  // Full text before curation: an article that changed with its page is decided again by the pass (`always` counts its keywords).
  if (!opts.signal?.aborted) await fetchFullTexts(config, store, storedItems, sources, { limiter, robots: memory.robots, now, pool });
  // The rest of the cycle parses nothing: an idle worker's memory is not carried through curating, publishing and the wait for the next cycle.
  pool.releaseIdle();
  const stored = storedAny(sources);
  const curation = curationDue(config, memory, rules, stored, now()) ? await curateNoted(config, store, rules, now(), memory) : undefined;
  const feeds = opts.dryRun ? [] : (unchangedPublish(config, memory, stored || curation !== undefined) ?? (await publishFeeds(config, store, memory, now())));
  const sum = (k: 'itemsSeen' | 'itemsNew' | 'itemsKept') => sources.reduce((n, s) => n + s[k], 0);
  return { startedAt, finishedAt: now().toISOString(), sources, feeds, itemsSeen: sum('itemsSeen'), itemsNew: sum('itemsNew'), itemsKept: sum('itemsKept'), ...(curation ? { curation } : {}) };
}
