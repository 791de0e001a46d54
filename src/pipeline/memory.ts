/**
 * What one process remembers between its cycles over one store, explicitly:
 * the daemon keeps one `CycleMemory` for its life; `run`, a dry run or a test
 * that passes none gets a fresh one, and then curates and publishes in full.
 *
 * Rules: only what saves work is kept, never what decides an outcome; a fresh
 * memory gives the same feeds as a kept one (the store is the truth).
 */
import type { FeedReport } from '../model/index.js';
import { RobotsCache } from '../fetch/index.js';
import { FeedRenderCache } from '../publish/index.js';

export interface LastCuration {
  /** The decision rules' and the pass's own fingerprints. */
  inputs: string;
  at: number;
  /** When the clock alone would change the pass's outcome (ms). */
  nextChangeAt?: number;
}

export interface LastPublish {
  /** Fingerprint of what publishing reads from the config (`DERIVED.published`). */
  settings: string;
  feeds: FeedReport[];
  /** Each feed file's identity as written (inode, size, times). */
  files: Map<string, string>;
}

export class CycleMemory {
  /** Entries rendered by the last publish. */
  readonly renderCache = new FeedRenderCache();
  /** robots.txt answers by origin (page fetches). */
  readonly robots = new RobotsCache();
  lastCuration?: LastCuration;
  lastPublish?: LastPublish;
}
