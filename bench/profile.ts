/**
 * Where the time goes: a summary of a V8 `.cpuprofile` (from `node --cpu-prof`).
 *
 * Rules:
 * - Self time per function and per module (src/<stage>/<file>, a package
 *   in node_modules, node internals, or V8's own "(garbage collector)" etc.).
 * - Time by infrawire stage: each sample is charged to the nearest src/ frame
 *   on its stack, so a library's time counts for the stage that called it
 *   (rss-parser's for parse, better-sqlite3's for store).
 * - Several threads (the main thread and the parse workers each write a
 *   profile) are summed into one summary; idle samples are not CPU time and are
 *   left out, so a mostly idle worker does not swell the total.
 * - Pure over the profile's JSON; the CLI (`tsx bench/profile.ts FILE...`) only reads and prints.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Profiles (threads) summed. */
  threads: number;
  byStage: Share[];
  byModule: Share[];
  topFunctions: Share[];
}

/** `file:///…/src/parse/xmlFeed.ts` → `src/parse/xmlFeed.ts`; a package → `rss-parser`. */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  const src = url.match(/\/(src\/[^?#]+|bench\/[^?#]+)/);
  if (src) return src[1]!;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

function stageOf(url: string): string | undefined {
  return url.match(/\/src\/([^/]+)\//)?.[1];
}

function shares(times: Map<string, number>, totalMs: number, limit: number): Share[] {
  return [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, ms]) => ({ name, ms: Math.round(ms * 10) / 10, share: totalMs ? Math.round((ms / totalMs) * 1000) / 1000 : 0 }));
}

export function summarizeProfile(profile: CpuProfile, limit = 15): ProfileSummary {
  return summarizeProfiles([profile], limit);
}

/** One summary over the profiles of several threads of one process. */
export function summarizeProfiles(profiles: readonly CpuProfile[], limit = 15): ProfileSummary {
  const byStage = new Map<string, number>();
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  for (const profile of profiles) totalMs += addProfile(profile, byStage, byModule, byFunction);
  return { totalMs: Math.round(totalMs), threads: profiles.length, byStage: shares(byStage, totalMs, limit), byModule: shares(byModule, totalMs, limit), topFunctions: shares(byFunction, totalMs, limit) };
}

/** Adds one profile's non-idle samples to the tallies; returns its sampled ms. */
function addProfile(profile: CpuProfile, byStage: Map<string, number>, byModule: Map<string, number>, byFunction: Map<string, number>): number {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageCache = new Map<number, string>();
  const stageFor = (id: number): string => {
    const cached = stageCache.get(id);
    if (cached) return cached;
    const path: number[] = [];
    let cur: number | undefined = id;
    let found = '(outside src: runtime, idle, GC)';
    for (let depth = 0; cur !== undefined && depth < 10_000; depth++) {
      const hit = stageCache.get(cur);
      if (hit) {
        found = hit;
        break;
      }
      path.push(cur);
      const stage = stageOf(byId.get(cur)!.callFrame.url);
      if (stage) {
        found = `src/${stage}`;
        break;
      }
      cur = parent.get(cur);
    }
    for (const p of path) stageCache.set(p, found);
    return found;
  };
  const add = (m: Map<string, number>, k: string, ms: number) => m.set(k, (m.get(k) ?? 0) + ms);
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    totalMs += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const mod = moduleOf(url, functionName);
    add(byStage, stageFor(id), ms);
    add(byModule, mod, ms);
    add(byFunction, `${functionName || '(anonymous)'} ${mod}${url ? `:${lineNumber + 1}` : ''}`, ms);
  });
  return totalMs;
}

export function formatProfile(s: ProfileSummary): string {
  const block = (title: string, rows: Share[]) => [title, ...rows.map((r) => `  ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`)].join('\n');
  return [`CPU profile: ${s.totalMs} ms sampled (not idle) over ${s.threads} thread(s)`, block('by infrawire stage (library time charged to its caller):', s.byStage), block('by module (self time):', s.byModule), block('top functions (self time):', s.topFunctions)].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const files = process.argv.slice(2);
  if (!files.length) {
    console.error('usage: tsx bench/profile.ts FILE.cpuprofile...');
    process.exit(2);
  }
  console.log(formatProfile(summarizeProfiles(files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as CpuProfile))));
}
