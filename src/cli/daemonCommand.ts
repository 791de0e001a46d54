/**
 * `infrawire daemon`: the long-running process and its signals.
 *
 * Rules:
 * - Signal handlers are installed before the daemon starts, so a signal that
 *   comes during start-up is never the default "die at once".
 * - SIGINT/SIGTERM: graceful stop (see startDaemon), then exit 0; a second
 *   signal exits at once with 1.
 * - SIGHUP: reload the config (an invalid one is logged and ignored).
 * - The log level follows the config on reload, unless INFRAWIRE_LOG_LEVEL pins it.
 */
import { loadConfig } from '../config/index.js';
import { startDaemon, type Daemon } from '../schedule/index.js';
import { createLogger, resolveLogLevel } from './log.js';

export async function daemonCommand(opts: { config: string }): Promise<void> {
  const config = loadConfig(opts.config);
  const log = createLogger({ level: resolveLogLevel(config.log.level) });
  let stopRequested: NodeJS.Signals | undefined;
  let wake: () => void = () => {};
  const stopSignal = new Promise<void>((resolve) => (wake = resolve));
  const onStop = (signal: NodeJS.Signals) => {
    if (stopRequested) {
      log.warn(`${signal} again: exiting now, the running cycle is abandoned`, { event: 'exit-now', signal });
      process.exit(1);
    }
    stopRequested = signal;
    log.info(`${signal}: stopping (send it again to exit at once)`, { event: 'stopping', signal });
    wake();
  };
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
  let daemon: Daemon | undefined;
  process.on('SIGHUP', () => (daemon ? void daemon.reload('SIGHUP') : log.warn('SIGHUP during start-up: nothing to reload yet', { event: 'config-reload' })));
  daemon = await startDaemon(config, log, { onConfig: (c) => log.setLevel(resolveLogLevel(c.log.level)) });
  log.info(`infrawire daemon running (pid ${process.pid}, store ${config.store.path})`, { event: 'started', pid: process.pid });
  await stopSignal;
  await daemon.stop();
  log.info('stopped', { event: 'stopped' });
}
