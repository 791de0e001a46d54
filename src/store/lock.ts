/**
 * One writer per store: a lock file next to the SQLite file (`STORE.lock`)
 * holding the owner's pid.
 *
 * Rules:
 * - Created by hard-linking a file that already holds our pid (link fails when
 *   the lock exists), so of two processes starting together one wins, and a
 *   lock is never seen empty.
 * - A lock whose pid is no longer running (the owner was killed, the machine
 *   rebooted, a container restarted and got the same pid as before) is stale
 *   and taken over, so a crash never blocks the next start.
 * - Released only by its owner, and only while the file still names that owner.
 */
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SqliteStore } from './sqlite/database.js';

export class StoreLockedError extends Error {
  override name = 'StoreLockedError';
  constructor(
    readonly lockFile: string,
    readonly pid: number,
  ) {
    super(`the store is in use by another infrawire process (pid ${pid}); lock file ${lockFile}`);
  }
}

export interface StoreLock {
  file: string;
  /** The pid of a dead owner whose lock was taken over, if any. */
  tookOverFrom?: number;
  release(): void;
}

export function lockFileFor(storePath: string): string {
  return `${storePath}.lock`;
}

/** True when a process with this pid exists (and is not this process, which holds no lock yet). */
export function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined; // vanished between our attempts
  }
}

/**
 * Create the lock file with our pid already in it: the pid is written to a
 * private file first and hard-linked into place (link fails if the lock exists),
 * so no other process can ever see an empty lock and take it for a stale one.
 */
function tryCreate(file: string): boolean {
  const mine = `${file}.${process.pid}.new`;
  writeFileSync(mine, `${process.pid}\n`, { mode: 0o644 });
  try {
    linkSync(mine, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(mine, { force: true });
  }
}

/** Take the lock of the store at `storePath`, or throw StoreLockedError naming the owner. */
export function acquireStoreLock(storePath: string): StoreLock {
  const file = lockFileFor(storePath);
  mkdirSync(dirname(file), { recursive: true });
  let tookOverFrom: number | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file)) {
      let released = false;
      return {
        file,
        tookOverFrom,
        release() {
          if (released) return;
          released = true;
          if (readPid(file) === process.pid) rmSync(file, { force: true });
        },
      };
    }
    const owner = readPid(file);
    if (owner !== undefined && isRunning(owner)) throw new StoreLockedError(file, owner);
    // Stale (or empty, from a crash between create and write): move it aside, then race
    // on O_EXCL again. If what we moved turns out to be a live process's fresh lock (it
    // took over between our read and our rename), put it back and yield to that process.
    const aside = `${file}.stale-${process.pid}`;
    try {
      renameSync(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      continue;
    }
    const moved = readPid(aside);
    if (moved !== undefined && moved !== owner && isRunning(moved)) {
      try {
        linkSync(aside, file);
      } finally {
        rmSync(aside, { force: true });
      }
      throw new StoreLockedError(file, moved);
    }
    rmSync(aside, { force: true });
    tookOverFrom = owner;
  }
  throw new Error(`could not take the store lock ${file}: it keeps changing hands`);
}

/** A store opened under its lock: what run and the daemon write through. */
export interface LockedStore {
  store: SqliteStore;
  lock: StoreLock;
  /** Close the store, then release the lock. */
  close(): Promise<void>;
}

/** Take the lock, then open the store; an unusable store is an error naming its path, and leaves no lock behind. */
export function openLockedStore(storePath: string): LockedStore {
  const lock = acquireStoreLock(storePath);
  let store: SqliteStore;
  try {
    store = SqliteStore.open(storePath);
  } catch (err) {
    lock.release();
    throw new Error(`cannot open the store ${storePath}: ${(err as Error).message}`, { cause: err });
  }
  return {
    store,
    lock,
    async close() {
      try {
        await store.close();
      } finally {
        lock.release();
      }
    },
  };
}
