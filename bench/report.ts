/**
 * The benchmark report: raw phase measurements in, derived rates, ratios to
 * the references and the issue's targets out, as JSON and as a text table.
 *
 * Rules:
 * - Pure functions of the measurements: nothing here times anything.
 * - Rates divide by wall time; bytes are what the corpus server sent (the
 *   same bytes for every pipeline in a changed cycle).
 * - A target is reported as met or not, never asserted: timings on a shared
 *   machine are evidence, not a pass/fail gate.
 * - A missing reference (e.g. Python skipped) gives `null` ratios, not zeros.
 */
import type { ServerStats } from './server.js';
import type { PhaseResult, PublishResult } from './pipelines/types.js';

export interface PhaseMetrics extends PhaseResult {
  bytes: number;
  server: ServerStats;
  sourcesPerSec: number;
  itemsPerSec: number;
  mbPerSec: number;
  cpuMsPerSource: number;
}


export interface PipelineMetrics {
  changed: PhaseMetrics;
  /** The unchanged cycle with the median wall time of the cycles run one after another (`UNCHANGED_CYCLES`), its peak RSS the one after the last. */
  unchanged?: PhaseMetrics;
  /** The first of those cycles, right after the changed one. */
  unchangedFirst?: PhaseMetrics;
  /** Every unchanged cycle's sources/s, in order. */
  unchangedSourcesPerSec?: number[];
  /** infrawire: the cycle after the unchanged ones, on the corpus's next version (every body changed by one new item). */
  nextItem?: PhaseMetrics;
  publish?: PublishResult;
  startRssMB?: number;
  /** The main heap's limit (V8's heap_size_limit), set by the Node options. */
  heapLimitMB?: number;
  /** infrawire's parse pool: worker threads (0: parsing on the main thread). */
  poolSize?: number;
  /** The Node options the pipeline's process ran with (infrawire: its launcher's, `launcherNodeFlags`). */
  nodeFlags?: string[];
  peakRssMB: number;
  /** Share of the machine's CPU time stolen by the hypervisor while this pipeline ran (Linux only): its timings are worth less when it is high. */
  cpuStealShare?: number;
}

/** Above this CPU steal the table warns that a pipeline's timings measured a disturbed machine. */
export const STEAL_WARNING = 0.05;

export type PipelineName = 'infrawire' | 'naiveNode' | 'python' | 'saxFloor';

export interface Target {
  name: string;
  goal: string;
  /** The goal as a comparison: actual `op` limit. */
  op: '>=' | '<=';
  limit: number;
  actual: number | null;
  met: boolean | null;
}

export interface ScaleReport {
  sources: number;
  /** With `--rounds N` above 1: which round this is (every pipeline ran once per round). */
  round?: number;
  itemsPerSource: number;
  itemBytes: number;
  corpusBytes: number;
  corpusItems: number;
  matchingItems: number;
  /** The corpus's next version: how many of its new items (one per source) carry a watch keyword. */
  nextMatchingItems: number;
  serverMode: 'validators' | 'plain';
  pipelines: Partial<Record<PipelineName, PipelineMetrics>>;
  ratios: {
    changedItemsPerSec: { vsNaiveNode: number | null; vsSaxFloor: number | null; vsPython: number | null };
    unchangedSourcesPerSec: { vsNaiveNode: number | null; vsRequestFloor: number | null; firstVsRequestFloor: number | null };
    cpuMsPerSource: { vsNaiveNode: number | null; vsPython: number | null };
    /** The one-new-item cycle's sources/s against infrawire's changed cycle (every item new) and naive Node's (which parses every body whole either way). */
    nextItemSourcesPerSec: { vsChanged: number | null; vsNaiveNode: number | null };
    peakRss: { vsNaiveNode: number | null; vsPython: number | null };
  };
  targets: Target[];
}

/** One target over several rounds: the median value judges it; min and max show the spread. */
export interface TargetSummary {
  name: string;
  goal: string;
  median: number | null;
  min: number | null;
  max: number | null;
  met: boolean | null;
  /** Rounds in which it was met, of those that measured it. */
  metRounds: number;
  measuredRounds: number;
}

export interface ScaleSummary {
  sources: number;
  rounds: number;
  targets: TargetSummary[];
}

export interface BenchReport {
  schema: 1;
  generatedAt: string;
  machine: Record<string, string | number>;
  options: Record<string, unknown>;
  /** One entry per scale, or per scale and round with `--rounds`. */
  scales: ScaleReport[];
  /** With `--rounds` above 1: each scale's targets over its rounds. */
  summaries?: ScaleSummary[];
}

export function phaseMetrics(phase: PhaseResult, server: ServerStats): PhaseMetrics {
  const seconds = phase.wallMs / 1000;
  const rate = (n: number) => (seconds > 0 ? n / seconds : 0);
  return {
    ...phase,
    bytes: server.bodyBytes,
    server,
    sourcesPerSec: rate(phase.sourcesOk),
    itemsPerSec: rate(phase.items),
    mbPerSec: rate(server.bodyBytes / 2 ** 20),
    cpuMsPerSource: phase.sources ? phase.cpuMs / phase.sources : 0,
  };
}

function ratio(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || b === 0 ? null : a / b;
}

/** RSS limits of the issue: 256 MB up to 1,000 sources, 512 MB at 10,000. */
function rssLimitMB(sources: number): number {
  return sources <= 1000 ? 256 : 512;
}

function meets(op: Target['op'], limit: number, value: number): boolean {
  return op === '>=' ? value >= limit : value <= limit;
}

/** A target; `goal` is how the table writes `op limit` (">= 1.0x", "<= 256"). */
function target(name: string, goal: string, op: Target['op'], limit: number, actual: number | null | undefined): Target {
  const v = actual ?? null;
  return { name, goal, op, limit, actual: v, met: v === null ? null : meets(op, limit, v) };
}

export function scaleRatios(p: ScaleReport['pipelines']): ScaleReport['ratios'] {
  const iw = p.infrawire;
  return {
    changedItemsPerSec: {
      vsNaiveNode: ratio(iw?.changed.itemsPerSec, p.naiveNode?.changed.itemsPerSec),
      vsSaxFloor: ratio(iw?.changed.itemsPerSec, p.saxFloor?.changed.itemsPerSec),
      vsPython: ratio(iw?.changed.itemsPerSec, p.python?.changed.itemsPerSec),
    },
    unchangedSourcesPerSec: {
      vsNaiveNode: ratio(iw?.unchanged?.sourcesPerSec, p.naiveNode?.unchanged?.sourcesPerSec),
      // the floor pipeline's unchanged cycle is conditional GETs only: what the requests alone cost
      vsRequestFloor: ratio(iw?.unchanged?.sourcesPerSec, p.saxFloor?.unchanged?.sourcesPerSec),
      firstVsRequestFloor: ratio(iw?.unchangedFirst?.sourcesPerSec, p.saxFloor?.unchangedFirst?.sourcesPerSec),
    },
    cpuMsPerSource: { vsNaiveNode: ratio(iw?.changed.cpuMsPerSource, p.naiveNode?.changed.cpuMsPerSource), vsPython: ratio(iw?.changed.cpuMsPerSource, p.python?.changed.cpuMsPerSource) },
    nextItemSourcesPerSec: { vsChanged: ratio(iw?.nextItem?.sourcesPerSec, iw?.changed.sourcesPerSec), vsNaiveNode: ratio(iw?.nextItem?.sourcesPerSec, p.naiveNode?.changed.sourcesPerSec) },
    peakRss: { vsNaiveNode: ratio(iw?.peakRssMB, p.naiveNode?.peakRssMB), vsPython: ratio(iw?.peakRssMB, p.python?.peakRssMB) },
  };
}

/** The issue's targets for one scale, each with the measured value. */
export function scaleTargets(sources: number, p: ScaleReport['pipelines'], r: ScaleReport['ratios']): Target[] {
  const limit = rssLimitMB(sources);
  return [
    target('changed items/s vs naive Node', '>= 1.0x', '>=', 1, r.changedItemsPerSec.vsNaiveNode),
    target('changed items/s vs sax floor', '>= 0.6x', '>=', 0.6, r.changedItemsPerSec.vsSaxFloor),
    target('changed items/s vs Python feedparser', '>= 10x', '>=', 10, r.changedItemsPerSec.vsPython),
    target('unchanged sources/s, first cycle', '>= 2000', '>=', 2000, p.infrawire?.unchangedFirst?.sourcesPerSec),
    target(`unchanged sources/s, median of ${p.infrawire?.unchangedSourcesPerSec?.length ?? 0} cycles`, '>= 2000', '>=', 2000, p.infrawire?.unchanged?.sourcesPerSec),
    target('unchanged sources/s vs naive Node (medians)', '>= 10x', '>=', 10, r.unchangedSourcesPerSec.vsNaiveNode),
    target('peak RSS (MB)', `<= ${limit}`, '<=', limit, p.infrawire?.peakRssMB),
    target(`publish ${p.infrawire?.publish?.entries ?? 0}-entry feed, 3 formats, uncached (ms)`, '<= 100', '<=', 100, p.infrawire?.publish?.uncachedMs),
    target(`publish ${p.infrawire?.publish?.entries ?? 0}-entry feed, 3 formats, cached (ms)`, '<= 100', '<=', 100, p.infrawire?.publish?.medianMs),
  ];
}

/** The median (the mean of the middle two for an even count). */
export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A scale's targets over its rounds (same scale, same targets in the same
 * order): each judged by the median of its values, with the spread. A ratio
 * is still measured within one round, as the issue asks; only then summarized.
 */
export function summarizeRounds(rounds: readonly ScaleReport[]): ScaleSummary {
  const first = rounds[0]!;
  const targets = first.targets.map((t, i): TargetSummary => {
    const values = rounds.map((r) => r.targets[i]!.actual).filter((v): v is number => v !== null);
    const median = values.length ? medianOf(values) : null;
    const met = median === null ? null : meets(t.op, t.limit, median);
    return {
      name: t.name,
      goal: t.goal,
      median,
      min: values.length ? Math.min(...values) : null,
      max: values.length ? Math.max(...values) : null,
      met,
      metRounds: rounds.filter((r) => r.targets[i]!.met === true).length,
      measuredRounds: values.length,
    };
  });
  return { sources: first.sources, rounds: rounds.length, targets };
}

const fmt = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const x = (v: number | null): string => (v === null ? '-' : `${v.toFixed(2)}x`);

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

const PIPELINE_LABELS: Record<PipelineName, string> = { infrawire: 'infrawire', naiveNode: 'naive Node (rss-parser)', python: 'Python feedparser', saxFloor: 'floor (sax; 304s only)' };

/**
 * How busy a phase kept infrawire's threads, as shares of its wall time: the main
 * thread's event loop, and the parse threads' time holding bodies per thread
 * (inline, pool size 0, that time is the main thread's too). Undefined without measurements.
 */
export function threadBusy(phase: PhaseResult | undefined, poolSize: number | undefined): { main: number; parse?: number } | undefined {
  if (!phase || phase.mainBusyMs === undefined || !(phase.wallMs > 0)) return undefined;
  const parse = phase.parseBusyMs === undefined ? undefined : phase.parseBusyMs / (phase.wallMs * Math.max(poolSize ?? 1, 1));
  return { main: phase.mainBusyMs / phase.wallMs, ...(parse === undefined ? {} : { parse }) };
}

function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** The human-readable table: one block per scale. */
export function formatTable(report: BenchReport): string {
  const out: string[] = [];
  for (const s of report.scales) {
    out.push(`\n== ${s.sources.toLocaleString('en-US')} sources${s.round !== undefined ? ` (round ${s.round})` : ''} × ${s.itemsPerSource} items (~${s.itemBytes} B) = ${s.corpusItems.toLocaleString('en-US')} items, ${fmt(s.corpusBytes / 2 ** 20)} MB; server: ${s.serverMode} ==`);
    const rows = [['pipeline', 'changed src/s', 'items/s', 'MB/s', 'CPU ms/src', 'unchanged src/s (1st)', '304s', 'peak RSS MB']];
    for (const name of Object.keys(PIPELINE_LABELS) as PipelineName[]) {
      const p = s.pipelines[name];
      if (!p) continue;
      rows.push([PIPELINE_LABELS[name], fmt(p.changed.sourcesPerSec), fmt(p.changed.itemsPerSec, 0), fmt(p.changed.mbPerSec), fmt(p.changed.cpuMsPerSource, 2), p.unchanged ? `${fmt(p.unchanged.sourcesPerSec)} (${fmt(p.unchangedFirst?.sourcesPerSec)})` : '-', p.unchanged ? String(p.unchanged.server.notModified) : '-', fmt(p.peakRssMB)]);
    }
    out.push(pad(rows));
    const un = s.pipelines.infrawire?.unchanged?.server;
    if (un) out.push(`unchanged cycle (the median of ${s.pipelines.infrawire!.unchangedSourcesPerSec!.length}: ${s.pipelines.infrawire!.unchangedSourcesPerSec!.map((v) => fmt(v, 0)).join(', ')} sources/s): infrawire made ${un.requests} requests, ${un.conditionalRequests} conditional, got ${un.notModified} × 304 and ${un.ok} full bodies (${fmt(un.bodyBytes / 2 ** 20)} MB)`);
    const next = s.pipelines.infrawire?.nextItem;
    if (next) out.push(`one new item per source (every body changed): infrawire ${fmt(next.sourcesPerSec)} sources/s, ${fmt(next.cpuMsPerSource, 2)} CPU ms/src; ${next.itemsNew ?? '-'} new items stored, ${next.itemsKnown ?? '-'} known ones not normalized again; ${x(s.ratios.nextItemSourcesPerSec.vsChanged)} its changed cycle's sources/s, ${x(s.ratios.nextItemSourcesPerSec.vsNaiveNode)} naive Node's (which parses every body whole either way)`);
    const pub = s.pipelines.infrawire?.publish;
    if (pub) out.push(`publish: ${pub.entries} entries, Atom+RSS+JSON, ${fmt(pub.bytes / 1024, 0)} KB: first (uncached) ${fmt(pub.uncachedMs)} ms, then median ${fmt(pub.medianMs)} ms of ${pub.runsMs.length - 1} cached runs`);
    const iw = s.pipelines.infrawire;
    if (iw?.poolSize !== undefined) out.push(`infrawire parse pool: ${iw.poolSize} worker thread(s)${iw.poolSize ? '' : ' (parsing on the main thread)'}; Node options: ${iw.nodeFlags?.join(' ') || 'none'} (main heap limit ${fmt(iw.heapLimitMB, 0)} MB)`);
    if (iw) {
      const phases = (['changed', 'unchanged', 'nextItem'] as const).map((k) => [k, threadBusy(iw[k], iw.poolSize)] as const).filter(([, b]) => b);
      const label = { changed: 'changed', unchanged: 'unchanged', nextItem: 'one new item' };
      if (phases.length) out.push(`infrawire threads busy (share of each cycle's wall time; the busier one sets the pace): ${phases.map(([k, b]) => `${label[k]} main ${pct(b!.main)}${b!.parse === undefined ? '' : `, parse ${iw.poolSize ? 'worker' : 'inline (part of main)'} ${pct(b!.parse)}`}`).join('; ')}`);
    }
    if (iw) out.push(`infrawire peak RSS: ${fmt(iw.startRssMB)} MB loaded, ${fmt(iw.changed.polledPeakRssMB)} when the changed cycle had polled every source (heap ${fmt(iw.changed.polledHeapUsedMB)} MB used), ${fmt(iw.changed.peakRssSoFarMB)} after it curated and published, ${fmt(iw.unchanged?.peakRssSoFarMB)} after the unchanged ones, ${fmt(iw.nextItem?.peakRssSoFarMB)} after the one-new-item cycle, ${fmt(iw.publish?.peakRssSoFarMB)} after publishing`);
    const steals = Object.entries(s.pipelines).filter(([, p]) => p.cpuStealShare !== undefined);
    if (steals.length) {
      const disturbed = steals.some(([, p]) => p.cpuStealShare! > STEAL_WARNING);
      out.push(`CPU steal (time the hypervisor gave to other guests): ${steals.map(([n, p]) => `${PIPELINE_LABELS[n as PipelineName]} ${(p.cpuStealShare! * 100).toFixed(1)}%`).join(', ')}${disturbed ? ` — above ${STEAL_WARNING * 100}%: timings of this run are unreliable, run again on a quiet machine` : ''}`);
    }
    const r = s.ratios;
    out.push(`ratios: items/s vs naive ${x(r.changedItemsPerSec.vsNaiveNode)}, vs sax ${x(r.changedItemsPerSec.vsSaxFloor)}, vs Python ${x(r.changedItemsPerSec.vsPython)}; unchanged src/s vs naive ${x(r.unchangedSourcesPerSec.vsNaiveNode)}, vs the request floor ${x(r.unchangedSourcesPerSec.vsRequestFloor)} (first cycle ${x(r.unchangedSourcesPerSec.firstVsRequestFloor)}); CPU/src vs naive ${x(r.cpuMsPerSource.vsNaiveNode)}; peak RSS vs naive ${x(r.peakRss.vsNaiveNode)}`);
    out.push(pad([['target', 'goal', 'actual', 'met'], ...s.targets.map((t) => [t.name, t.goal, fmt(t.actual, 2), t.met === null ? '-' : t.met ? 'yes' : 'NO'])]));
    for (const [name, p] of Object.entries(s.pipelines)) {
      const errs = [...p.changed.errors, ...(p.unchanged?.errors ?? []), ...(p.nextItem?.errors ?? [])];
      if (errs.length) out.push(`${name} errors: ${errs.join('; ')}`);
    }
  }
  for (const sum of report.summaries ?? []) {
    out.push(`\n== ${sum.sources.toLocaleString('en-US')} sources: the targets over ${sum.rounds} rounds (judged by the median) ==`);
    out.push(pad([['target', 'goal', 'median', 'min', 'max', 'met', 'rounds met'], ...sum.targets.map((t) => [t.name, t.goal, fmt(t.median, 2), fmt(t.min, 2), fmt(t.max, 2), t.met === null ? '-' : t.met ? 'yes' : 'NO', `${t.metRounds}/${t.measuredRounds}`])]));
  }
  return out.join('\n');
}
