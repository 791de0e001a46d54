/**
 * infrawire under measurement: its full cycle (fetch → parse → normalize →
 * curate → store → publish) through its public entry points only
 * (`parseConfig`, `Store`, `runCycle`, `publishFeeds`; `renderCacheFor` to empty the render
 * cache before an uncached publish), so the harness keeps
 * working while the stages behind them are rewritten.
 *
 * Rules:
 * - `changed` runs the first cycle on an empty store: every item is new.
 * - `unchanged` runs the next cycle (the harness runs several) against the same, unchanged server: with
 *   conditional GET the server answers 304; without it every source is
 *   fetched and parsed again and nothing is new. Its clock is one day after
 *   the cycle before (NEXT_CYCLE_SHIFT_MS), so every source is due again once fetching keeps
 *   per-source due times: the phase measures polling, never skipping.
 * - `next` runs one more cycle, a day later, while the server serves the
 *   corpus's next version: every body changed by one new item, so the cycle
 *   parses every body but normalizes and stores only the new items (the
 *   others are known: same input, decision standing).
 * - `publish` renders and writes the feed (up to 1,000 entries, all three
 *   formats) into fresh folders, so every run writes every file. The first
 *   run starts with an empty render cache (every entry rendered); the later
 *   ones reuse the unchanged entries, as a daemon's next cycle does. Both
 *   are reported.
 */
import { mkdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseConfig, type LoadedConfig } from '../../src/config/index.js';
import { closeSharedParsePools, poolSize, sharedParsePool } from '../../src/pool/index.js';
import { CycleMemory, publishFeeds, runCycle } from '../../src/pipeline/index.js';
import { SqliteStore, type Store } from '../../src/store/index.js';
import { loadedProcess, peakRssMB, serveCommands, timed } from '../child.js';
import { medianOf } from '../report.js';
import { MAX_REPORTED_ERRORS, type PhaseResult, type PipelineSetup, type PublishResult } from './types.js';

export const BENCH_FEED = 'bench';
export const PUBLISH_ENTRIES = 1000;
const PUBLISH_RUNS = 5;
const NEXT_CYCLE_SHIFT_MS = 24 * 3_600_000;

export function benchConfig(setup: PipelineSetup): LoadedConfig {
  const raw = {
    sources: setup.sources.map((s) => ({ name: s.name, url: setup.serverUrl + s.path })),
    watch: { keywords: setup.keywords },
    feeds: [{ name: BENCH_FEED, title: 'infrawire benchmark', maxEntries: PUBLISH_ENTRIES }],
    publish: { dir: 'feeds', baseUrl: 'http://127.0.0.1:8080' },
    store: { path: 'store.db' },
    // Every bench source is on one loopback host, while real sources are spread over
    // many: with the default per-host limit (2) the bench would measure that limit,
    // not the pipeline, so fetches to the one host may use the whole concurrency.
    fetch: { concurrency: setup.concurrency, perHostConcurrency: Math.min(setup.concurrency, 16), timeoutMs: 60_000 },
    ...(setup.poolSize !== undefined ? { pool: { size: setup.poolSize } } : {}),
    // The synthetic items share template sentences, so story clustering would
    // merge many of them; 1 merges only identical reports, keeping one entry per
    // item so every phase measures the same amount of work.
    curate: { clusterThreshold: 1 },
  };
  return parseConfig(raw, join(setup.workDir, 'config.json'));
}

let config: LoadedConfig | undefined;
let store: Store | undefined;
/** What a daemon keeps between its cycles: the bench's cycles run as a daemon's do. */
let memory = new CycleMemory();
/** Cycles after the changed one, each a day after the one before. */
let laterCycles = 0;

function ready(): { config: LoadedConfig; store: Store } {
  if (!config || !store) throw new Error('infrawire pipeline: "setup" must come first');
  return { config, store };
}

async function cycle(shiftMs: number): Promise<PhaseResult> {
  const { config, store } = ready();
  const now = () => new Date(Date.now() + shiftMs);
  const polled = { peakRssMB: 0, heapUsedMB: 0 };
  const onSource = (_report: unknown, done: number, total: number) => {
    if (done < total) return;
    polled.peakRssMB = peakRssMB();
    polled.heapUsedMB = process.memoryUsage().heapUsed / 2 ** 20;
  };
  // The pool the cycle parses with (the process's shared one for config.pool).
  const pool = sharedParsePool(config.pool);
  const parseBusy0 = pool.busyMs();
  const t = await timed(() => runCycle(config, store, { now, onSource, memory }));
  const failed = t.value.sources.filter((s) => !s.ok);
  return {
    wallMs: t.wallMs,
    cpuMs: t.cpuMs,
    mainBusyMs: t.mainBusyMs,
    parseBusyMs: pool.busyMs() - parseBusy0,
    peakRssSoFarMB: t.peakRssSoFarMB,
    polledPeakRssMB: polled.peakRssMB,
    polledHeapUsedMB: polled.heapUsedMB,
    sources: t.value.sources.length,
    sourcesOk: t.value.sources.length - failed.length,
    itemsNew: t.value.itemsNew,
    itemsKnown: t.value.sources.reduce((n, s) => n + (s.itemsKnown ?? 0), 0),
    items: t.value.itemsSeen,
    errors: failed.slice(0, MAX_REPORTED_ERRORS).map((s) => `${s.name}: ${s.error}`),
  };
}

async function publish(): Promise<PublishResult> {
  const { config, store } = ready();
  const runsMs: number[] = [];
  let entries = 0;
  let bytes = 0;
  let peakRssSoFarMB = 0;
  for (let run = 0; run < PUBLISH_RUNS; run++) {
    if (run === 0) memory = new CycleMemory();
    const dir = join(config.publish.dir, `run-${run}`);
    mkdirSync(dir, { recursive: true });
    const t = await timed(() => publishFeeds({ ...config, publish: { ...config.publish, dir } }, store, memory));
    const feed = t.value.find((f) => f.name === BENCH_FEED);
    const missing = ['.atom', '.rss', '.json'].filter((ext) => !feed?.changed.some((f) => f.endsWith(ext)));
    if (!feed || missing.length) throw new Error(`publish run ${run} did not write the ${missing.join(', ')} file(s) of feed "${BENCH_FEED}"`);
    entries = feed.entries;
    runsMs.push(t.wallMs);
    peakRssSoFarMB = t.peakRssSoFarMB;
    bytes = 0;
    for (const name of feed.changed) bytes += statSync(isAbsolute(name) ? name : join(dir, name)).size;
  }
  return { entries, runsMs, uncachedMs: runsMs[0]!, medianMs: medianOf(runsMs.slice(1)), bytes, peakRssSoFarMB };
}

serveCommands(
  {
    setup: (arg) => {
      config = benchConfig(arg as PipelineSetup);
      store = SqliteStore.open(config.store.path);
      // The parse pool (pool.size: default the available cores less one) is reported with the results.
      return { ...loadedProcess(), poolSize: poolSize(config.pool) };
    },
    changed: () => cycle(0),
    // Each unchanged cycle a day after the one before, so every source is due again.
    unchanged: () => cycle(NEXT_CYCLE_SHIFT_MS * ++laterCycles),
    next: () => cycle(NEXT_CYCLE_SHIFT_MS * ++laterCycles),
    publish,
  },
  async () => {
    await store?.close();
    // Stopped workers write their --cpu-prof profiles before the process exits.
    await closeSharedParsePools();
  },
);
