/**
 * Loading config.json: read, parse JSON, validate with the schema, resolve paths.
 *
 * Rules:
 * - Every problem is reported, one line each, as `path: reason`
 *   (e.g. `sources[2].url: must be an http(s) URL`), in a ConfigError.
 * - Relative paths (publish.dir, store.path) are resolved against the config
 *   file's folder, so the daemon behaves the same from any working directory.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { jsonSyntaxProblem } from './jsonText.js';
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

/** One line per problem; a field failing several checks reports the first (e.g. "empty" before "no letter"). */
function issueLines(issues: z.core.$ZodIssue[]): string[] {
  const byPath = new Map<string, string>();
  for (const issue of issues) {
    const path = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      byPath.set(`${path}\0keys`, `${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
    } else if (!byPath.has(path)) {
      byPath.set(path, `${path}: ${issue.message}`);
    }
  }
  return [...byPath.values()];
}

/** Validate an already-parsed JSON value; `file` anchors relative paths and names the config in errors. */
export function parseConfig(raw: unknown, file: string): LoadedConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(file, issueLines(result.error.issues));
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
    throw new ConfigError(file, [`(file): not valid JSON at ${jsonSyntaxProblem(text, err as Error)}`]);
  }
  return parseConfig(raw, file);
}

