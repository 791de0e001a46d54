/**
 * One daemon per store: the lock module against real pids, and real daemon
 * processes on one store (a second is refused; a SIGKILLed one's lock is stale).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreLockedError, acquireStoreLock, isRunning, lockFileFor } from '../../src/store/index.js';
import { FIXTURE_SOURCES, rawTestConfig, ROOT, startFixtureServer, tempDir } from '../helpers/env.js';
import { BIN } from '../helpers/cli.js';
import { killHard, spawnDaemon, type DaemonProcess } from '../helpers/daemon.js';

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  expect(isRunning(r.pid!)).toBe(false);
  return r.pid!;
}

describe('store lock (module)', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('holds our pid while taken and is gone after release', () => {
    const store = join(tmp.dir, 'sub/store.db');
    const lock = acquireStoreLock(store);
    expect(lock.file).toBe(lockFileFor(store));
    expect(readFileSync(lock.file, 'utf8').trim()).toBe(String(process.pid));
    expect(lock.tookOverFrom).toBeUndefined();
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  it('refuses a store locked by a running process, naming its pid and the lock file', () => {
    const store = join(tmp.dir, 'store.db');
    writeFileSync(lockFileFor(store), `${process.ppid}\n`); // our parent: alive, not us
    expect(() => acquireStoreLock(store)).toThrow(StoreLockedError);
    expect(() => acquireStoreLock(store)).toThrow(`in use by another infrawire process (pid ${process.ppid}); lock file ${lockFileFor(store)}`);
    expect(readFileSync(lockFileFor(store), 'utf8').trim()).toBe(String(process.ppid));
  });

  it('takes over a lock left by a dead process, an empty lock, and one naming our own pid', () => {
    const store = join(tmp.dir, 'store.db');
    const dead = deadPid();
    for (const content of [`${dead}\n`, '', `${process.pid}\n`]) {
      writeFileSync(lockFileFor(store), content);
      const lock = acquireStoreLock(store);
      expect(readFileSync(lock.file, 'utf8').trim()).toBe(String(process.pid));
      if (content === `${dead}\n`) expect(lock.tookOverFrom).toBe(dead);
      lock.release();
    }
  });

  it('of several processes taking over one stale lock at the same moment, exactly one gets it', async () => {
    const store = join(tmp.dir, 'store.db');
    writeFileSync(lockFileFor(store), `${deadPid()}\n`);
    // Each prints its outcome at once; the winner holds the lock until its stdin closes,
    // which happens only after every process has answered.
    const program = `const { acquireStoreLock } = await import(${JSON.stringify(join(ROOT, 'src/store/lock.ts'))});
      try { acquireStoreLock(process.argv[1]); console.log('got it'); process.stdin.resume(); await new Promise((r) => process.stdin.on('end', r)); }
      catch (err) { console.log(err.name); }`;
    const children = Array.from({ length: 4 }, () => spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program, store], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] }));
    try {
      const answers = await Promise.all(
        children.map((c) => new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no answer in 60 s')), 60_000);
          c.stdout.once('data', (d) => (clearTimeout(timer), resolve(String(d).trim())));
        })),
      );
      expect(answers.filter((r) => r === 'got it')).toHaveLength(1);
      expect(answers.filter((r) => r === 'StoreLockedError')).toHaveLength(3);
    } finally {
      for (const c of children) c.stdin.end();
      await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('close', r)))));
    }
  });

  it('release leaves a lock that another process took over alone', () => {
    const store = join(tmp.dir, 'store.db');
    const lock = acquireStoreLock(store);
    writeFileSync(lock.file, `${process.ppid}\n`);
    lock.release();
    expect(readFileSync(lock.file, 'utf8').trim()).toBe(String(process.ppid));
  });
});

describe('one daemon per store (processes)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  const daemons: DaemonProcess[] = [];
  beforeEach(async () => {
    tmp = tempDir();
    fixtures = await startFixtureServer();
  });
  afterEach(async () => {
    daemons.forEach(killHard);
    await fixtures.stop();
    tmp.cleanup();
  });

  it('a second daemon on the same store exits 1 with a clear message; after a SIGKILL the next one starts', async () => {
    const file = join(tmp.dir, 'config.json');
    writeFileSync(file, JSON.stringify(rawTestConfig(fixtures.url, FIXTURE_SOURCES.slice(0, 2), { server: { port: 0 } })));
    const first = spawnDaemon(file);
    daemons.push(first);
    await first.waitFor((r) => r.event === 'started', 20_000, 'first daemon started');

    const second = spawnDaemon(file);
    daemons.push(second);
    expect(await second.exited).toBe(1);
    expect(second.other.join('')).toContain(`infrawire: the store is in use by another infrawire process (pid ${first.child.pid}); lock file ${join(tmp.dir, 'store.db.lock')}`);

    const run = spawn(process.execPath, [BIN, 'run', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let runErr = '';
    run.stderr.on('data', (d) => (runErr += d));
    expect(await new Promise((r) => run.on('close', r))).toBe(1);
    expect(runErr).toContain(`in use by another infrawire process (pid ${first.child.pid})`);

    first.kill('SIGKILL');
    await first.exited;
    expect(readFileSync(join(tmp.dir, 'store.db.lock'), 'utf8').trim()).toBe(String(first.child.pid));

    const third = spawnDaemon(file);
    daemons.push(third);
    const takeover = await third.waitFor((r) => r.event === 'lock', 20_000, 'stale lock taken over');
    expect(takeover.msg).toBe(`took over a stale store lock left by pid ${first.child.pid} (not running)`);
    await third.waitFor((r) => r.event === 'cycle', 20_000, 'a cycle');
    third.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(existsSync(join(tmp.dir, 'store.db.lock'))).toBe(false);
  });
});
