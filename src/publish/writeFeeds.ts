/**
 * Writing published feeds to the output directory.
 *
 * Rules:
 * - Atomic: write a temp file in the same directory, fsync, rename, so a
 *   reader or the server never sees half a file.
 * - Only when the bytes changed: an unchanged feed keeps its bytes and mtime.
 * - File names come from config (feed names are slugs), never from a source.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export function writeFileAtomic(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function sameContent(path: string, data: string): boolean {
  try {
    return readFileSync(path, 'utf8') === data;
  } catch {
    return false;
  }
}

/** Write `files` (name → content) into `dir`; returns the paths that changed. */
export function writeChangedFiles(dir: string, files: Record<string, string>): string[] {
  mkdirSync(dir, { recursive: true });
  const changed: string[] = [];
  for (const [name, data] of Object.entries(files)) {
    const path = join(dir, name);
    if (sameContent(path, data)) continue;
    writeFileAtomic(path, data);
    changed.push(path);
  }
  return changed;
}
