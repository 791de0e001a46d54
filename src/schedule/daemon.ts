/**
 * The daemon: a poll cycle at start-up and then on the configured cron
 * schedule, with the feed server running alongside.
 *
 * Rules:
 * - Cycles never overlap: a tick that comes while a cycle runs is skipped and logged.
 * - A failing cycle (e.g. the store is unwritable) is logged and the daemon
 *   keeps its schedule; per-source failures are part of a normal cycle.
 * - stop() ends scheduling, waits for the running cycle, closes server and store.
 * - After a cycle: metrics recorded, health clock advanced, and (with a hub
 *   configured) the hub notified about changed feeds in the background.
 */
import type { Server } from 'node:http';
import cron from 'node-cron';
import type { LoadedConfig } from '../config/index.js';
import type { Logger } from '../model/logger.js';
import { Metrics } from '../metrics/index.js';
import { close, createFeedServer, healthReport, listen, type CycleClock } from '../serve/index.js';
import { Store } from '../store/index.js';
import { changedFeedUrls, WebSubPublisher } from '../websub/index.js';
import { feedSite, runCycle, type CycleSummary } from './cycle.js';
import { isUnhealthy, sourceHealths } from './health.js';
import { freshSeconds, longestGapMs } from './interval.js';

export interface Daemon {
  url: string;
  metrics: Metrics;
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

export interface DaemonOptions {
  /** WebSub retry timing (tests shorten it). */
  websub?: { attempts?: number; retryDelayMs?: number };
}

export async function startDaemon(config: LoadedConfig, log: Logger, opts: DaemonOptions = {}): Promise<Daemon> {
  const store = new Store(config.store.path);
  const metrics = new Metrics();
  const site = feedSite(config);
  const task = cron.createTask(config.schedule, () => cycle(), { name: 'infrawire-cycle' });
  const clock: CycleClock = { startedAt: new Date(), intervalMs: longestGapMs(task.getNextRuns(12)) };
  const hub = config.publish.hub ? new WebSubPublisher({ hub: config.publish.hub, log, onResult: (r) => metrics.recordWebSub(r), ...opts.websub }) : undefined;
  let running: Promise<void> | undefined;
  const cycle = () => {
    if (running) {
      log.warn('previous cycle still running: this tick is skipped');
      return;
    }
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    running = runCycle(config, store, { onlyDue: true })
      .then((summary) => {
        for (const s of summary.sources) if (!s.ok) log.warn(`source "${s.name}" failed: ${s.error}`);
        for (const s of summary.sources) if (s.notice) log.warn(s.notice);
        log.info(summaryLine(summary));
        metrics.recordCycle(summary, seconds());
        metrics.setFailingSources(sourceHealths(config, store, new Date()).filter(isUnhealthy).length);
        Object.assign(clock, { lastCycleFinishedAt: new Date(), lastCycleOk: true });
        hub?.notify(summary.feeds.flatMap((f) => changedFeedUrls(site.baseUrl, f.changed)));
      })
      .catch((err) => {
        log.error(`cycle failed: ${(err as Error).stack ?? err}`);
        metrics.recordCycleFailure(seconds());
        clock.lastCycleOk = false;
      })
      .finally(() => (running = undefined));
  };
  let server: Server | undefined;
  try {
    server = createFeedServer({
      dir: config.publish.dir,
      feeds: config.feeds,
      sources: config.sources,
      baseUrl: site.baseUrl,
      maxAge: () => freshSeconds(task.getNextRun(), clock.intervalMs, new Date()),
      sourceStates: () => sourceHealths(config, store, new Date()),
      health: () => healthReport(clock, new Date()),
      metrics,
    });
    const url = await listen(server, config.server.host, config.server.port);
    log.info(`serving feeds at ${url}/feeds/ (public URL ${config.publish.baseUrl})`);

    await task.start();
    log.info(`schedule "${config.schedule}": next cycle at ${task.getNextRun()?.toISOString() ?? 'never'}`);
    cycle();

    const srv = server;
    return {
      url,
      metrics,
      idle: async () => {
        await running;
        await hub?.idle();
      },
      stop: async () => {
        await task.destroy();
        await running;
        await hub?.close();
        await close(srv);
        store.close();
      },
    };
  } catch (err) {
    await task.destroy();
    if (server) await close(server);
    store.close();
    throw err;
  }
}
