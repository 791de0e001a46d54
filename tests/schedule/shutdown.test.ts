/**
 * Graceful shutdown of a real daemon process: SIGTERM while a slow source is
 * in flight lets it finish (and publishes it), skips sources not started,
 * gives up after daemon.shutdownTimeoutMs, and a second signal exits at once.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawTestConfig, tempDir } from '../helpers/env.js';
import { killHard, spawnDaemon, startSourceServer, type DaemonProcess, type SourceServer } from '../helpers/daemon.js';

describe('daemon shutdown', () => {
  let tmp: ReturnType<typeof tempDir>;
  let sources: SourceServer;
  let daemon: DaemonProcess | undefined;

  beforeEach(async () => {
    tmp = tempDir();
    sources = await startSourceServer({
      '/dcwire.rss': { fixture: 'dcwire.rss' },
      '/slow.atom': { fixture: 'gpucloud.atom', delayMs: 1500 },
      '/later.rss': { fixture: 'chipletter.rdf' },
      '/hang': { hold: true },
    });
  });
  afterEach(async () => {
    killHard(daemon);
    await sources.stop();
    tmp.cleanup();
  });

  function writeConfig(list: [string, string][], extra: Record<string, unknown>): string {
    const file = join(tmp.dir, 'config.json');
    writeFileSync(file, JSON.stringify(rawTestConfig(sources.url, list, { server: { port: 0 }, ...extra })));
    return file;
  }

  const atom = () => join(tmp.dir, 'feeds/ai-infrastructure.atom');

  it('SIGTERM waits for the fetch in flight, publishes it, skips sources not started, exits 0', async () => {
    const file = writeConfig(
      [
        ['Slow', '/slow.atom'],
        ['Fast', '/dcwire.rss'],
        ['Later', '/later.rss'],
      ],
      { fetch: { concurrency: 1, timeoutMs: 20_000 } },
    );
    daemon = spawnDaemon(file);
    await sources.requested('/slow.atom');
    daemon.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    const events = daemon.records.map((r) => r.event);
    expect(events).toContain('stopping');
    expect(events).toContain('draining');
    expect(events.at(-1)).toBe('stopped');
    const cycle = daemon.records.find((r) => r.event === 'cycle')!;
    expect(cycle).toMatchObject({ sourcesOk: 1, sourcesFailed: ['Fast', 'Later'] });
    expect(sources.hits.get('/dcwire.rss')).toBeUndefined();
    expect(sources.hits.get('/later.rss')).toBeUndefined();
    expect(readFileSync(atom(), 'utf8')).toContain('Orbital Compute switches on 100,000 H100s');
    expect(existsSync(join(tmp.dir, 'store.db.lock'))).toBe(false);
  });

  it('gives up on a fetch that outlasts daemon.shutdownTimeoutMs and publishes what is complete', async () => {
    const file = writeConfig(
      [
        ['Fast', '/dcwire.rss'],
        ['Hang', '/hang'],
      ],
      { fetch: { concurrency: 2, timeoutMs: 120_000 }, daemon: { shutdownTimeoutMs: 300 } },
    );
    daemon = spawnDaemon(file, { INFRAWIRE_LOG_LEVEL: 'debug' });
    await daemon.waitFor((r) => r.event === 'source-polled' && r.source === 'Fast', 20_000, 'Fast polled');
    await sources.requested('/hang');
    daemon.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    const cycle = daemon.records.find((r) => r.event === 'cycle')!;
    expect(cycle).toMatchObject({ sourcesOk: 1, sourcesFailed: ['Hang'] });
    expect(readFileSync(atom(), 'utf8')).toContain('Nscale raises $1.9 billion');
  });

  it('a second signal exits at once with code 1', async () => {
    const file = writeConfig([['Hang', '/hang']], { fetch: { timeoutMs: 120_000 }, daemon: { shutdownTimeoutMs: 120_000 } });
    daemon = spawnDaemon(file);
    await sources.requested('/hang');
    daemon.kill('SIGINT');
    await daemon.waitFor((r) => r.event === 'draining', 10_000, 'draining');
    daemon.kill('SIGTERM');
    expect(await daemon.exited).toBe(1);
    expect(daemon.records.at(-1)).toMatchObject({ level: 'warn', event: 'exit-now', signal: 'SIGTERM' });
    expect(daemon.records.some((r) => r.event === 'cycle')).toBe(false);
  });
});
