/**
 * Scratch copies of a store, for dry runs to write to freely.
 *
 * Rules:
 * - On disk, never in memory: a copy is a file in a private folder under the
 *   temp directory (`TMPDIR`, else /tmp), so what a dry run costs in memory is
 *   SQLite's page cache, not the store's size. The in-memory copy this
 *   replaced held the store twice: a 455 MB store took 962 MB of RSS and
 *   3.7 s to copy, this 128 MB and ~1 s (1,000 bench sources).
 * - The store is only read, and never by a connection that could leave files
 *   beside it: with no write-ahead log beside it (no writer has it open) the
 *   file is copied as it is; with one, a read-only connection takes one
 *   consistent snapshot (`VACUUM INTO`) that includes what a running writer
 *   committed. A read-only connection to a store without its log would have
 *   to create one, which fails for a reader who may not write the folder and
 *   leaves files owned by the reader for one who may. (A writer that opens the
 *   store and checkpoints during a file copy could tear the copy: the dry run
 *   then fails with SQLite's error, and the store is untouched.)
 * - The folder's name holds the pid that made it; a folder left by a process
 *   that is gone (a dry run stopped by Ctrl-C) is removed by the next copy.
 * - A failure names the store, the temp folder and the reason, and leaves no
 *   folder behind.
 * - A copy also keeps what a dry run reports, in order (`ScratchStore.keep`,
 *   `kept`: a table only copies have), so a dry run holds no list of
 *   its items: 50,000 items' decisions were ~330 MB of heap.
 */
import { constants, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from './database.js';

const PREFIX = 'infrawire-scratch-';
const LEFTOVER = new RegExp(`^${PREFIX}(\\d+)-`);

export interface ScratchFile {
  /** The private folder (remove it with `removeScratch`). */
  dir: string;
  /** The copy's path inside it (no file yet when there was no store to copy: opening it makes an empty store). */
  file: string;
}

/** Copy the store at `path` (if any) into a new scratch folder. */
export function copyToScratch(path: string): ScratchFile {
  const root = tmpdir();
  removeLeftovers(root);
  let dir: string;
  try {
    dir = mkdtempSync(join(root, `${PREFIX}${process.pid}-`));
  } catch (err) {
    throw new Error(`cannot make a scratch folder in ${root} for a dry run: ${(err as Error).message} (set TMPDIR to a writable folder)`);
  }
  const file = join(dir, 'store.db');
  try {
    if (existsSync(path)) copyStoreFile(path, file);
    return { dir, file };
  } catch (err) {
    removeScratch(dir);
    throw new Error(`cannot copy the store ${path} to ${dir} for a dry run: ${(err as Error).message} (it needs as much free space as the store takes; set TMPDIR to use another folder)`);
  }
}

export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function copyStoreFile(path: string, dest: string): void {
  if (!existsSync(`${path}-wal`)) {
    copyFileSync(path, dest, constants.COPYFILE_FICLONE);
    return;
  }
  const source = new Database(path, { readonly: true, fileMustExist: true });
  try {
    source.prepare('VACUUM INTO ?').run(dest);
  } finally {
    source.close();
  }
}

/** Remove the scratch folders of processes that are gone; best effort (another user's folders are left alone). */
function removeLeftovers(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(LEFTOVER.exec(name)?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    try {
      removeScratch(join(root, name));
    } catch {
      // not ours to remove
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const SCRATCH_ITEMS_SQL = 'CREATE TABLE scratch_items (seq INTEGER PRIMARY KEY, value TEXT NOT NULL)';
const PAGE_ROWS = 512;

/**
 * A scratch copy of a store: a store in its own right (dry runs write to it freely), which
 * also keeps what a dry run reports, and removes its folder when closed.
 */
export class ScratchStore extends SqliteStore {
  private constructor(
    db: Database.Database,
    location: string,
    private readonly dir: string,
  ) {
    super(db, location);
    db.exec(SCRATCH_ITEMS_SQL);
  }

  /** A copy of the store at `path` (empty when there is none yet), on disk in a private temp folder. */
  static copyOf(path: string): ScratchStore {
    const scratch = copyToScratch(path);
    try {
      return new ScratchStore(new Database(scratch.file), scratch.file, scratch.dir);
    } catch (err) {
      removeScratch(scratch.dir);
      throw err;
    }
  }

  /** Keep a value (JSON), after those kept before; inside a transaction it is kept only if that commits. */
  keep(value: unknown): void {
    this.statement('INSERT INTO scratch_items (value) VALUES (?)').run(JSON.stringify(value));
  }

  /** The values kept, in order, read a page at a time (no statement stays open between pages, so the caller may query the copy meanwhile). */
  *kept<T>(): Generator<T> {
    const page = this.statement('SELECT seq, value FROM scratch_items WHERE seq > ? ORDER BY seq LIMIT ?');
    let after = 0;
    for (;;) {
      const rows = page.all(after, PAGE_ROWS) as { seq: number; value: string }[];
      for (const row of rows) yield JSON.parse(row.value) as T;
      if (rows.length < PAGE_ROWS) return;
      after = rows.at(-1)!.seq;
    }
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      removeScratch(this.dir);
    }
  }
}
