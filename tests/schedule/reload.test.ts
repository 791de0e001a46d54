/**
 * (Config files are written atomically here, as editors and deploy tools do;
 * a half-written file would be rejected and the next write picked up.)
 *
 * Config reload in a real daemon process: a change to the config file or
 * SIGHUP swaps the config for the next cycle; an invalid config is rejected
 * with its problems logged and the old config keeps running.
 */
import { writeFileAtomic } from '../../src/publish/writeFeeds.js';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE_SOURCES, rawTestConfig, startFixtureServer, tempDir } from '../helpers/env.js';
import { killHard, spawnDaemon, type DaemonProcess, type LogRecord } from '../helpers/daemon.js';

describe('daemon config reload', () => {
  let tmp: ReturnType<typeof tempDir>;
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let daemon: DaemonProcess | undefined;
  beforeEach(async () => {
    tmp = tempDir();
    fixtures = await startFixtureServer();
  });
  afterEach(async () => {
    killHard(daemon);
    await fixtures.stop();
    tmp.cleanup();
  });

  const file = () => join(tmp.dir, 'config.json');
  const write = (sources: [string, string][], extra: Record<string, unknown> = {}) =>
    writeFileAtomic(file(), JSON.stringify(rawTestConfig(fixtures.url, sources, { schedule: '*/2 * * * * *', server: { port: 0 }, fetch: { timeoutMs: 5000, minIntervalMinutes: 0, jitter: 0 }, ...extra })));
  /** The first record matching after `after` (a record already seen). */
  const next = (d: DaemonProcess, after: LogRecord | undefined, match: (r: LogRecord) => boolean, what: string) =>
    d.waitFor((r) => match(r) && d.records.indexOf(r) > (after ? d.records.indexOf(after) : -1), 20_000, what);

  it('a changed config file is reloaded; an invalid one is rejected and the old config keeps running', async () => {
    write(FIXTURE_SOURCES.slice(0, 2));
    daemon = spawnDaemon(file());
    const first = await next(daemon, undefined, (r) => r.event === 'cycle', 'first cycle');
    expect(first).toMatchObject({ sourcesOk: 2 });

    write(FIXTURE_SOURCES.slice(0, 3));
    const reloaded = await next(daemon, first, (r) => r.event === 'config-reloaded', 'reload');
    expect(reloaded.msg).toMatch(/^config reloaded \(config file changed\): 3 sources, 1 feeds/);
    // A cycle that began before the reload may still end with 2 sources; one with 3 must follow.
    const after = await next(daemon, reloaded, (r) => r.event === 'cycle' && r.sourcesOk === 3, 'a cycle with 3 sources');

    const bad = rawTestConfig(fixtures.url, FIXTURE_SOURCES.slice(0, 1)) as { sources: { url: string }[] };
    bad.sources[0]!.url = 'ftp://example.org/feed';
    writeFileAtomic(file(), JSON.stringify({ ...bad, schedule: '*/2 * * * * *', feeds: [] }));
    const rejected = await next(daemon, after, (r) => r.event === 'config-rejected', 'rejection');
    expect(rejected.level).toBe('error');
    expect(rejected.problems).toEqual(expect.arrayContaining(['sources[0].url: must be an http(s) URL', 'feeds: must list at least one feed']));
    expect(rejected.msg).toContain('keeping the running config');
    const still = await next(daemon, rejected, (r) => r.event === 'cycle', 'cycle after rejection');
    expect(still).toMatchObject({ sourcesOk: 3 });

    writeFileAtomic(file(), '{ not json');
    const notJson = await next(daemon, still, (r) => r.event === 'config-rejected', 'rejection of broken JSON');
    expect(String((notJson.problems as string[])[0])).toMatch(/^\(file\): not valid JSON/);

    daemon.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  });

  it('SIGHUP reloads (file watching off); a new schedule and log level are applied, restart-only keys are kept and named', async () => {
    write(FIXTURE_SOURCES.slice(0, 1), { daemon: { watchConfig: false } });
    daemon = spawnDaemon(file());
    const first = await next(daemon, undefined, (r) => r.event === 'cycle', 'first cycle');
    expect(first).toMatchObject({ sourcesOk: 1 });

    write(FIXTURE_SOURCES.slice(0, 2), { daemon: { watchConfig: false }, schedule: '*/3 * * * * *', server: { port: 1 }, store: { path: 'other.db' }, log: { level: 'debug' } });
    daemon.kill('SIGHUP');
    const reloaded = await next(daemon, first, (r) => r.event === 'config-reloaded', 'reload');
    expect(reloaded.msg).toMatch(/^config reloaded \(SIGHUP\): 2 sources/);
    const warnings = daemon.records.filter((r) => r.event === 'config-reload' && r.level === 'warn').map((r) => r.key);
    expect(warnings.sort()).toEqual(['server.port', 'store.path']);
    const schedules = daemon.records.filter((r) => r.event === 'schedule').map((r) => r.schedule);
    expect(schedules).toEqual(['*/2 * * * * *', '*/3 * * * * *']);
    await next(daemon, reloaded, (r) => r.event === 'cycle' && r.sourcesOk === 2, 'a cycle with 2 sources');
    expect(daemon.records.slice(0, daemon.records.indexOf(reloaded)).some((r) => r.level === 'debug')).toBe(false);
    await next(daemon, reloaded, (r) => r.level === 'debug' && r.event === 'source-polled', 'a debug record (log.level reloaded)');

    daemon.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  });
});
