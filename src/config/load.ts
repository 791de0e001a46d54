/**
 * Loading config.json: read, parse JSON, validate with the schema, resolve paths.
 *
 * Rules:
 * - Every problem is reported, one line each, as `path: reason`
 *   (e.g. `sources[2].url: must be an http(s) URL`), in a ConfigError.
 * - Relative paths (publish.dir, store.path) are resolved against the config
 *   file's folder, so the daemon behaves the same from any working directory.
 * - Semantic checks the schema cannot express (valid cron, unique names) run here too.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import cron from 'node-cron';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid config ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig extends Config {
  /** Absolute path of the config file. */
  file: string;
}

/** `['sources', 2, 'url']` → `sources[2].url` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

function issueLines(issues: z.core.$ZodIssue[]): string[] {
  const lines = issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `${formatPath(issue.path)}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
  return [...new Set(lines)]; // two checks of one field may say the same thing
}

function duplicates(values: string[]): Set<string> {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return dup;
}

function semanticProblems(config: Config): string[] {
  const problems: string[] = [];
  const cronCheck = cron.validateDetailed(config.schedule);
  if (!cronCheck.valid) problems.push(`schedule: "${config.schedule}" is not a valid cron expression (${cronCheck.errors.map((e) => `${e.field}: ${e.message}`).join('; ')})`);
  const dupSources = duplicates(config.sources.map((s) => s.name.toLowerCase()));
  config.sources.forEach((s, i) => {
    if (dupSources.has(s.name.toLowerCase())) problems.push(`sources[${i}].name: "${s.name}" is used by more than one source`);
  });
  const dupFeeds = duplicates(config.feeds.map((f) => f.name));
  config.feeds.forEach((f, i) => {
    if (dupFeeds.has(f.name)) problems.push(`feeds[${i}].name: "${f.name}" is used by more than one feed`);
  });
  return problems;
}

/** Validate an already-parsed JSON value; `file` anchors relative paths and names the config in errors. */
export function parseConfig(raw: unknown, file: string): LoadedConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(file, issueLines(result.error.issues));
  const problems = semanticProblems(result.data);
  if (problems.length) throw new ConfigError(file, problems);
  const base = dirname(resolve(file));
  const config = result.data;
  return {
    ...config,
    file: resolve(file),
    publish: { ...config.publish, dir: resolve(base, config.publish.dir) },
    store: { ...config.store, path: resolve(base, config.store.path) },
  };
}

export function loadConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [`(file): cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, [`(file): not valid JSON: ${(err as Error).message}`]);
  }
  return parseConfig(raw, file);
}
