/**
 * The daemon's cycles poll only due sources (the cycle at start-up included),
 * and its log names sources that need the operator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/index.js';
import type { Logger } from '../../src/model/logger.js';
import { runCycle } from '../../src/pipeline/index.js';
import { startDaemon } from '../../src/schedule/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { tempDir, testConfig } from '../helpers/env.js';
import { startPublisher, type Publisher } from '../helpers/publisher.js';

function recordingLogger(): { lines: string[]; log: Logger } {
  const lines: string[] = [];
  return { lines, log: { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) } };
}

/** Start the daemon, wait for its start-up cycle, stop it. */
async function oneDaemonStart(config: LoadedConfig, log: Logger): Promise<void> {
  const daemon = await startDaemon(config, log);
  try {
    await daemon.idle();
  } finally {
    await daemon.stop();
  }
}

describe('daemon ticks', () => {
  let pub: Publisher;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    pub = await startPublisher();
    tmp = tempDir();
  });
  afterAll(async () => {
    await pub?.stop();
    tmp?.cleanup();
  });

  it('skip sources that are not due, at start-up too', async () => {
    const config = testConfig(tmp.dir, pub.url, [['Cached', '/cached'], ['Moved', '/moved-308?to=/ttl']], {
      server: { host: '127.0.0.1', port: 0 },
      schedule: '0 0 1 1 *', // no tick during the test: only the start-up cycle runs
      fetch: { jitter: 0 },
    });
    const store = SqliteStore.open(config.store.path);
    try {
      await runCycle(config, store); // both polled now; next checks 2 h (max-age) and 3 h (ttl) away
    } finally {
      await store.close();
    }
    const polled = pub.requests.length;
    const { lines, log } = recordingLogger();
    await oneDaemonStart(config, log);
    expect(pub.requests.length).toBe(polled);
    expect(lines.some((l) => l.startsWith('info cycle done: 0/0 sources ok'))).toBe(true);
  });

  it('log the notice of a polled source that moved', async () => {
    const config = testConfig(tmp.dir, pub.url, [['Moved again', '/moved-308?to=/plain']], {
      server: { host: '127.0.0.1', port: 0 },
      schedule: '0 0 1 1 *',
      store: { path: 'other.db' },
    });
    const { lines, log } = recordingLogger();
    await oneDaemonStart(config, log);
    expect(lines).toContain(`warn source "Moved again" moved permanently to ${pub.url}/plain: update its url in config.json (was ${pub.url}/moved-308?to=/plain)`);
  });
});
