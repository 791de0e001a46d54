/**
 * `infrawire run`: one poll cycle, then a summary.
 *
 * Rules:
 * - Takes the store lock like the daemon, so a run never races a daemon on the same store.
 * - A progress bar only when stderr is a terminal (and not --quiet/--json/--no-progress);
 *   without a terminal only the summary is printed.
 * - Failed sources are part of a normal run (exit 0); the summary names them.
 * - `--dry-run` takes no lock: it reads a copy of the store and writes nothing.
 */
import { loadConfig } from '../config/index.js';
import { closeSharedParsePools } from '../pool/index.js';
import { runCycle } from '../pipeline/index.js';
import { openLockedStore } from '../store/index.js';
import { runDryRun } from './explain.js';
import { formatSummary, progressBar, type Progress } from './report.js';

export interface RunOptions {
  config: string;
  json?: boolean;
  quiet?: boolean;
  /** commander's `--no-progress` sets this to false. */
  progress?: boolean;
  /** Fetch and curate, write nothing, print every decision (src/cli/explain.ts). */
  dryRun?: boolean;
}

export function wantsProgress(opts: RunOptions, stderr: NodeJS.WriteStream = process.stderr): boolean {
  return opts.progress !== false && !opts.quiet && !opts.json && stderr.isTTY === true;
}

export async function runOnce(opts: RunOptions): Promise<void> {
  if (opts.dryRun) return runDryRun(opts);
  const config = loadConfig(opts.config);
  const { store, close } = openLockedStore(config.store.path);
  let progress: Progress | undefined;
  try {
    progress = wantsProgress(opts) ? progressBar(process.stderr, config.sources.length) : undefined;
    const summary = await runCycle(config, store, { onSource: progress?.update });
    progress?.end();
    progress = undefined;
    if (opts.json) console.log(JSON.stringify(summary, null, 2));
    else if (!opts.quiet) console.log(formatSummary(summary));
  } finally {
    progress?.end();
    await close();
    await closeSharedParsePools();
  }
}
