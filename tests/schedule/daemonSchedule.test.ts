/**
 * The daemon's schedule and what it logs, in process: no overlapping cycles
 * (a skipped tick is logged), the timezone option, and one log line per
 * source state change (not per cycle, not per item).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/cli/log.js';
import { ConfigError } from '../../src/config/index.js';
import { startDaemon, type Daemon } from '../../src/schedule/index.js';
import { tempDir, testConfig } from '../helpers/env.js';
import { startSourceServer, type LogRecord, type SourceServer } from '../helpers/daemon.js';

/** A real pino logger whose JSON lines are collected. */
function captureLog() {
  const records: LogRecord[] = [];
  const log = createLogger({ level: 'debug', pretty: false, write: (line) => void records.push(JSON.parse(line) as LogRecord) });
  const waitFor = async (match: (r: LogRecord) => boolean, what: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = records.find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${what} within ${timeoutMs} ms:\n${records.map((r) => JSON.stringify(r)).join('\n')}`);
  };
  return { log, records, waitFor };
}

describe('daemon schedule and logs', () => {
  let tmp: ReturnType<typeof tempDir>;
  let sources: SourceServer;
  let daemon: Daemon | undefined;
  beforeEach(async () => {
    tmp = tempDir();
    sources = await startSourceServer({
      '/ok.rss': { fixture: 'dcwire.rss' },
      '/slow.atom': { fixture: 'gpucloud.atom', delayMs: 2500 },
      '/flaky.rss': { status: 500 },
      '/new-home.rdf': { fixture: 'chipletter.rdf' },
    });
  });
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    await sources.stop();
    tmp.cleanup();
  });

  const config = (list: [string, string][], extra: Record<string, unknown> = {}) =>
    testConfig(tmp.dir, sources.url, list, { server: { port: 0 }, daemon: { watchConfig: false }, fetch: { timeoutMs: 10_000, minIntervalMinutes: 0, jitter: 0 }, ...extra });

  it('a tick that comes while a cycle runs is skipped and logged; cycles never overlap', async () => {
    const { log, records, waitFor } = captureLog();
    daemon = await startDaemon(config([['Slow', '/slow.atom']], { schedule: '* * * * * *' }), log);
    await waitFor((r) => r.event === 'tick-skipped', 'a skipped tick');
    expect(records.some((r) => r.event === 'cycle')).toBe(false); // skipped while the first cycle ran
    expect(records.find((r) => r.event === 'tick-skipped')).toMatchObject({ level: 'warn', msg: 'previous cycle still running: this tick is skipped' });
    await waitFor(() => records.filter((r) => r.event === 'cycle').length >= 2, 'two cycles');
    expect(sources.hits.get('/slow.atom')).toBeGreaterThanOrEqual(2);
    expect(sources.maxOpen()).toBe(1); // never two fetches of the one source at once
  });

  it('reads the schedule in the configured timezone', async () => {
    const { log, records } = captureLog();
    daemon = await startDaemon(config([['Ok', '/ok.rss']], { schedule: '0 3 * * *', timezone: 'Asia/Tokyo' }), log);
    const scheduled = records.find((r) => r.event === 'schedule')!;
    expect(scheduled.msg).toMatch(/^schedule "0 3 \* \* \*" in Asia\/Tokyo: next cycle at /);
    expect(scheduled.next).toMatch(/T18:00:00\.000Z$/); // 03:00 in Tokyo (UTC+9, no DST)
    await daemon.stop();

    const utc = captureLog();
    daemon = await startDaemon(config([['Ok', '/ok.rss']], { schedule: '0 3 * * *', timezone: 'UTC' }), utc.log);
    expect(utc.records.find((r) => r.event === 'schedule')!.next).toMatch(/T03:00:00\.000Z$/);
  });

  it('an unknown timezone is a config error naming the key', () => {
    expect(() => config([['Ok', '/ok.rss']], { timezone: 'Mars/Olympus' })).toThrow(ConfigError);
    try {
      config([['Ok', '/ok.rss']], { timezone: 'Mars/Olympus' });
    } catch (err) {
      expect((err as ConfigError).problems).toEqual(['timezone: must be an IANA time zone name such as "UTC" or "Europe/Berlin"']);
    }
  });

  it('logs one line per source state change: new → failing, failing → ok, ok → moved, moved → failing', async () => {
    const { log, records, waitFor } = captureLog();
    daemon = await startDaemon(
      config(
        [
          ['Steady', '/ok.rss'],
          ['Flaky', '/flaky.rss'],
        ],
        { schedule: '* * * * * *' },
      ),
      log,
    );
    const changes = () => records.filter((r) => r.event === 'source-state');
    const cycles = () => records.filter((r) => r.event === 'cycle').length;
    const change = (to: string) => waitFor((r) => r.event === 'source-state' && r.source === 'Flaky' && r.to === to, `Flaky → ${to}`);

    expect(await change('failing')).toMatchObject({ level: 'warn', from: 'new', msg: 'source "Flaky": new → failing: HTTP 500 Internal Server Error' });
    const failingCycles = cycles();
    await waitFor(() => cycles() >= failingCycles + 2, 'two more failing cycles');
    expect(changes()).toHaveLength(1); // still failing: no new line

    sources.set('/flaky.rss', { fixture: 'powerdesk-faq.rss' });
    expect(await change('ok')).toMatchObject({ level: 'info', from: 'failing', msg: 'source "Flaky": failing → ok' });

    sources.set('/flaky.rss', { movedTo: '/new-home.rdf' });
    expect(await change('moved')).toMatchObject({ level: 'warn', from: 'ok', movedTo: `${sources.url}/new-home.rdf` });
    expect((await change('moved')).msg).toBe(`source "Flaky": ok → moved: now at ${sources.url}/new-home.rdf (update the config)`);
    const movedCycles = cycles();
    await waitFor(() => cycles() >= movedCycles + 2, 'two more moved cycles');

    sources.set('/new-home.rdf', { status: 404 }); // after a permanent move the new URL is polled
    expect(await change('failing')).toBeDefined();
    await waitFor((r) => r.event === 'source-state' && r.from === 'moved' && r.to === 'failing', 'moved → failing');
    expect(changes().map((r) => `${r.source}: ${r.from} → ${r.to}`)).toEqual(['Flaky: new → failing', 'Flaky: failing → ok', 'Flaky: ok → moved', 'Flaky: moved → failing']);
  });
});
