/**
 * The daemon end to end on 127.0.0.1: fixture sources, a WebSub hub stand-in
 * that holds and fails its first request, and the daemon's own server
 * (/healthz, /metrics, status page, feed Cache-Control).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../../src/schedule/index.js';
import { startFixtureServer, tempDir, testConfig } from '../helpers/env.js';
import { get } from '../helpers/http.js';
import { startHub, type HubStandIn } from './hub.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const SELF = ['atom', 'rss', 'json'].map((ext) => `http://127.0.0.1:8080/feeds/ai-infrastructure.${ext}`);

async function until<T>(what: string, probe: () => Promise<T | undefined>, tries = 1200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('daemon with a WebSub hub', () => {
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let hub: HubStandIn;
  let tmp: ReturnType<typeof tempDir>;
  let daemon: Daemon;
  let finishedWhileHubHeld: boolean;

  beforeAll(async () => {
    fixtures = await startFixtureServer();
    hub = await startHub({ failFirst: 1, holdFirst: true });
    tmp = tempDir();
    // Every 2 seconds, so the test sees a second cycle (which changes nothing).
    const config = testConfig(tmp.dir, fixtures.url, undefined, {
      schedule: '*/2 * * * * *',
      server: { host: '127.0.0.1', port: 0 },
      publish: { dir: 'feeds', baseUrl: 'http://127.0.0.1:8080', hub: hub.url },
    });
    daemon = await startDaemon(config, quiet, { websub: { retryDelayMs: 20 } });
    // The cycle must finish while the hub still holds its first request: WebSub never blocks a cycle.
    const health = await until('the first cycle', async () => {
      const h = JSON.parse((await get(daemon.url, '/healthz')).body.toString());
      return h.lastCycleFinishedAt ? h : undefined;
    });
    await until('the first hub request', async () => (hub.requests.length >= 1 ? true : undefined));
    // Nothing was released yet: the first request is still unanswered, so no retry can have been made.
    finishedWhileHubHeld = health.lastCycleOk === true && hub.requests.length <= 3;
    hub.release();
    await until('the hub notifications', async () => (hub.requests.length >= 4 ? true : undefined));
    await daemon.idle();
  });
  afterAll(async () => {
    await daemon?.stop();
    await hub?.stop();
    await fixtures?.stop();
    tmp?.cleanup();
  });

  it('finishes the cycle without waiting for the hub', () => {
    expect(finishedWhileHubHeld).toBe(true);
  });

  it('POSTs hub.mode=publish for every changed feed, retrying the failed request', () => {
    const ok = hub.requests.filter((r) => r.status === 202);
    const failed = hub.requests.filter((r) => r.status === 500);
    expect(failed).toHaveLength(1);
    expect(ok.map((r) => r.form['hub.url']).sort()).toEqual([...SELF].sort());
    for (const r of hub.requests) expect(r).toMatchObject({ method: 'POST', contentType: 'application/x-www-form-urlencoded', form: { 'hub.mode': 'publish' } });
    expect(ok.map((r) => r.form['hub.url'])).toContain(failed[0]!.form['hub.url']);
  });

  it('does not notify the hub after a cycle that changed nothing', async () => {
    const cyclesDone = async () => Number((await daemon.metrics.text()).match(/^infrawire_cycles_total\{result="ok"\} (\d+)/m)?.[1] ?? 0);
    const before = await cyclesDone();
    await until('another cycle', async () => ((await cyclesDone()) > before ? true : undefined));
    await daemon.idle();
    expect(hub.requests).toHaveLength(4);
  });

  it('puts rel="hub" into every published format', () => {
    const dir = join(tmp.dir, 'feeds');
    expect(readFileSync(join(dir, 'ai-infrastructure.atom'), 'utf8')).toContain(`<link rel="hub" href="${hub.url}"/>`);
    expect(readFileSync(join(dir, 'ai-infrastructure.rss'), 'utf8')).toMatch(new RegExp(`<atom:link href="${hub.url}" rel="hub"/>`));
    expect(JSON.parse(readFileSync(join(dir, 'ai-infrastructure.json'), 'utf8')).hubs).toEqual([{ type: 'WebSub', url: hub.url }]);
  });

  it('reports health, metrics and the sources from the store', async () => {
    const health = await get(daemon.url, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toMatchObject({ status: 'ok', lastCycleOk: true, intervalSeconds: 2 });
    const metrics = (await get(daemon.url, '/metrics')).body.toString();
    expect(metrics).toMatch(/^infrawire_fetches_total\{outcome="http_error"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^infrawire_fetches_total\{outcome="parse_error"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^infrawire_failing_sources 2$/m);
    expect(metrics).toMatch(/^infrawire_items_total\{kind="new"\} 17$/m);
    expect(metrics).toMatch(/^infrawire_websub_notifications_total\{result="ok"\} 3$/m);
    expect(metrics).toMatch(/^infrawire_websub_notifications_total\{result="retry"\} 1$/m);
    const page = (await get(daemon.url, '/')).body.toString();
    expect(page.match(/<tr data-source=/g)).toHaveLength(7);
    expect(page).toContain('5 of 7 sources healthy');
    expect(page).toMatch(/<tr data-source="Broken Server"><td data-label="Health" class="health failing">failing<\/td>/);
  });

  it('sends feeds with a Cache-Control max-age of at most one schedule interval', async () => {
    const res = await get(daemon.url, '/feeds/ai-infrastructure.atom');
    const maxAge = Number((res.headers['cache-control'] as string).match(/^public, max-age=(\d+)$/)?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(1);
    expect(maxAge).toBeLessThanOrEqual(2);
  });
});
