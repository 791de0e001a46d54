/**
 * The benchmark harness at tiny scale: the corpus is what it claims to be,
 * the corpus server speaks HTTP validators in its own process, and a whole
 * run produces a complete report. No timing is asserted: only counts, bytes
 * and the report's shape.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Parser from 'rss-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { BENCH_KEYWORDS, generateCorpus, type CorpusOptions } from '../../bench/corpus.js';
import { formatTable, medianOf, summarizeRounds, threadBusy, type ScaleReport, type Target } from '../../bench/report.js';
import { cpuTicks, medianRun, parseBenchArgs, stealShare, runBench, startServer, UNCHANGED_CYCLES, type CorpusServer } from '../../bench/run.js';
import { summarizeProfile, summarizeProfiles } from '../../bench/profile.js';
import { launcherNodeFlags } from '../../src/cli/launcher.js';
import { compileKeywords } from '../../src/curate/index.js';
import { tempDir } from '../helpers/env.js';
import { needs, pythonWithFeedparser } from '../helpers/tools.js';

const TINY: CorpusOptions = { sources: 6, itemsPerSource: 5, itemBytes: 3000, matchRatio: 0.5, seed: 11, newestItemAt: '2026-06-01T12:00:00Z' };

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

async function server(dir: string, mode: 'validators' | 'plain'): Promise<CorpusServer> {
  const s = await startServer(dir, mode);
  cleanups.push(() => s.stop());
  return s;
}

describe('corpus generator', () => {
  it('writes RSS and Atom sources of the asked size, deterministically', async () => {
    const a = generateCorpus(tmp(), TINY);
    const b = generateCorpus(tmp(), TINY);
    const dates: number[] = [];
    expect(a.sources).toHaveLength(6);
    expect(a.sources.map((s) => s.format)).toEqual(['rss', 'atom', 'rss', 'atom', 'rss', 'atom']);
    expect(a.totalItems).toBe(30);
    for (const s of a.sources) {
      const bytes = readFileSync(join(a.dir, s.path));
      expect(bytes.equals(readFileSync(join(b.dir, s.path)))).toBe(true);
      expect(bytes.byteLength).toBe(s.bytes);
      // every item is ~itemBytes: within 15% on average
      expect(Math.abs(s.bytes / s.items - TINY.itemBytes)).toBeLessThan(TINY.itemBytes * 0.15);
      const parsed = await new Parser().parseString(bytes.toString('utf8'));
      expect(parsed.items).toHaveLength(TINY.itemsPerSource);
      for (const item of parsed.items) dates.push(Date.parse(item.isoDate!));
    }
    // distinct, recent, never after newestItemAt
    expect(new Set(dates).size).toBe(30);
    expect(Math.max(...dates)).toBe(Date.parse(TINY.newestItemAt!));
    expect(Math.min(...dates)).toBe(Date.parse(TINY.newestItemAt!) - 29 * 10_000);
    const other = generateCorpus(tmp(), { ...TINY, seed: 12 });
    expect(readFileSync(join(other.dir, other.sources[0]!.path)).equals(readFileSync(join(a.dir, a.sources[0]!.path)))).toBe(false);
  });

  it('writes each source\'s next version under the same path: one new item, newer than the whole corpus, the oldest dropped', async () => {
    const corpus = generateCorpus(tmp(), TINY);
    const again = generateCorpus(tmp(), TINY);
    const newest = Date.parse(TINY.newestItemAt!);
    for (const [n, s] of corpus.sources.entries()) {
      const next = readFileSync(join(corpus.nextDir, s.path));
      expect(next.equals(readFileSync(join(again.nextDir, s.path)))).toBe(true);
      const before = await new Parser().parseString(readFileSync(join(corpus.dir, s.path), 'utf8'));
      const after = await new Parser().parseString(next.toString('utf8'));
      expect(after.items).toHaveLength(TINY.itemsPerSource);
      expect(after.items.slice(0, -1)).toEqual(before.items.slice(1));
      const added = after.items.at(-1)!;
      expect(before.items.map((i) => i.link)).not.toContain(added.link);
      expect(Date.parse(added.isoDate!)).toBe(newest + (n + 1) * 1000);
    }
  });

  it('keeps the matching share: on-topic items carry watch keywords, off-topic ones none', async () => {
    const corpus = generateCorpus(tmp(), { ...TINY, sources: 10, itemsPerSource: 20, matchRatio: 0.6 });
    expect(corpus.matchingItems / corpus.totalItems).toBeGreaterThan(0.45);
    expect(corpus.matchingItems / corpus.totalItems).toBeLessThan(0.75);
    const matchers = compileKeywords(BENCH_KEYWORDS);
    let matched = 0;
    for (const s of corpus.sources) {
      const parsed = await new Parser().parseString(readFileSync(join(corpus.dir, s.path), 'utf8'));
      let inSource = 0;
      for (const item of parsed.items) {
        const text = `${item.title} ${item.content ?? ''}`;
        if (matchers.some((m) => m.pattern.test(text))) inSource++;
      }
      expect(inSource, s.name).toBe(s.matchingItems);
      matched += inSource;
    }
    expect(matched).toBe(corpus.matchingItems);
  });

  it('refuses impossible options with a message naming the option', () => {
    expect(() => generateCorpus(tmp(), { ...TINY, sources: 0 })).toThrow(/sources must be a positive integer/);
    expect(() => generateCorpus(tmp(), { ...TINY, itemBytes: 100 })).toThrow(/itemBytes must be at least 600/);
    expect(() => generateCorpus(tmp(), { ...TINY, matchRatio: 2 })).toThrow(/matchRatio must be between 0 and 1/);
    expect(() => generateCorpus(tmp(), { ...TINY, newestItemAt: 'soon' })).toThrow(/newestItemAt must be an ISO date/);
  });
});

describe('corpus server (its own process)', () => {
  it('serves the corpus with ETag/Last-Modified, answers 304 to a matching validator, and counts', async () => {
    const corpus = generateCorpus(tmp(), TINY);
    const s = await server(corpus.dir, 'validators');
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const src = corpus.sources[1]!;
    const first = await fetch(s.url + src.path);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/atom\+xml/);
    expect(Buffer.from(await first.arrayBuffer()).equals(readFileSync(join(corpus.dir, src.path)))).toBe(true);
    const etag = first.headers.get('etag');
    const lastModified = first.headers.get('last-modified');
    expect(etag).toBeTruthy();
    expect(lastModified).toBeTruthy();
    const byEtag = await fetch(s.url + src.path, { headers: { 'if-none-match': etag! } });
    expect(byEtag.status).toBe(304);
    const byDate = await fetch(s.url + src.path, { headers: { 'if-modified-since': lastModified! } });
    expect(byDate.status).toBe(304);
    const stale = await fetch(s.url + src.path, { headers: { 'if-none-match': '"stale"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
    expect((await fetch(s.url + '/s/../../etc/passwd')).status).toBe(404);
    expect(await s.stats()).toEqual({ requests: 5, ok: 2, notModified: 2, otherStatus: 1, bodyBytes: 2 * src.bytes, conditionalRequests: 3 });
    s.reset();
    expect((await s.stats()).requests).toBe(0);
    // The next version from the same path: new bytes and a new ETag, so the old one no longer matches.
    await s.serveFrom(corpus.nextDir);
    const next = await fetch(s.url + src.path, { headers: { 'if-none-match': etag! } });
    expect(next.status).toBe(200);
    expect(Buffer.from(await next.arrayBuffer()).equals(readFileSync(join(corpus.nextDir, src.path)))).toBe(true);
    expect(next.headers.get('etag')).not.toBe(etag);
    await s.serveFrom(corpus.dir);
    expect((await fetch(s.url + src.path, { headers: { 'if-none-match': etag! } })).status).toBe(304);
  });

  it('sends no validators in plain mode, so a conditional request still costs a full body', async () => {
    const corpus = generateCorpus(tmp(), TINY);
    const s = await server(corpus.dir, 'plain');
    const src = corpus.sources[0]!;
    const res = await fetch(s.url + src.path, { headers: { 'if-modified-since': new Date().toUTCString() } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('last-modified')).toBeNull();
    await res.arrayBuffer();
    expect((await s.stats()).notModified).toBe(0);
  });
});

describe('bench options', () => {
  it('defaults to a quick run and refuses bad values naming the flag', () => {
    const o = parseBenchArgs([]);
    expect(o.scales).toEqual([100]);
    expect(o.serverMode).toBe('validators');
    expect(o.pipelines).toEqual(['infrawire', 'naiveNode', 'saxFloor', 'python']);
    expect(o.poolSize).toBeUndefined();
    expect(parseBenchArgs(['--pool-size', '0']).poolSize).toBe(0);
    expect(() => parseBenchArgs(['--pool-size', '65'])).toThrow(/--pool-size: must be an integer from 0 to 64/);
    expect(parseBenchArgs(['--scales', '100,1000,10000']).scales).toEqual([100, 1000, 10000]);
    expect(() => parseBenchArgs(['--scales', '10,x'])).toThrow(/--scales: must be a positive integer/);
    expect(() => parseBenchArgs(['--server', 'magic'])).toThrow(/--server/);
    expect(() => parseBenchArgs(['--pipelines', 'infrawire,perl'])).toThrow(/unknown pipeline "perl"/);
    expect(() => parseBenchArgs(['--match-ratio', '1.5'])).toThrow(/--match-ratio/);
    expect(() => parseBenchArgs(['--frobnicate'])).toThrow();
    expect(o.rounds).toBeUndefined();
    expect(parseBenchArgs(['--rounds', '3']).rounds).toBe(3);
    expect(() => parseBenchArgs(['--rounds', '0'])).toThrow(/--rounds: must be a positive integer/);
  });
});

describe('profile summary', () => {
  it('charges library time to the infrawire stage that called it', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 5] },
        { id: 2, callFrame: frame('parseFeed', 'file:///x/src/parse/parseFeed.ts'), children: [3] },
        { id: 3, callFrame: frame('parseString', 'file:///x/node_modules/rss-parser/lib/parser.js'), children: [4] },
        { id: 4, callFrame: frame('write', 'file:///x/node_modules/sax/lib/sax.js') },
        { id: 5, callFrame: frame('(garbage collector)', '') },
      ],
      samples: [4, 4, 3, 2, 5],
      timeDeltas: [1000, 1000, 1000, 1000, 1000],
    };
    const s = summarizeProfile(profile);
    expect(s.totalMs).toBe(5);
    expect(s.byStage[0]).toEqual({ name: 'src/parse', ms: 4, share: 0.8 });
    expect(s.byStage[1]!.name).toMatch(/outside src/);
    expect(s.byModule.map((m) => m.name)).toEqual(['sax', 'rss-parser', 'src/parse/parseFeed.ts', '(garbage collector)']);
    expect(s.topFunctions[0]!.name).toBe('write sax:1');
  });

  it('sums the profiles of several threads (main and parse workers), leaving idle samples out', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const main = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 3] },
        { id: 2, callFrame: frame('saveArticle', 'file:///x/src/store/store.ts') },
        { id: 3, callFrame: frame('(idle)', '') },
      ],
      samples: [2, 2, 3, 3, 3],
      timeDeltas: [1000, 1000, 1000, 1000, 1000],
    };
    const worker = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 3] },
        { id: 2, callFrame: frame('toArticle', 'file:///x/src/normalize/toArticle.ts'), children: [4] },
        { id: 3, callFrame: frame('(idle)', '') },
        { id: 4, callFrame: frame('parse', 'file:///x/node_modules/htmlparser2/dist/Parser.js') },
      ],
      samples: [4, 4, 4, 2, 3, 3, 3, 3],
      timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
    };
    const s = summarizeProfiles([main, worker]);
    expect(s).toMatchObject({ totalMs: 6, threads: 2 });
    expect(s.byStage).toEqual([
      { name: 'src/normalize', ms: 4, share: 0.667 },
      { name: 'src/store', ms: 2, share: 0.333 },
    ]);
    expect(s.byModule.map((m) => m.name)).toEqual(['htmlparser2', 'src/store/store.ts', 'src/normalize/toArticle.ts']);
  });
});

function iwFirst(s: { pipelines: { infrawire?: { unchangedFirst?: { sourcesPerSec: number } } } }): number | undefined {
  return s.pipelines.infrawire?.unchangedFirst?.sourcesPerSec;
}

describe('medianRun', () => {
  it('picks the run with the median wall time, the lower middle of an even count, whatever the order', () => {
    const runs = [{ wallMs: 30, id: 'a' }, { wallMs: 10, id: 'b' }, { wallMs: 20, id: 'c' }];
    expect(medianRun(runs).id).toBe('c');
    expect(medianRun([...runs, { wallMs: 40, id: 'd' }]).id).toBe('c');
    expect(medianRun([{ wallMs: 5, id: 'only' }]).id).toBe('only');
    expect(runs.map((r) => r.id)).toEqual(['a', 'b', 'c']); // not sorted in place
  });
});

describe('rounds', () => {
  const round = (n: number, actuals: (number | null)[]): ScaleReport => {
    const goals: Pick<Target, 'name' | 'goal' | 'op' | 'limit'>[] = [
      { name: 'ratio', goal: '>= 1.0x', op: '>=', limit: 1 },
      { name: 'rss', goal: '<= 256', op: '<=', limit: 256 },
      { name: 'python', goal: '>= 10x', op: '>=', limit: 10 },
    ];
    const targets = goals.map((g, i) => ({ ...g, actual: actuals[i]!, met: actuals[i] === null ? null : g.op === '>=' ? actuals[i]! >= g.limit : actuals[i]! <= g.limit }));
    return { sources: 1000, round: n, targets } as unknown as ScaleReport;
  };

  it('judges each target by the median of its rounds and keeps the spread and the rounds that met it', () => {
    const sum = summarizeRounds([round(1, [0.9, 250, null]), round(2, [1.2, 270, null]), round(3, [1.1, 255, null])]);
    expect(sum).toMatchObject({ sources: 1000, rounds: 3 });
    expect(sum.targets[0]).toEqual({ name: 'ratio', goal: '>= 1.0x', median: 1.1, min: 0.9, max: 1.2, met: true, metRounds: 2, measuredRounds: 3 });
    expect(sum.targets[1]).toEqual({ name: 'rss', goal: '<= 256', median: 255, min: 250, max: 270, met: true, metRounds: 2, measuredRounds: 3 });
    expect(sum.targets[2]).toEqual({ name: 'python', goal: '>= 10x', median: null, min: null, max: null, met: null, metRounds: 0, measuredRounds: 0 });
    // an even count takes the mean of the middle two
    expect(summarizeRounds([round(1, [0.5, 300, 1]), round(2, [1.7, 200, 3])]).targets[0]).toMatchObject({ median: 1.1, met: true, metRounds: 1 });
    expect(medianOf([3, 1, 2])).toBe(2);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('CPU steal', () => {
  it('is the stolen share of the CPU time between two readings; unknown without two increasing readings', () => {
    expect(stealShare({ total: 1000, steal: 50 }, { total: 1400, steal: 150 })).toBeCloseTo(0.25, 9);
    expect(stealShare({ total: 1000, steal: 50 }, { total: 1000, steal: 50 })).toBeUndefined();
    expect(stealShare(undefined, { total: 1, steal: 0 })).toBeUndefined();
    // this machine is Linux: /proc/stat is read, and its counters only grow
    const a = cpuTicks()!;
    expect(a.total).toBeGreaterThan(0);
    expect(a.steal).toBeGreaterThanOrEqual(0);
    expect(a.steal).toBeLessThanOrEqual(a.total);
    let spin = 0;
    for (let i = 0; i < 2e7; i++) spin += i % 7;
    expect(spin).toBeGreaterThan(0);
    const b = cpuTicks()!;
    expect(b.total).toBeGreaterThanOrEqual(a.total);
    expect(b.steal).toBeGreaterThanOrEqual(a.steal);
  });
});

describe('a whole bench run at tiny scale', () => {
  const python = needs('feedparser');
  python.it('measures every pipeline over the same bytes and writes a complete report', { timeout: 180_000 }, async () => {
    const dir = tmp();
    const out = join(dir, 'results', 'report.json');
    const profDir = join(dir, 'prof');
    const lines: string[] = [];
    const report = await runBench({ scales: [4], itemsPerSource: 30, itemBytes: 3000, matchRatio: 0.6, concurrency: 2, poolSize: 1, serverMode: 'validators', pipelines: ['infrawire', 'naiveNode', 'saxFloor', 'python'], python: pythonWithFeedparser()!, out, cpuProfDir: profDir, log: (l) => lines.push(l) });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    const s = report.scales[0]!;
    expect(s).toMatchObject({ sources: 4, itemsPerSource: 30, corpusItems: 120, serverMode: 'validators' });
    // one round: no round numbers, no summary
    expect(report.scales).toHaveLength(1);
    expect(s.round).toBeUndefined();
    expect(report.summaries).toBeUndefined();
    expect(Object.keys(s.pipelines).sort()).toEqual(['infrawire', 'naiveNode', 'python', 'saxFloor']);
    for (const [name, p] of Object.entries(s.pipelines)) {
      // every pipeline got every source's bytes and saw every item
      expect(p.changed, name).toMatchObject({ sources: 4, sourcesOk: 4, items: 120, errors: [], bytes: s.corpusBytes });
      expect(p.changed.server, name).toMatchObject({ requests: 4, ok: 4, notModified: 0 });
      expect(p.changed.wallMs, name).toBeGreaterThan(0);
      expect(p.changed.itemsPerSec, name).toBeCloseTo(120 / (p.changed.wallMs / 1000), 6);
      expect(p.changed.cpuMsPerSource, name).toBeCloseTo(p.changed.cpuMs / 4, 6);
      expect(p.peakRssMB, name).toBeGreaterThan(5);
    }
    // each unchanged cycle asked for every source again: 200 or 304, nothing else; the median and the first are reported
    for (const name of ['infrawire', 'naiveNode', 'saxFloor'] as const) {
      const p = s.pipelines[name]!;
      for (const u of [p.unchanged!, p.unchangedFirst!]) {
        expect(u.server.requests, name).toBe(4);
        expect(u.server.ok + u.server.notModified, name).toBe(4);
        expect(u.sourcesOk, name).toBe(4);
      }
      expect(p.unchangedSourcesPerSec, name).toHaveLength(UNCHANGED_CYCLES);
      expect(p.unchangedFirst!.sourcesPerSec, name).toBe(p.unchangedSourcesPerSec![0]);
      const sorted = [...p.unchangedSourcesPerSec!].sort((a, b) => a - b);
      expect(p.unchanged!.sourcesPerSec, name).toBe(sorted[1]); // the median of three
    }
    // the floor's unchanged cycle is the conditional requests alone: every source 304, nothing parsed
    expect(s.pipelines.saxFloor!.unchanged!).toMatchObject({ items: 0, errors: [], server: { requests: 4, conditionalRequests: 4, notModified: 4, ok: 0 } });
    expect(s.ratios.unchangedSourcesPerSec.vsRequestFloor).toBeCloseTo(s.pipelines.infrawire!.unchanged!.sourcesPerSec / s.pipelines.saxFloor!.unchanged!.sourcesPerSec, 9);
    expect(s.ratios.unchangedSourcesPerSec.firstVsRequestFloor).toBeCloseTo(iwFirst(s)! / s.pipelines.saxFloor!.unchangedFirst!.sourcesPerSec, 9);
    // infrawire's later unchanged cycles were 304s too (each a day later, so every source was due)
    expect(s.pipelines.infrawire!.unchanged!.server.notModified).toBe(4);
    expect(s.pipelines.infrawire!.unchangedFirst!.server.notModified).toBe(4);
    expect(s.pipelines.naiveNode!.unchanged!.server.notModified).toBe(0);
    const iw = s.pipelines.infrawire!;
    // the next version: every body changed (4 full bodies), one new item each; the other 29 per source are known, not normalized again
    expect(iw.nextItem!).toMatchObject({ sources: 4, sourcesOk: 4, items: 120, itemsNew: 4, itemsKnown: 116, errors: [], server: { requests: 4, ok: 4, notModified: 0 } });
    expect(s.ratios.nextItemSourcesPerSec.vsChanged).toBeCloseTo(iw.nextItem!.sourcesPerSec / iw.changed.sourcesPerSec, 9);
    expect(s.ratios.nextItemSourcesPerSec.vsNaiveNode).toBeCloseTo(iw.nextItem!.sourcesPerSec / s.pipelines.naiveNode!.changed.sourcesPerSec, 9);
    for (const name of ['naiveNode', 'saxFloor', 'python'] as const) expect(s.pipelines[name]!.nextItem, name).toBeUndefined();
    // the parse pool size asked for is the one the infrawire child used
    expect(iw.poolSize).toBe(1);
    // infrawire ran with its launcher's Node options (then the profiler's), and they took: its main heap's limit is the launcher's ceiling
    const flags = launcherNodeFlags();
    expect(iw.nodeFlags!.slice(0, flags.length)).toEqual(flags);
    const ceiling = Number(flags.find((f) => f.startsWith('--max-old-space-size='))?.split('=')[1]);
    expect(iw.heapLimitMB!).toBeGreaterThanOrEqual(ceiling);
    expect(iw.heapLimitMB!).toBeLessThan(ceiling + 256);
    expect(s.pipelines.naiveNode!.nodeFlags).toBeUndefined();
    // busy times: the main thread's within each phase's wall time; the one parse worker held bodies only in the cycles that had some
    for (const phase of [iw.changed, iw.unchanged!, iw.nextItem!]) expect(phase.mainBusyMs!).toBeGreaterThan(0);
    for (const phase of [iw.changed, iw.unchanged!, iw.nextItem!]) expect(phase.mainBusyMs!).toBeLessThanOrEqual(phase.wallMs);
    for (const phase of [iw.changed, iw.nextItem!]) expect(phase.parseBusyMs!).toBeGreaterThan(0);
    for (const phase of [iw.changed, iw.nextItem!]) expect(phase.parseBusyMs!).toBeLessThanOrEqual(phase.wallMs + 1);
    expect(iw.unchanged!.parseBusyMs).toBe(0);
    expect(s.pipelines.naiveNode!.changed.mainBusyMs!).toBeGreaterThan(0);
    expect(threadBusy(iw.changed, iw.poolSize)).toEqual({ main: iw.changed.mainBusyMs! / iw.changed.wallMs, parse: iw.changed.parseBusyMs! / iw.changed.wallMs });
    expect(formatTable(report)).toMatch(/infrawire threads busy \(share of each cycle's wall time; the busier one sets the pace\): changed main \d+%, parse worker \d+%; unchanged main \d+%, parse worker 0%; one new item main \d+%, parse worker \d+%/);
    // peak RSS never decreases from phase to phase, and the process's final peak covers them all
    expect(iw.changed.peakRssSoFarMB!).toBeGreaterThanOrEqual(iw.startRssMB!);
    expect(iw.unchanged!.peakRssSoFarMB!).toBeGreaterThanOrEqual(iw.changed.peakRssSoFarMB!);
    expect(iw.nextItem!.peakRssSoFarMB!).toBeGreaterThanOrEqual(iw.unchanged!.peakRssSoFarMB!);
    expect(iw.peakRssMB).toBeGreaterThanOrEqual(iw.publish!.peakRssSoFarMB);
    const publish = s.pipelines.infrawire!.publish!;
    // the feed holds the kept items of both versions (the next version's cycle ran before publishing)
    expect(publish.entries).toBe(Math.min(1000, s.matchingItems + s.nextMatchingItems));
    expect(publish.runsMs).toHaveLength(5);
    expect(publish.uncachedMs).toBe(publish.runsMs[0]);
    expect(publish.bytes).toBeGreaterThan(publish.entries * 100);
    expect(s.ratios.changedItemsPerSec.vsNaiveNode).toBeCloseTo(s.pipelines.infrawire!.changed.itemsPerSec / s.pipelines.naiveNode!.changed.itemsPerSec, 9);
    expect(s.targets.map((t) => t.goal)).toEqual(['>= 1.0x', '>= 0.6x', '>= 10x', '>= 2000', '>= 2000', '>= 10x', '<= 256', '<= 100', '<= 100']);
    expect(s.targets[3]!).toMatchObject({ name: 'unchanged sources/s, first cycle', actual: iwFirst(s) });
    expect(s.targets[4]!).toMatchObject({ name: 'unchanged sources/s, median of 3 cycles', actual: s.pipelines.infrawire!.unchanged!.sourcesPerSec });
    expect(s.ratios.unchangedSourcesPerSec.vsNaiveNode).toBeCloseTo(s.pipelines.infrawire!.unchanged!.sourcesPerSec / s.pipelines.naiveNode!.unchanged!.sourcesPerSec, 9);
    for (const t of s.targets) expect(typeof t.met).toBe('boolean');
    expect(String(report.machine.python)).toMatch(/^Python 3\.\d+\.\d+, feedparser \d/);
    // the profile of the infrawire child is summarized; the temp work dir is gone
    const prof = report.profiles['4']!;
    expect(readdirSync(join(profDir, readdirSync(profDir)[0]!)).some((f) => f.endsWith('.cpuprofile'))).toBe(true);
    expect(prof.byStage.some((st) => st.name === 'src/parse' || st.name === 'src/schedule')).toBe(true);
    // normalize runs only in the parse worker: its profile is summed with the main thread's
    expect(prof.threads).toBeGreaterThanOrEqual(2);
    expect(prof.byStage.some((st) => st.name === 'src/normalize')).toBe(true);
    expect(formatTable(report)).toContain('infrawire parse pool: 1 worker thread(s)');
    const workDir = lines[0]!.match(/\((\/[^)]+)\)$/)![1]!;
    expect(existsSync(workDir)).toBe(false);
    const table = formatTable(report);
    // every pipeline's CPU steal was measured (Linux), and the table says it
    for (const [name, p] of Object.entries(s.pipelines)) {
      expect(p.cpuStealShare, name).toBeGreaterThanOrEqual(0);
      expect(p.cpuStealShare, name).toBeLessThanOrEqual(1);
    }
    expect(table).toMatch(/CPU steal \(time the hypervisor gave to other guests\): infrawire \d+\.\d%/);
    const disturbed = structuredClone(report);
    disturbed.scales[0]!.pipelines.naiveNode!.cpuStealShare = 0.2;
    disturbed.scales[0]!.pipelines.infrawire!.cpuStealShare = 0.01;
    expect(formatTable(disturbed)).toContain('naive Node (rss-parser) 20.0%');
    expect(formatTable(disturbed)).toContain('— above 5%: timings of this run are unreliable');
    for (const p of Object.values(disturbed.scales[0]!.pipelines)) p.cpuStealShare = 0.01;
    expect(formatTable(disturbed)).not.toContain('unreliable');
    expect(table).toMatch(/unchanged cycle \(the median of 3: [\d,]+, [\d,]+, [\d,]+ sources\/s\): infrawire made 4 requests, 4 conditional, got 4 × 304/);
    expect(table).toMatch(/infrawire peak RSS: [\d.]+ MB loaded, [\d.]+ when the changed cycle had polled every source \(heap [\d.]+ MB used\), [\d.]+ after it curated and published/);
    expect(table).toMatch(/one new item per source \(every body changed\): infrawire [\d,.]+ sources\/s, [\d.]+ CPU ms\/src; 4 new items stored, 116 known ones not normalized again; [\d.]+x its changed cycle's sources\/s, [\d.]+x naive Node's/);
    for (const label of ['infrawire', 'naive Node (rss-parser)', 'Python feedparser', 'floor (sax; 304s only)', 'publish:', 'vs the request floor', 'unchanged sources/s']) expect(table).toContain(label);
  });
});

describe('a bench run in rounds', () => {
  it('runs every pipeline once per round over the same corpus and summarizes the targets by their medians', { timeout: 180_000 }, async () => {
    const lines: string[] = [];
    const report = await runBench({ scales: [3], rounds: 2, itemsPerSource: 5, itemBytes: 2000, matchRatio: 0.6, concurrency: 2, poolSize: 0, serverMode: 'validators', pipelines: ['infrawire', 'saxFloor'], python: '/usr/bin/python3', log: (l) => lines.push(l) });
    expect(report.scales.map((r) => [r.sources, r.round])).toEqual([
      [3, 1],
      [3, 2],
    ]);
    expect(lines.filter((l) => /\[3 sources, round [12]\/2\] (infrawire|saxFloor): done in/.test(l))).toHaveLength(4);
    for (const r of report.scales) {
      expect(r.pipelines.infrawire!.changed).toMatchObject({ sourcesOk: 3, items: 15 });
      expect(r.pipelines.infrawire!.unchanged!.server.notModified).toBe(3);
      // each round starts from the corpus's first version again, so its next version brings one new item a source
      expect(r.pipelines.infrawire!.nextItem).toMatchObject({ sourcesOk: 3, itemsNew: 3, itemsKnown: 12 });
    }
    const [sum] = report.summaries!;
    expect(sum).toMatchObject({ sources: 3, rounds: 2 });
    const values = (name: string) => report.scales.map((r) => r.targets.find((t) => t.name === name)!.actual!);
    const unchanged = values('unchanged sources/s, median of 3 cycles');
    expect(sum!.targets.find((t) => t.name === 'unchanged sources/s, median of 3 cycles')).toMatchObject({ median: (unchanged[0]! + unchanged[1]!) / 2, min: Math.min(...unchanged), max: Math.max(...unchanged), measuredRounds: 2 });
    expect(sum!.targets.find((t) => t.name === 'changed items/s vs naive Node')).toMatchObject({ median: null, measuredRounds: 0 });
    const table = formatTable(report);
    expect(table).toContain('== 3 sources (round 1)');
    expect(table).toContain('== 3 sources (round 2)');
    expect(table).toContain('== 3 sources: the targets over 2 rounds (judged by the median) ==');
    expect(table).toMatch(/unchanged sources\/s, median of 3 cycles +>= 2000 +[\d,.]+ +[\d,.]+ +[\d,.]+ +(yes|NO) +\d\/2/);
  });
});

describe('a Python pipeline that cannot run', () => {
  const run = (python: string) =>
    runBench({ scales: [2], itemsPerSource: 3, itemBytes: 2000, matchRatio: 0.6, concurrency: 2, poolSize: 0, serverMode: 'validators', pipelines: ['python'], python, log: () => {} });

  it('fails naming the interpreter and what it needs, when the interpreter is missing', { timeout: 60_000 }, async () => {
    await expect(run('/nonexistent/python3')).rejects.toThrow(/cannot start \/nonexistent\/python3: .*ENOENT.*python3-feedparser; or leave python out of --pipelines/);
  });

  it('fails naming the interpreter when it exits without printing its result', { timeout: 60_000 }, async () => {
    // `true` ignores its arguments and exits 0 with no output: a run that "succeeded" without measuring anything.
    await expect(run('/usr/bin/true')).rejects.toThrow(/Python pipeline \(\/usr\/bin\/true\) printed no result line$/);
    // `echo` prints its arguments (the script and the setup file): a line, but not the result.
    await expect(run('/bin/echo')).rejects.toThrow(/Python pipeline \(\/bin\/echo\) printed no result line \(its last line: ".*feedparser_pipeline\.py .*setup\.json"\)/);
  });
});

describe('full-text bench (bench/fullText.ts)', () => {
  it('runs a cycle without and with full text over loopback teasers and prints the cost per kept item', { timeout: 120_000 }, async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', 'bench/fullText.ts', '4', '1'], { cwd: join(import.meta.dirname, '../..'), timeout: 110_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
    );
    expect(out).toMatch(/full text over 4 kept teasers \(\d+ page layouts\), median of 1/);
    expect(out).toMatch(/fullText never\s+cycle\s+\d+ ms wall/);
    expect(out).toMatch(/page fetch \+ extraction per kept item: -?[\d.]+ ms wall, -?[\d.]+ ms CPU \(4 pages fetched\)/);
  });
});
