/**
 * Per-source behaviour across cycles, against the misbehaving publisher and a
 * real SQLite file: conditional GET, body-hash shortcut, moves, gone, backoff,
 * due times, politeness, state across restarts, and `infrawire status`.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/cli/report.js';
import { runStatus } from '../../src/cli/status.js';
import type { LoadedConfig } from '../../src/config/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import type { CycleSummary } from '../../src/model/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { tempDir, testConfig } from '../helpers/env.js';
import { startPublisher, type Publisher } from '../helpers/publisher.js';

const T0 = new Date('2026-11-27T12:00:00Z');
const HOUR = 3_600_000;
const FETCH = { timeoutMs: 3000, connectTimeoutMs: 1500, jitter: 0, minIntervalMinutes: 15, backoffMaxMinutes: 360, failingAlertHours: 24 };

describe('polling sources across cycles', () => {
  let pub: Publisher;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    pub = await startPublisher();
  });
  afterAll(async () => {
    await pub?.stop();
  });
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  function config(sources: [string, string][], fetch: Record<string, unknown> = {}): LoadedConfig {
    return testConfig(tmp.dir, pub.url, sources, { fetch: { ...FETCH, ...fetch } });
  }

  /** One cycle with its own Store, opened and closed like a separate run. */
  async function cycle(cfg: LoadedConfig, at: Date, onlyDue = false): Promise<CycleSummary> {
    const store = SqliteStore.open(cfg.store.path);
    try {
      return await runCycle(cfg, store, { now: () => at, onlyDue });
    } finally {
      await store.close();
    }
  }

  async function states(cfg: LoadedConfig) {
    const store = SqliteStore.open(cfg.store.path);
    try {
      return Object.fromEntries((await store.sources.all()).map((s) => [s.name, s]));
    } finally {
      await store.close();
    }
  }

  const byName = (s: CycleSummary) => Object.fromEntries(s.sources.map((x) => [x.name, x]));

  it('stores validators, answers a 304 without parsing, and skips an unchanged body without validators', async () => {
    const cfg = config([['With ETag', '/etag'], ['Only Last-Modified', '/last-modified'], ['No validators', '/plain'], ['Changing', '/changing']]);
    const first = byName(await cycle(cfg, T0));
    expect(first['With ETag']).toMatchObject({ ok: true, format: 'rss2', itemsSeen: 2, itemsNew: 2 });
    expect((await states(cfg))['With ETag']).toMatchObject({ etag: 'W/"rev-1"', lastModified: 'Fri, 27 Nov 2026 10:00:00 GMT', lastOutcome: 'ok', itemsSeen: 2 });

    const second = await cycle(cfg, new Date(T0.getTime() + HOUR));
    const s = byName(second);
    for (const name of ['With ETag', 'Only Last-Modified', 'No validators']) {
      expect(s[name]).toMatchObject({ ok: true, notModified: true, itemsSeen: 2, itemsNew: 0 });
      expect(s[name]!.format).toBeUndefined(); // nothing was parsed
    }
    expect(s['Changing']).toMatchObject({ ok: true, format: 'rss2', itemsNew: 1 });
    expect(s['Changing']!.notModified).toBeUndefined();
    expect(pub.requests.filter((r) => r.path === '/etag').at(-1)!.headers['if-none-match']).toBe('W/"rev-1"');
    const after = (await states(cfg));
    expect(after['With ETag']).toMatchObject({ lastOutcome: 'not-modified', lastStatus: 304, consecutiveFailures: 0, itemsSeen: 2, lastSuccessAt: new Date(T0.getTime() + HOUR).toISOString() });
    expect(after['No validators']).toMatchObject({ lastOutcome: 'not-modified', lastStatus: 200, etag: null });
    expect(formatSummary(second)).toMatch(/With ETag\s+-\s+2\s+0\s+2\s+not modified \(nothing parsed\)/);
  });

  it('follows a 301 to the new URL from then on, keeps the configured URL and tells the operator', async () => {
    const cfg = config([['Moved', '/moved-301']]);
    const first = byName(await cycle(cfg, T0))['Moved']!;
    expect(first).toMatchObject({ ok: true, movedTo: `${pub.url}/etag` });
    expect(first.notice).toMatch(/moved permanently to .*\/etag: update its url in config.json/);
    expect((await states(cfg))['Moved']).toMatchObject({ url: `${pub.url}/etag`, configuredUrl: `${pub.url}/moved-301`, movedAt: T0.toISOString() });
    const before = pub.count('/moved-301');
    const second = await cycle(cfg, new Date(T0.getTime() + HOUR));
    expect(pub.count('/moved-301')).toBe(before); // the stored URL is fetched directly
    expect(byName(second)['Moved']).toMatchObject({ ok: true, notModified: true, movedTo: `${pub.url}/etag` });
    expect(formatSummary(second)).toMatch(/! source "Moved" moved permanently/);
    const status = JSON.parse(await runStatus(cfg, true, new Date(T0.getTime() + HOUR)));
    expect(status.sources[0]).toMatchObject({ name: 'Moved', state: 'moved', configuredUrl: `${pub.url}/moved-301`, url: `${pub.url}/etag` });
  });

  it('marks a 410 source gone, stops polling it and keeps showing it', async () => {
    const cfg = config([['Gone', '/gone'], ['Fine', '/plain']]);
    const first = byName(await cycle(cfg, T0));
    expect(first['Gone']).toMatchObject({ ok: false, gone: true, status: 410 });
    expect(first['Gone']!.notice).toMatch(/is gone \(HTTP 410\) and is no longer polled/);
    const requests = pub.count('/gone');
    const later = new Date(T0.getTime() + 48 * HOUR);
    const tick = byName(await cycle(cfg, later, true));
    const run = byName(await cycle(cfg, later));
    expect(pub.count('/gone')).toBe(requests);
    expect(run['Gone']).toMatchObject({ ok: false, gone: true, error: expect.stringMatching(/^gone since .*not polled/) });
    expect(tick['Gone']).toBeUndefined();
    expect(tick['Fine']).toMatchObject({ ok: true });
    const text = await runStatus(cfg, false, later);
    expect(text).toMatch(/^Gone\s+gone\s+-\s+1\s+never \(gone\)/m);
    // pointing the source at a new URL in config.json starts it afresh
    const fixed = config([['Gone', '/plain']]);
    expect(byName(await cycle(fixed, later))['Gone']).toMatchObject({ ok: true });
    expect((await states(fixed))['Gone']).toMatchObject({ goneAt: null, consecutiveFailures: 0, configuredUrl: `${pub.url}/plain` });
  });

  it('records failures with backoff, honours Retry-After, and flags a long outage', async () => {
    const cfg = config([['Broken', '/error'], ['Limited', '/rate-limited'], ['Busy', '/unavailable'], ['Page', '/not-a-feed'], ['Bad XML', '/invalid-xml'], ['Hangs', '/hang']], { connectTimeoutMs: 300 });
    const nexts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const at = new Date(T0.getTime() + i * 10 * HOUR);
      const s = byName(await cycle(cfg, at));
      nexts.push(s['Broken']!.nextCheckAt!);
      if (i === 0) {
        expect(s['Limited']).toMatchObject({ ok: false, status: 429, nextCheckAt: new Date(at.getTime() + 2 * HOUR).toISOString() });
        expect(Date.parse(s['Busy']!.nextCheckAt!) - at.getTime()).toBeGreaterThanOrEqual(2.9 * HOUR);
        expect(s['Page']!.error).toMatch(/^not a feed/);
        expect(s['Bad XML']!.error).toMatch(/^invalid XML/);
        expect(s['Hangs']!.error).toMatch(/connect\/header timeout/);
      }
    }
    const gaps = nexts.map((n, i) => (Date.parse(n) - (T0.getTime() + i * 10 * HOUR)) / 60_000);
    expect(gaps).toEqual([15, 30, 60, 120]);
    const st = (await states(cfg))['Broken']!;
    expect(st).toMatchObject({ consecutiveFailures: 4, failingSince: T0.toISOString(), lastError: 'HTTP 500 Internal Server Error', lastSuccessAt: null, lastOutcome: 'failed' });
    const status = JSON.parse(await runStatus(cfg, true, new Date(T0.getTime() + 30 * HOUR)));
    const broken = status.sources.find((s: { name: string }) => s.name === 'Broken');
    expect(broken).toMatchObject({ state: 'failing', alert: true, consecutiveFailures: 4 });
    const text = await runStatus(cfg, false, new Date(T0.getTime() + 30 * HOUR));
    expect(text).toMatch(/^Broken\s+FAILING\s/m);
    expect(text).toMatch(/! source "Broken" has been failing since 2026-11-27T12:00:00.000Z \(more than 24 h, 4 failures\): HTTP 500/);
    // not yet past the alert period: failing, but no alert
    const early = JSON.parse(await runStatus(cfg, true, new Date(T0.getTime() + 20 * HOUR))).sources.find((s: { name: string }) => s.name === 'Broken');
    expect(early).toMatchObject({ state: 'failing', alert: false });
  });

  it('a success resets the failure count; the next check follows ttl and max-age', async () => {
    const cfg = config([['Cached', '/cached'], ['Ttl', '/ttl']]);
    const s = byName(await cycle(cfg, T0));
    expect(s['Cached']!.nextCheckAt).toBe(new Date(T0.getTime() + 2 * HOUR).toISOString()); // max-age 7200 beats ttl 45
    expect(s['Ttl']!.nextCheckAt).toBe(new Date(T0.getTime() + 3 * HOUR).toISOString()); // ttl 180 minutes
  });

  it('a tick polls only due sources; an explicit run polls all; the state survives restarts', async () => {
    const cfg = config([['Cached', '/cached'], ['Plain', '/plain']]);
    await cycle(cfg, T0);
    const cachedBefore = pub.count('/cached');
    const plainBefore = pub.count('/plain');
    const tick = await cycle(cfg, new Date(T0.getTime() + 20 * 60_000), true); // 20 min: Plain (15) due, Cached (120) not
    expect(tick.sources.map((x) => x.name)).toEqual(['Plain']);
    expect([pub.count('/cached'), pub.count('/plain')]).toEqual([cachedBefore, plainBefore + 1]);
    const none = await cycle(cfg, new Date(T0.getTime() + 21 * 60_000), true);
    expect(none.sources).toEqual([]);
    const run = await cycle(cfg, new Date(T0.getTime() + 21 * 60_000));
    expect(run.sources.map((x) => x.name)).toEqual(['Cached', 'Plain']);
  });

  it('never sends more than perHostConcurrency requests to one host at once', async () => {
    const sources: [string, string][] = Array.from({ length: 6 }, (_, i) => [`Slow ${i}`, `/slow/${i}`]);
    pub.maxInFlight.delete('/slow');
    await cycle(config(sources, { perHostConcurrency: 2, concurrency: 8 }), T0);
    expect(pub.maxInFlight.get('/slow')).toBe(2);
    pub.maxInFlight.delete('/slow');
    await cycle(config(sources.map(([n, p]) => [`${n}b`, `${p}b`]), { perHostConcurrency: 4, concurrency: 3 }), T0);
    expect(pub.maxInFlight.get('/slow')).toBe(3); // the global limit binds first
  });
});
