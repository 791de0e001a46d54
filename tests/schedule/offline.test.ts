/**
 * A daemon that reaches none of its sources tells the truth: `starting` until
 * its first cycle ends, then `degraded` (HTTP 200: a supervisor must not restart
 * it for the network's sake) on /healthz and in words on the status page, and
 * one log line that says so and suggests `infrawire demo`. The start-up log
 * advertises only URLs that answer. A real `infrawire daemon` process; its
 * sources are one that never answers (until the fetch deadline) and a closed port.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../helpers/http.js';
import { closedPort, tempDir } from '../helpers/env.js';
import { killHard, spawnDaemon, startSourceServer, type DaemonProcess, type LogRecord, type SourceServer } from '../helpers/daemon.js';

describe('a daemon with no reachable source', () => {
  const tmp = tempDir();
  let sources: SourceServer;
  let daemon: DaemonProcess;
  let listenRecord: LogRecord;

  beforeAll(async () => {
    sources = await startSourceServer({ '/hangs.rss': { hold: true } });
    const config = {
      sources: [
        { name: 'Hangs', url: `${sources.url}/hangs.rss` },
        { name: 'Refused', url: `http://127.0.0.1:${await closedPort()}/feed.rss` },
      ],
      watch: { keywords: ['GPU'] },
      feeds: [{ name: 'ai', title: 'AI infrastructure' }],
      server: { host: '127.0.0.1', port: 0 },
      fetch: { timeoutMs: 2500, connectTimeoutMs: 2000 },
    };
    writeFileSync(join(tmp.dir, 'config.json'), JSON.stringify(config));
    daemon = spawnDaemon(join(tmp.dir, 'config.json'));
    listenRecord = await daemon.waitFor((r) => r.event === 'listen', 30_000, 'the listen record');
  });
  afterAll(async () => {
    killHard(daemon);
    await daemon?.exited;
    await sources?.stop();
    tmp.cleanup();
  });

  it('advertises at start-up only URLs that answer, even before the first cycle ends', async () => {
    await sources.requested('/hangs.rss');
    expect(listenRecord.msg).not.toContain('/feeds/ ');
    const urls = listenRecord.msg.match(/http:\/\/127\.0\.0\.1:\d+\/\S*/g)!.map((u) => u.replace(/[,)]$/, ''));
    expect(urls).toEqual([`${listenRecord.url}/`, `${listenRecord.url}/feeds/ai.atom`]);
    for (const url of urls) {
      const { origin, pathname } = new URL(url);
      expect((await get(origin, pathname)).status, url).toBe(200);
    }
  });

  it('is starting (200) while the first cycle runs', async () => {
    await sources.requested('/hangs.rss');
    const res = await get(String(listenRecord.url), '/healthz');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toMatchObject({ status: 'starting', lastCycleFinishedAt: null });
    expect((await get(String(listenRecord.url), '/')).body.toString()).toContain('Daemon: <strong>starting</strong>: the first cycle has not finished yet.');
  });

  it('says in one log line that no source was reached, and suggests the demo', async () => {
    const warn = await daemon.waitFor((r) => r.event === 'no-source-reached', 30_000, 'the no-source-reached warning');
    expect(warn.level).toBe('warn');
    expect(warn.msg).toMatch(/^none of the 2 sources could be reached on the first cycle \(first: .+\): is this machine offline\? `infrawire demo` runs infrawire on built-in sample feeds without a network$/);
    expect(daemon.records.filter((r) => r.event === 'no-source-reached')).toHaveLength(1);
  });

  it('is degraded, still 200, on /healthz and in words on the status page', async () => {
    const res = await get(String(listenRecord.url), '/healthz');
    expect(res.status).toBe(200);
    const health = JSON.parse(res.body.toString());
    expect(health).toMatchObject({ status: 'degraded', sourcesPolled: 2, sourcesReached: 0, lastCycleOk: true });
    expect(health.reason).toContain('the last cycle reached none of the 2 sources it polled');
    const page = (await get(String(listenRecord.url), '/')).body.toString();
    expect(page).toContain('Daemon: <strong>degraded</strong>: the last cycle reached none of the 2 sources it polled');
    expect(page).toContain('0 of 2 sources healthy');
  });

});
