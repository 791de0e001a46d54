/**
 * `infrawire daemon`: the long-running process and its signals.
 *
 * Rules:
 * - SIGINT/SIGTERM: graceful stop (see startDaemon), then exit 0; a second
 *   signal exits at once with 1.
 * - SIGHUP: reload the config (an invalid one is logged and ignored).
 * - The log level follows the config on reload, unless INFRAWIRE_LOG_LEVEL pins it.
 */
import { loadConfig } from '../config/index.js';
import { startDaemon } from '../schedule/index.js';
import { createLogger, resolveLogLevel } from './log.js';

export async function daemonCommand(opts: { config: string }): Promise<void> {
  const config = loadConfig(opts.config);
  const log = createLogger({ level: resolveLogLevel(config.log.level) });
  const daemon = await startDaemon(config, log, { onConfig: (c) => log.setLevel(resolveLogLevel(c.log.level)) });
  log.info(`infrawire daemon running (pid ${process.pid}, store ${config.store.path})`, { event: 'started', pid: process.pid });
  await new Promise<void>((resolve, reject) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn(`${signal} again: exiting now, the running cycle is abandoned`, { event: 'exit-now', signal });
        process.exit(1);
      }
      stopping = true;
      log.info(`${signal}: stopping (send it again to exit at once)`, { event: 'stopping', signal });
      daemon.stop().then(() => {
        log.info('stopped', { event: 'stopped' });
        resolve();
      }, reject);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('SIGHUP', () => void daemon.reload('SIGHUP'));
  });
}
