/**
 * What infrawire derives from the config and keeps: each derived artifact
 * declares here, once, the config paths it depends on, and its fingerprint is
 * computed from exactly those paths (plus infrawire's version). A path that
 * feeds no artifact is declared not derived, with the reason.
 *
 * Rules:
 * - A path is `key`, `key.sub`, or `key[].sub` (that field of every element of
 *   an array); a declared path covers everything under it.
 * - An artifact kept per source (what a source's items were normalized with)
 *   takes that source's fingerprint: its `sources[]` paths read that source
 *   only, so changing one source leaves the others' artifacts standing.
 * - tests/config/derived.test.ts walks the schema: a config field that is
 *   neither covered by an artifact nor declared not derived fails it, so a new
 *   field can never silently keep stale decisions or files.
 */
import { createHash } from 'node:crypto';
import { VERSION } from '../model/version.js';
import type { Config } from './schema.js';

export const DERIVED = {
  /** Each stored article's feed decisions (`StoredDecision.rules`): the watch rules, global, per feed and per source. */
  decisions: ['watch', 'feeds[].name', 'feeds[].keywords', 'feeds[].watch', 'sources[].name', 'sources[].watch'],
  /** The whole-store curation pass (retention, story clusters, feed membership), besides the decisions it reads. */
  curation: ['feeds[].name', 'feeds[].maxEntries', 'sources[].name', 'sources[].priority', 'curate'],
  /** What a stored article was normalized with (its input hash: known items are not normalized again). */
  normalized: ['normalize', 'sources[].name', 'sources[].timezone'],
  /** The published feed files and what the render cache keeps of them. */
  published: ['feeds', 'publish'],
} as const;

export type DerivedArtifact = keyof typeof DERIVED;

/** Config paths no artifact is derived from: read afresh whenever they are used. */
export const NOT_DERIVED: Record<string, string> = {
  $schema: "the editor's schema link",
  schedule: 'when cycles run: applied when the daemon (re)schedules',
  timezone: 'the zone the schedule is read in',
  'sources[].url': 'where to fetch: a new URL starts the source state afresh (the store keys it by configured URL)',
  server: 'where the daemon listens (restart only)',
  store: 'which store (restart only)',
  fetch: 'how each poll fetches and when the next is due: read per poll',
  pool: 'where bodies are parsed: the pool is made for these settings',
  log: 'the log level',
  daemon: 'shutdown and config watching',
};

type Json = unknown;

/** The value at one declared path: `feeds[].name` is every feed's name, in order. */
function valueAt(value: Json, path: readonly string[]): Json {
  if (!path.length || value === undefined || value === null) return value;
  const [head, ...rest] = path;
  if (head!.endsWith('[]')) {
    const list = (value as Record<string, Json>)[head!.slice(0, -2)];
    return Array.isArray(list) ? list.map((item) => valueAt(item, rest)) : undefined;
  }
  return valueAt((value as Record<string, Json>)[head!], rest);
}

type DerivedFrom = Pick<Config, 'watch' | 'feeds' | 'sources' | 'curate' | 'normalize' | 'publish'>;

/** The config as one source's artifact sees it: its `sources` list holds that source only. */
function sourceView(config: DerivedFrom, source: string): DerivedFrom {
  const own = config.sources.filter((s) => s.name === source);
  if (!own.length) throw new Error(`no source named "${source}" in the config`);
  return { ...config, sources: own };
}

/** The parts of the config an artifact depends on, by its declared paths (of one source's view when `source` is given). */
export function derivedInputs(config: DerivedFrom, artifact: DerivedArtifact, source?: string): Record<string, Json> {
  const view = source === undefined ? config : sourceView(config, source);
  return Object.fromEntries(DERIVED[artifact].map((path) => [path, valueAt(view, path.split('.'))]));
}

/**
 * A fingerprint of what an artifact depends on: the same exactly when those
 * config paths (and infrawire's version) are the same. With `source`, the
 * fingerprint of that source's artifact (see the rules above).
 */
export function fingerprint(config: DerivedFrom, artifact: DerivedArtifact, source?: string): string {
  return createHash('sha256')
    .update(JSON.stringify([VERSION, artifact, derivedInputs(config, artifact, source)]))
    .digest('base64url');
}
