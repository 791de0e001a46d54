/**
 * The daemon: a poll cycle at start-up and then on the configured cron
 * schedule, with the feed server running alongside, for months unattended.
 *
 * Rules:
 * - One daemon per store: the store lock is taken before anything else and
 *   released last (a stale lock from a killed process is taken over).
 * - Cycles never overlap: a tick that comes while a cycle runs is skipped and logged.
 * - A failing cycle (e.g. the store is unwritable) is logged and the daemon
 *   keeps its schedule; per-source failures are part of a normal cycle.
 * - Logs say what changed, not what was done: one line per cycle and one per
 *   source whose condition changed (ok, failing, moved, or what the store says).
 * - reload() swaps the config only when the new one is valid, and re-curates
 *   the stored stories with the new rules at once; settings bound
 *   at start (store, server, output dir) keep their values until a restart.
 * - Ticks poll only due sources; after a cycle: metrics recorded, health
 *   clock advanced, and (with a hub configured) the hub notified about
 *   changed feeds in the background.
 * - stop() ends scheduling, lets fetches in flight finish for
 *   `daemon.shutdownTimeoutMs`, publishes what is complete, then closes the
 *   server, the store and the lock.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { Server } from 'node:http';
import { basename, dirname } from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import { ConfigError, loadConfig, type LoadedConfig } from '../config/index.js';
import { Metrics } from '../metrics/index.js';
import { closeSharedParsePools } from '../pool/index.js';
import type { CycleSummary, Logger, SourceCondition, SourceReport } from '../model/index.js';
import { CycleMemory, feedSite, publishFeeds, recurate, runCycle } from '../pipeline/index.js';
import { close, createFeedServer, cycleReach, healthReport, listen, unreachedLine, type CycleClock } from '../serve/index.js';
import { openLockedStore, type LockedStore, type Store } from '../store/index.js';
import { changedFeedUrls, WebSubPublisher } from '../websub/index.js';
import { isUnhealthy, sourceHealths, type SourceHealth } from '../fetch/index.js';
import { freshSeconds, longestGapMs } from './interval.js';

export interface DaemonOptions {
  /** Called with each config accepted by a reload (e.g. to change the log level). */
  onConfig?: (config: LoadedConfig) => void;
  /** Debounce for config file changes; editors write a file in several steps. */
  watchDebounceMs?: number;
  /** WebSub retry timing (tests shorten it). */
  websub?: { attempts?: number; retryDelayMs?: number };
}

export interface Daemon {
  url: string;
  metrics: Metrics;
  /** The config the next cycle uses. */
  config(): LoadedConfig;
  /** Resolves when the cycle currently running (if any) ends. */
  idle(): Promise<void>;
  /** Re-read the config file; true when a new config was accepted (and the stored stories re-curated under it). */
  reload(reason: string): Promise<boolean>;
  /** Graceful shutdown (see the rules above); safe to call twice. */
  stop(): Promise<void>;
}

export function summaryLine(s: CycleSummary): string {
  const failed = s.sources.filter((x) => !x.ok);
  const unread = s.sources.reduce((n, x) => n + (x.itemsFailed ?? 0), 0);
  return `cycle done: ${s.sources.length - failed.length}/${s.sources.length} sources ok, ${s.itemsSeen} items seen, ${s.itemsNew} new, ${s.itemsKept} kept${unread ? `, ${unread} not read (itemsFailed)` : ''}; ${s.feeds
    .map((f) => `${f.name}: ${f.entries} entries${f.error ? ` (NOT WRITTEN: ${f.error})` : f.changed.length ? ' (updated)' : ''}`)
    .join(', ')}`;
}

/** The cycle's log record; items that could not be read are listed by source with the first error (they fail again each poll until fixed). */
export function summaryFields(s: CycleSummary): Record<string, unknown> {
  const itemsFailed = s.sources.filter((x) => x.itemsFailed).map((x) => ({ source: x.name, items: x.itemsFailed, error: x.itemError }));
  return {
    ...(itemsFailed.length ? { itemsFailed } : {}),
    event: 'cycle',
    sourcesOk: s.sources.filter((x) => x.ok).length,
    sourcesFailed: s.sources.filter((x) => !x.ok).map((x) => x.name),
    itemsSeen: s.itemsSeen,
    itemsNew: s.itemsNew,
    itemsKept: s.itemsKept,
    feedsUpdated: s.feeds.filter((f) => f.changed.length).map((f) => f.name),
    ms: Date.parse(s.finishedAt) - Date.parse(s.startedAt),
  };
}

/**
 * A source's condition in one word, from fetch/health.ts (the same words
 * `infrawire status` prints); "not-modified" is a kind of "ok", not a change.
 */
export function sourceCondition(h: SourceHealth): SourceCondition {
  if (h.alert) return 'failing-too-long'; // crossing fetch.failingAlertHours is news once
  switch (h.state) {
    case 'not-modified':
      return 'ok';
    case 'never-checked':
      return 'new';
    default:
      return h.state;
  }
}

export interface SourceChange {
  source: string;
  from: SourceCondition;
  to: SourceCondition;
  error?: string;
  movedTo?: string;
}

/** What changed between the conditions known before a cycle and the health after it. */
export function sourceChanges(before: ReadonlyMap<string, SourceCondition>, after: readonly SourceHealth[], reports: readonly SourceReport[]): SourceChange[] {
  const polled = new Set(reports.map((r) => r.name));
  const changes: SourceChange[] = [];
  for (const h of after) {
    if (!polled.has(h.name)) continue; // not polled this cycle: nothing new to say
    const from = before.get(h.name) ?? 'new';
    const to = sourceCondition(h);
    if (from === to || (from === 'new' && to === 'ok')) continue;
    changes.push({ source: h.name, from, to, error: h.lastError ?? undefined, movedTo: h.movedTo });
  }
  return changes;
}

function logSourceChange(log: Logger, c: SourceChange): void {
  const detail = c.to === 'moved' && c.movedTo ? `: now at ${c.movedTo} (update the config)` : c.to !== 'ok' && c.error ? `: ${c.error}` : '';
  const fields = { event: 'source-state', ...c };
  const message = `source "${c.source}": ${c.from} → ${c.to}${detail}`;
  if (c.to === 'ok') log.info(message, fields);
  else log.warn(message, fields);
}

/** Settings bound when the daemon starts: a reload keeps the running values. */
const RESTART_ONLY: [label: string, pick: (c: LoadedConfig) => unknown][] = [
  ['store.path', (c) => c.store.path],
  ['server.host', (c) => c.server.host],
  ['server.port', (c) => c.server.port],
  ['publish.dir', (c) => c.publish.dir],
  ['publish.hub', (c) => c.publish.hub],
];

function keepRestartOnly(running: LoadedConfig, next: LoadedConfig, log: Logger): LoadedConfig {
  for (const [label, pick] of RESTART_ONLY) {
    if (pick(running) !== pick(next)) log.warn(`config reload: ${label} changes only on restart; keeping ${String(pick(running))}`, { event: 'config-reload', key: label });
  }
  return { ...next, store: running.store, server: running.server, publish: { ...next.publish, dir: running.publish.dir, hub: running.publish.hub } };
}

function sameConfig(a: LoadedConfig, b: LoadedConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export async function startDaemon(initial: LoadedConfig, log: Logger, opts: DaemonOptions = {}): Promise<Daemon> {
  const opened = openLockedStore(initial.store.path);
  if (opened.lock.tookOverFrom !== undefined) {
    log.warn(`took over a stale store lock left by pid ${opened.lock.tookOverFrom} (not running)`, { event: 'lock', lockFile: opened.lock.file });
  }
  const metrics = new Metrics();
  // What the daemon's cycles remember of each other (rendered entries, the last pass and publish): one for its life.
  const memory = new CycleMemory();
  const live: Live = { config: initial, clock: { startedAt: new Date(), intervalMs: 0 } };
  let server: Server | undefined;
  try {
    // Every feed file exists before the server says where it is (empty feeds on a new store), so no advertised URL answers 404.
    for (const f of await publishFeeds(initial, opened.store, memory)) if (f.error) log.warn(`feed "${f.name}" could not be written: ${f.error}`, { event: 'publish-failed', feed: f.name });
    server = createFeedServer({
      dir: initial.publish.dir,
      feeds: initial.feeds,
      sources: initial.sources,
      baseUrl: feedSite(initial).baseUrl,
      maxAge: () => freshSeconds(live.task?.getNextRun() ?? null, live.clock.intervalMs, new Date()),
      sourceStates: async () => sourceHealths(live.config, await opened.store.sources.statesFor(live.config.sources), new Date()),
      health: () => healthReport(live.clock, new Date()),
      metrics,
    });
    const url = await listen(server, initial.server.host, initial.server.port);
    // The status page at / lists the feeds; /feeds/ itself is no page (it answers 404).
    const feedUrls = initial.feeds.map((f) => `${url}/feeds/${f.name}.atom`);
    log.info(`serving the status page at ${url}/ and the feeds at ${feedUrls.join(', ')} (public URL ${initial.publish.baseUrl})`, { event: 'listen', url, feeds: feedUrls, publicUrl: initial.publish.baseUrl });
    const conditions = await sourceConditions(initial, opened.store);
    return runningDaemon(live, log, opts, { ...opened, server, url, metrics, memory, conditions });
  } catch (err) {
    if (server) await close(server);
    await opened.close();
    throw err;
  }
}

/** What the server's pages read while the daemon runs: the current config, task and cycle clock. */
interface Live {
  config: LoadedConfig;
  task?: ScheduledTask;
  clock: CycleClock;
}

interface Resources extends LockedStore {
  server: Server;
  url: string;
  metrics: Metrics;
  memory: CycleMemory;
  /** Each source's condition when the daemon started (those checked before). */
  conditions: Map<string, SourceCondition>;
}

async function sourceConditions(config: LoadedConfig, store: Store): Promise<Map<string, SourceCondition>> {
  const health = sourceHealths(config, await store.sources.statesFor(config.sources), new Date());
  return new Map(health.filter((h) => h.state !== 'never-checked').map((h) => [h.name, sourceCondition(h)]));
}

function runningDaemon(live: Live, log: Logger, opts: DaemonOptions, res: Resources): Daemon {
  const { store, metrics, memory, conditions } = res;
  const initial = live.config;
  let config = initial;
  const site = feedSite(initial);
  const hub = initial.publish.hub ? new WebSubPublisher({ hub: initial.publish.hub, log, onResult: (r) => metrics.recordWebSub(r), ...opts.websub }) : undefined;
  let running: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;
  const shutdown = new AbortController();

  const cycle = () => {
    if (shutdown.signal.aborted) return;
    if (running) {
      log.warn('previous cycle still running: this tick is skipped', { event: 'tick-skipped' });
      return;
    }
    const cfg = config;
    const onSource = (r: SourceReport) => log.debug?.(`source "${r.name}" polled: ${r.ok ? `${r.itemsSeen} items, ${r.itemsNew} new` : r.error}`, { event: 'source-polled', source: r.name, ok: r.ok });
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    running = runCycle(cfg, store, { onlyDue: true, signal: shutdown.signal, drainMs: cfg.daemon.shutdownTimeoutMs, onSource, memory })
      .then(async (summary) => {
        const health = sourceHealths(cfg, await store.sources.statesFor(cfg.sources), new Date());
        const notices = new Map(summary.sources.map((s) => [s.name, s.notice]));
        for (const change of sourceChanges(conditions, health, summary.sources)) {
          conditions.set(change.source, change.to);
          logSourceChange(log, change);
          // What to do about it (fix the URL, remove a gone source), said once with the change.
          const notice = notices.get(change.source);
          if (notice) log.warn(notice, { event: 'source-notice', source: change.source });
        }
        log.info(summaryLine(summary), summaryFields(summary));
        const reach = cycleReach(summary.sources.filter((r) => !r.notPolled));
        if (reach && reach.answered === 0 && !live.clock.lastCycleFinishedAt) log.warn(unreachedLine(reach, 'on the first cycle'), { event: 'no-source-reached', polled: reach.polled });
        metrics.recordCycle(summary, seconds());
        metrics.setFailingSources(health.filter(isUnhealthy).length);
        Object.assign(live.clock, { lastCycleFinishedAt: new Date(), lastCycleOk: true, ...(reach ? { lastReach: reach } : {}) });
        hub?.notify(summary.feeds.flatMap((f) => changedFeedUrls(site.baseUrl, f.changed)));
      })
      .catch((err) => {
        log.error(`cycle failed: ${(err as Error).stack ?? err}`, { event: 'cycle-failed' });
        metrics.recordCycleFailure(seconds());
        live.clock.lastCycleOk = false;
      })
      .finally(() => (running = undefined));
  };

  const schedule = (cfg: LoadedConfig): ScheduledTask => {
    const task = cron.schedule(cfg.schedule, cycle, { name: 'infrawire-cycle', timezone: cfg.timezone });
    Object.assign(live, { task, clock: { ...live.clock, intervalMs: longestGapMs(task.getNextRuns(12)) } });
    const next = task.getNextRun()?.toISOString() ?? 'never';
    log.info(`schedule "${cfg.schedule}"${cfg.timezone ? ` in ${cfg.timezone}` : ''}: next cycle at ${next}`, { event: 'schedule', schedule: cfg.schedule, timezone: cfg.timezone, next });
    return task;
  };
  let task = schedule(config);

  const reload = async (reason: string): Promise<boolean> => {
    if (shutdown.signal.aborted) return false;
    let next: LoadedConfig;
    try {
      next = keepRestartOnly(config, loadConfig(config.file), log);
    } catch (err) {
      const problems = err instanceof ConfigError ? err.problems : [String((err as Error).message ?? err)];
      log.error(`config reload (${reason}) rejected, keeping the running config: ${problems.join('; ')}`, { event: 'config-rejected', file: config.file, problems });
      return false;
    }
    if (sameConfig(config, next)) {
      log.debug?.(`config reload (${reason}): unchanged`, { event: 'config-unchanged' });
      return false;
    }
    const reschedule = next.schedule !== config.schedule || next.timezone !== config.timezone;
    config = next;
    live.config = next;
    if (reschedule) {
      void task.destroy();
      task = schedule(config);
    }
    opts.onConfig?.(config);
    // New watch rules apply at once to every stored story, not only to the next items fetched.
    try {
      await recurate(config, store, new Date(), memory);
    } catch (err) {
      log.error(`re-curating under the reloaded config failed: ${(err as Error).message}; the next cycle tries again`, { event: 'recurate-failed' });
    }
    log.info(`config reloaded (${reason}): ${config.sources.length} sources, ${config.feeds.length} feeds; the next cycle uses it`, { event: 'config-reloaded', file: config.file });
    return true;
  };

  const watcher = initial.daemon.watchConfig ? watchFile(initial.file, opts.watchDebounceMs ?? 250, () => void reload('config file changed'), log) : undefined;

  cycle();

  const stop = async () => {
    shutdown.abort();
    watcher?.close();
    await task.destroy();
    if (running) {
      log.info(`waiting for the running cycle: fetches in flight get up to ${config.daemon.shutdownTimeoutMs} ms, then what is complete is published`, { event: 'draining' });
      await running;
    }
    await hub?.close();
    await close(res.server);
    await res.close();
    await closeSharedParsePools();
  };

  return {
    url: res.url,
    metrics,
    config: () => config,
    idle: async () => {
      await running;
      await hub?.idle();
    },
    reload,
    stop: () => (stopped ??= stop()),
  };
}

/** Watch one file through its folder, so editors that replace the file (rename over it) are seen too. */
function watchFile(file: string, debounceMs: number, onChange: () => void, log: Logger): FSWatcher | undefined {
  const name = basename(file);
  let timer: NodeJS.Timeout | undefined;
  try {
    const watcher = watch(dirname(file), (_event, changed) => {
      if (changed !== null && changed !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
    watcher.on('error', (err) => log.warn(`watching ${file} stopped: ${err.message}; SIGHUP still reloads`, { event: 'watch-failed' }));
    watcher.on('close', () => clearTimeout(timer));
    return watcher;
  } catch (err) {
    log.warn(`cannot watch ${file} (${(err as Error).message}); SIGHUP still reloads`, { event: 'watch-failed' });
    return undefined;
  }
}
