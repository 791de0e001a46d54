/**
 * The daemon: a poll cycle at start-up and then on the configured cron
 * schedule, with the feed server running alongside.
 *
 * Rules:
 * - Cycles never overlap: a tick that comes while a cycle runs is skipped and logged.
 * - A failing cycle (e.g. the store is unwritable) is logged and the daemon
 *   keeps its schedule; per-source failures are part of a normal cycle.
 * - stop() ends scheduling, waits for the running cycle, closes server and store.
 */
import type { Server } from 'node:http';
import cron from 'node-cron';
import type { LoadedConfig } from '../config/index.js';
import type { Logger } from '../model/logger.js';
import { close, createFeedServer, listen } from '../serve/index.js';
import { Store } from '../store/index.js';
import { runCycle, type CycleSummary } from './cycle.js';

export interface Daemon {
  url: string;
  /** Resolves when the cycle currently running (if any) ends. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function summaryLine(s: CycleSummary): string {
  const failed = s.sources.filter((x) => !x.ok);
  return `cycle done: ${s.sources.length - failed.length}/${s.sources.length} sources ok, ${s.itemsSeen} items seen, ${s.itemsNew} new, ${s.itemsKept} kept; ${s.feeds
    .map((f) => `${f.name}: ${f.entries} entries${f.changed.length ? ' (updated)' : ''}`)
    .join(', ')}`;
}

export async function startDaemon(config: LoadedConfig, log: Logger): Promise<Daemon> {
  const store = new Store(config.store.path);
  let server: Server | undefined;
  try {
    server = createFeedServer({ dir: config.publish.dir, feeds: config.feeds });
    const url = await listen(server, config.server.host, config.server.port);
    log.info(`serving feeds at ${url}/feeds/ (public URL ${config.publish.baseUrl})`);

    let running: Promise<void> | undefined;
    const cycle = () => {
      if (running) {
        log.warn('previous cycle still running: this tick is skipped');
        return;
      }
      running = runCycle(config, store, { onlyDue: true })
        .then((summary) => {
          for (const s of summary.sources) if (!s.ok) log.warn(`source "${s.name}" failed: ${s.error}`);
          for (const s of summary.sources) if (s.notice) log.warn(s.notice);
          log.info(summaryLine(summary));
        })
        .catch((err) => log.error(`cycle failed: ${(err as Error).stack ?? err}`))
        .finally(() => (running = undefined));
    };
    const task = cron.schedule(config.schedule, cycle, { name: 'infrawire-cycle' });
    log.info(`schedule "${config.schedule}": next cycle at ${task.getNextRun()?.toISOString() ?? 'never'}`);
    cycle();

    const srv = server;
    return {
      url,
      idle: async () => void (await running),
      stop: async () => {
        await task.destroy();
        await running;
        await close(srv);
        store.close();
      },
    };
  } catch (err) {
    if (server) await close(server);
    store.close();
    throw err;
  }
}
