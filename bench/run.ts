/**
 * `npm run bench`: generate a corpus, serve it from a separate loopback
 * process, and measure infrawire's cycle side by side with the reference
 * pipelines over the same bytes, at one or more scales.
 *
 * Rules:
 * - Everything the run writes (corpus, stores, published feeds) lives in a
 *   temp dir that is removed afterwards; only the report file is kept.
 * - Each pipeline runs in its own child process, one after another (never
 *   two at once: the machine has 2 cores), with the same fetch concurrency.
 * - The harness asserts nothing about speed; it reports, with the targets
 *   marked met or not.
 */
import { fork, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { launcherNodeFlags } from '../src/cli/launcher.js';
import { PACKAGE_ROOT } from '../src/model/packageRoot.js';
import { BENCH_KEYWORDS, DEFAULT_CORPUS, generateCorpus, type Corpus, type CorpusOptions } from './corpus.js';
import { benchModule, CALL_TIMEOUT_MS, LOADER_ARGS, startChild, type LoadedProcess } from './child.js';
import { formatProfile, summarizeProfiles, type CpuProfile, type ProfileSummary } from './profile.js';
import { formatTable, phaseMetrics, scaleRatios, scaleTargets, summarizeRounds, type BenchReport, type PhaseMetrics, type PipelineMetrics, type PipelineName, type ScaleReport } from './report.js';
import type { ServerCommand, ServerMessage, ServerMode, ServerStats } from './server.js';
import type { PhaseResult, PipelineSetup } from './pipelines/types.js';
import type { PublishResult } from './pipelines/types.js';

// The bench's own folder in the sources (the Python pipeline, results), also when this runs compiled from dist/bench.
const BENCH_DIR = join(PACKAGE_ROOT, 'bench');

/** Items per source by scale: 50 as the issue asks, 10 at 10,000 sources so the corpus stays ~330 MB and a run stays in minutes. */
export function defaultItemsPerSource(sources: number): number {
  return sources >= 10_000 ? 10 : DEFAULT_CORPUS.itemsPerSource;
}

export const ALL_PIPELINES: PipelineName[] = ['infrawire', 'naiveNode', 'saxFloor', 'python'];

export interface BenchOptions {
  scales: number[];
  itemsPerSource?: number;
  itemBytes: number;
  matchRatio: number;
  concurrency: number;
  /** Rounds per scale: every pipeline runs once per round, over the same corpus and server (default 1). */
  rounds?: number;
  /** infrawire's parse pool size (`pool.size`); unset: its default. */
  poolSize?: number;
  serverMode: ServerMode;
  pipelines: PipelineName[];
  python: string;
  out?: string;
  cpuProfDir?: string;
  log: (line: string) => void;
}

export interface CorpusServer {
  url: string;
  stats(): Promise<ServerStats>;
  reset(): void;
  /** Serve another folder from now on (resolves once the server has switched). */
  serveFrom(dir: string): Promise<void>;
  stop(): void;
}

export function startServer(dir: string, mode: ServerMode): Promise<CorpusServer> {
  const child = fork(benchModule('server'), [dir, mode], { execArgv: [...LOADER_ARGS], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const send = (cmd: ServerCommand) => child.send(cmd);
  return new Promise((resolveServer, reject) => {
    child.once('exit', (code) => reject(new Error(`corpus server exited (code ${code}) before it was ready`)));
    child.once('message', (m: ServerMessage) => {
      if (m.type !== 'ready') return reject(new Error(`corpus server: unexpected first message ${m.type}`));
      const stats = () =>
        new Promise<ServerStats>((r, fail) => {
          const timer = setTimeout(() => fail(new Error('corpus server did not answer "stats" within 10 s')), 10_000);
          child.once('message', (s: ServerMessage) => {
            clearTimeout(timer);
            r((s as Extract<ServerMessage, { type: 'stats' }>).stats);
          });
          send({ type: 'stats' });
        });
      resolveServer({
        url: m.url,
        stats,
        reset: () => send({ type: 'reset' }),
        // Messages are handled in order: once "stats" is answered, the switch is done.
        serveFrom: async (root) => {
          send({ type: 'root', dir: root });
          await stats();
        },
        stop: () => child.disconnect(),
      });
    });
  });
}

/**
 * Unchanged cycles measured one after another. The first runs right after the
 * changed cycle, on code the JIT has not yet optimized for the 304 path; a
 * daemon's cycles are the later ones. Both are reported: the first, and the
 * median of all.
 */
export const UNCHANGED_CYCLES = 3;

/** The run with the median wall time (the lower middle of an even count). */
export function medianRun<T extends { wallMs: number }>(runs: readonly T[]): T {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** The machine's CPU time counters (Linux /proc/stat, in clock ticks): all, and stolen by the hypervisor; undefined elsewhere. */
export function cpuTicks(): { total: number; steal: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    if (fields.length < 8 || fields.some((f) => !Number.isFinite(f))) return undefined;
    return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7]! };
  } catch {
    return undefined;
  }
}

/** The share of the machine's CPU time the hypervisor took between two readings: a run above a few percent measured a disturbed machine. */
export function stealShare(before: ReturnType<typeof cpuTicks>, after: ReturnType<typeof cpuTicks>): number | undefined {
  if (!before || !after || after.total <= before.total) return undefined;
  return (after.steal - before.steal) / (after.total - before.total);
}

/**
 * Run one Node pipeline's phases in its own process, reading the server's
 * counters around each phase. infrawire also runs the `next` phase (its
 * corpus's next version: every body changed by one new item), and the server
 * serves the first version again afterwards.
 */
async function runNodePipeline(name: PipelineName, setup: PipelineSetup, server: CorpusServer, corpus: Pick<Corpus, 'dir' | 'nextDir'>, unchangedCycles: number, execArgv: string[]): Promise<PipelineMetrics> {
  const child = startChild(benchModule(`pipelines/${name}`), execArgv);
  try {
    const { startRssMB, heapLimitMB, poolSize } = await child.call<LoadedProcess & { poolSize?: number }>('setup', setup);
    const measure = async (phase: 'changed' | 'unchanged' | 'next') => {
      server.reset();
      const result = await child.call<PhaseResult>(phase);
      return phaseMetrics(result, await server.stats());
    };
    const changed = await measure('changed');
    const unchangedRuns: PhaseMetrics[] = [];
    for (let i = 0; i < unchangedCycles; i++) unchangedRuns.push(await measure('unchanged'));
    // The median cycle's numbers, with the peak RSS as it stood after the last one.
    const unchanged = unchangedRuns.length ? { ...medianRun(unchangedRuns), peakRssSoFarMB: unchangedRuns.at(-1)!.peakRssSoFarMB } : undefined;
    let nextItem: PhaseMetrics | undefined;
    if (name === 'infrawire') {
      await server.serveFrom(corpus.nextDir);
      try {
        nextItem = await measure('next');
      } finally {
        await server.serveFrom(corpus.dir);
      }
    }
    const publish = name === 'infrawire' ? await child.call<PublishResult>('publish') : undefined;
    const { peakRssMB } = await child.finish();
    return {
      changed,
      ...(unchanged ? { unchanged, unchangedFirst: unchangedRuns[0]!, unchangedSourcesPerSec: unchangedRuns.map((r) => r.sourcesPerSec) } : {}),
      ...(nextItem ? { nextItem } : {}),
      publish,
      startRssMB,
      heapLimitMB,
      ...(poolSize !== undefined ? { poolSize } : {}),
      ...(execArgv.length ? { nodeFlags: execArgv } : {}),
      peakRssMB,
    };
  } finally {
    child.kill();
  }
}

interface PythonResult extends PhaseResult {
  peakRssMB: number;
  python: string;
  feedparser: string;
}

/** The pipeline's last stdout line, its JSON result; an error naming the interpreter when there is none. */
function pythonResult(python: string, stdout: string): PythonResult {
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    const r = JSON.parse(last) as PythonResult;
    if (r && typeof r === 'object' && typeof r.wallMs === 'number') return r;
  } catch {
    // reported below
  }
  throw new Error(`Python pipeline (${python}) printed no result line${last ? ` (its last line: ${JSON.stringify(last.slice(0, 200))})` : ''}`);
}

async function runPythonPipeline(python: string, setup: PipelineSetup, server: CorpusServer): Promise<{ metrics: PipelineMetrics; versions: string }> {
  const setupFile = join(setup.workDir, 'setup.json');
  mkdirSync(setup.workDir, { recursive: true });
  writeFileSync(setupFile, JSON.stringify(setup));
  server.reset();
  const stdout = await new Promise<string>((resolveRun, reject) => {
    const child = spawn(python, [join(BENCH_DIR, 'pipelines', 'feedparser_pipeline.py'), setupFile], { stdio: ['ignore', 'pipe', 'pipe'], timeout: CALL_TIMEOUT_MS, killSignal: 'SIGKILL' });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', (e) => reject(new Error(`cannot start ${python}: ${e.message} (--python: a Python 3 with python3-feedparser; or leave python out of --pipelines)`)));
    child.on('exit', (code, signal) => (code === 0 ? resolveRun(out) : reject(new Error(`Python pipeline failed (exit ${code ?? signal}): ${err.trim().split('\n').slice(-3).join(' | ')}${/No module named 'feedparser'/.test(err) ? ' — install python3-feedparser (apt-get install -y python3-feedparser)' : ''}`))));
  });
  const r = pythonResult(python, stdout);
  return { metrics: { changed: phaseMetrics(r, await server.stats()), peakRssMB: r.peakRssMB }, versions: `Python ${r.python}, feedparser ${r.feedparser}` };
}

/**
 * Every thread's profile: --cpu-prof writes one file per thread (the main
 * thread, tsx's module loader, each parse worker), summed by `summarizeProfiles`.
 */
function threadProfiles(dir: string): CpuProfile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile);
}

async function runScale(sources: number, opts: BenchOptions, machine: BenchReport['machine']): Promise<{ rounds: ScaleReport[]; profile?: ProfileSummary }> {
  const work = mkdtempSync(join(tmpdir(), 'infrawire-bench-'));
  const corpusOptions: CorpusOptions = { ...DEFAULT_CORPUS, sources, itemsPerSource: opts.itemsPerSource ?? defaultItemsPerSource(sources), itemBytes: opts.itemBytes, matchRatio: opts.matchRatio };
  let server: CorpusServer | undefined;
  try {
    const t0 = performance.now();
    const corpus: Corpus = generateCorpus(join(work, 'corpus'), corpusOptions);
    opts.log(`[${sources} sources] corpus: ${corpus.totalItems} items, ${(corpus.totalBytes / 2 ** 20).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s (${work})`);
    server = await startServer(corpus.dir, opts.serverMode);
    const setupFor = (name: string, round: number): PipelineSetup => ({ serverUrl: server!.url, sources: corpus.sources.map((s) => ({ name: s.name, path: s.path })), workDir: join(work, `${name}-${round}`), concurrency: opts.concurrency, keywords: BENCH_KEYWORDS, ...(opts.poolSize !== undefined ? { poolSize: opts.poolSize } : {}) });
    let profile: ProfileSummary | undefined;
    const rounds: ScaleReport[] = [];
    const roundCount = opts.rounds ?? 1;
    for (let round = 1; round <= roundCount; round++) {
      const label = roundCount > 1 ? `[${sources} sources, round ${round}/${roundCount}]` : `[${sources} sources]`;
      const pipelines: ScaleReport['pipelines'] = {};
      for (const name of opts.pipelines) {
        const t = performance.now();
        const ticks = cpuTicks();
        if (name === 'python') {
          const { metrics, versions } = await runPythonPipeline(opts.python, setupFor(name, round), server);
          pipelines.python = metrics;
          machine.python = versions;
        } else {
          const profDir = name === 'infrawire' && opts.cpuProfDir && round === 1 ? resolve(opts.cpuProfDir, `infrawire-${sources}-${Date.now()}`) : undefined;
          if (profDir) mkdirSync(profDir, { recursive: true });
          // infrawire runs with its launcher's Node options, as `npm start` runs it.
          const execArgv = [...(name === 'infrawire' ? launcherNodeFlags() : []), ...(profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [])];
          pipelines[name] = await runNodePipeline(name, setupFor(name, round), server, corpus, UNCHANGED_CYCLES, execArgv);
          const profiles = profDir ? threadProfiles(profDir) : [];
          if (profiles.length) profile = summarizeProfiles(profiles);
        }
        const steal = stealShare(ticks, cpuTicks());
        if (steal !== undefined) pipelines[name]!.cpuStealShare = steal;
        // A pipeline's store and feeds (~1 GB for infrawire at 10,000 sources) go once it is measured.
        rmSync(join(work, `${name}-${round}`), { recursive: true, force: true });
        opts.log(`${label} ${name}: done in ${((performance.now() - t) / 1000).toFixed(1)} s${steal !== undefined ? `, CPU steal ${(steal * 100).toFixed(1)}%` : ''}`);
      }
      const ratios = scaleRatios(pipelines);
      rounds.push({
        sources,
        ...(roundCount > 1 ? { round } : {}),
        itemsPerSource: corpusOptions.itemsPerSource,
        itemBytes: corpusOptions.itemBytes,
        corpusBytes: corpus.totalBytes,
        corpusItems: corpus.totalItems,
        matchingItems: corpus.matchingItems,
        nextMatchingItems: corpus.nextMatchingItems,
        serverMode: opts.serverMode,
        pipelines,
        ratios,
        targets: scaleTargets(sources, pipelines, ratios),
      });
    }
    return { rounds, profile };
  } finally {
    server?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function machineInfo(): BenchReport['machine'] {
  const cpu = cpus();
  return { cpuModel: cpu[0]?.model ?? 'unknown', cpus: cpu.length, memGB: Math.round(totalmem() / 2 ** 30), node: process.version, os: `${process.platform} ${release()}` };
}

export async function runBench(opts: BenchOptions): Promise<BenchReport & { profiles: Record<string, ProfileSummary> }> {
  const machine = machineInfo();
  const report: BenchReport & { profiles: Record<string, ProfileSummary> } = {
    schema: 1,
    generatedAt: new Date().toISOString(),
    machine,
    options: { scales: opts.scales, rounds: opts.rounds ?? 1, itemsPerSource: opts.itemsPerSource ?? 'by scale', itemBytes: opts.itemBytes, matchRatio: opts.matchRatio, concurrency: opts.concurrency, poolSize: opts.poolSize ?? 'default', serverMode: opts.serverMode, pipelines: opts.pipelines },
    scales: [],
    profiles: {},
  };
  for (const sources of opts.scales) {
    const { rounds, profile } = await runScale(sources, opts, machine);
    report.scales.push(...rounds);
    if (rounds.length > 1) (report.summaries ??= []).push(summarizeRounds(rounds));
    if (profile) report.profiles[String(sources)] = profile;
  }
  if (opts.out) {
    mkdirSync(dirname(resolve(opts.out)), { recursive: true });
    writeFileSync(opts.out, JSON.stringify(report, null, 2) + '\n');
  }
  return report;
}

const USAGE = `usage: npm run bench -- [options]
  --scales LIST        source counts, comma-separated (default 100; full run: 100,1000,10000)
  --items N            items per source (default 50; 10 at 10,000 sources)
  --item-bytes N       approximate bytes per item (default ${DEFAULT_CORPUS.itemBytes})
  --match-ratio R      share of items matching a watch keyword (default ${DEFAULT_CORPUS.matchRatio})
  --concurrency N      fetches at once, for every pipeline (default 8)
  --pool-size N        infrawire's parse worker threads (pool.size; 0: on the main thread; default: the cores less one)
  --server MODE        validators (ETag/Last-Modified, 304s; default) or plain
  --rounds N           run every pipeline N times per scale, interleaved, and summarize each target by its median (default 1)
  --pipelines LIST     any of ${ALL_PIPELINES.join(',')} (default all)
  --python PATH        the Python with python3-feedparser (default /usr/bin/python3)
  --out FILE           report JSON (default bench/results/latest.json)
  --cpu-prof DIR       profile the infrawire child with node --cpu-prof into DIR/infrawire-N-TIME/`;

function poolSizeArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`--pool-size: must be an integer from 0 to 64 (got "${v}")`);
  return n;
}

function positiveInt(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: must be a positive integer (got "${v}")`);
  return n;
}

export function parseBenchArgs(argv: string[]): Omit<BenchOptions, 'log'> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scales: { type: 'string' },
      items: { type: 'string' },
      'item-bytes': { type: 'string' },
      'match-ratio': { type: 'string' },
      concurrency: { type: 'string' },
      'pool-size': { type: 'string' },
      rounds: { type: 'string' },
      server: { type: 'string' },
      pipelines: { type: 'string' },
      python: { type: 'string' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) throw new Error(USAGE);
  const scales = (values.scales ?? '100').split(',').map((s) => positiveInt('--scales', s.trim(), 0));
  const serverMode = values.server ?? 'validators';
  if (serverMode !== 'validators' && serverMode !== 'plain') throw new Error(`--server: must be "validators" or "plain" (got "${serverMode}")`);
  const pipelines = (values.pipelines ?? ALL_PIPELINES.join(',')).split(',').map((p) => p.trim());
  for (const p of pipelines) if (!ALL_PIPELINES.includes(p as PipelineName)) throw new Error(`--pipelines: unknown pipeline "${p}" (known: ${ALL_PIPELINES.join(', ')})`);
  const matchRatio = values['match-ratio'] === undefined ? DEFAULT_CORPUS.matchRatio : Number(values['match-ratio']);
  if (!(matchRatio >= 0 && matchRatio <= 1)) throw new Error(`--match-ratio: must be between 0 and 1 (got "${values['match-ratio']}")`);
  return {
    scales,
    itemsPerSource: values.items === undefined ? undefined : positiveInt('--items', values.items, 0),
    itemBytes: positiveInt('--item-bytes', values['item-bytes'], DEFAULT_CORPUS.itemBytes),
    matchRatio,
    concurrency: positiveInt('--concurrency', values.concurrency, 8),
    ...(values['pool-size'] !== undefined ? { poolSize: poolSizeArg(values['pool-size']) } : {}),
    ...(values.rounds !== undefined ? { rounds: positiveInt('--rounds', values.rounds, 1) } : {}),
    serverMode,
    pipelines: pipelines as PipelineName[],
    python: values.python ?? '/usr/bin/python3',
    out: values.out ?? join(BENCH_DIR, 'results', 'latest.json'),
    cpuProfDir: values['cpu-prof'],
  };
}

async function main(): Promise<void> {
  let opts: Omit<BenchOptions, 'log'>;
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const report = await runBench({ ...opts, log: (line) => console.error(line) });
  const m = report.machine;
  console.log(`infrawire benchmark ${report.generatedAt} on ${m.cpus} × ${m.cpuModel}, ${m.memGB} GB, Node ${m.node}${m.python ? `, ${m.python}` : ''}`);
  console.log(formatTable(report));
  for (const [sources, p] of Object.entries(report.profiles)) console.log(`\n[${sources} sources] ${formatProfile(p)}`);
  if (opts.out) console.log(`\nreport: ${opts.out}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`bench failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  });
}
