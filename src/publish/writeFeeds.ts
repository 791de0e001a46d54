/**
 * Writing published feeds to the output directory.
 *
 * Rules:
 * - Atomic: write a temp file in the same directory, fsync, rename, so a
 *   reader or the server never sees half a file.
 * - Only when the bytes changed: an unchanged feed keeps its bytes and mtime.
 * - A failed write leaves no temp file and the previous file untouched, and
 *   its error names the file.
 * - File names come from config (feed names are slugs), never from a source.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Write `data` to `path` through a temp file renamed into place. On any
 * failure (disk full, read-only directory, file size limit) the temp file is
 * removed, `path` keeps its previous bytes, and the error names `path`.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  let created = false;
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    created = true;
    try {
      // writeFileSync loops until every byte is written; a short write never passes for a whole file.
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    if (created) rmSync(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot write ${path}${code ? ` (${code})` : ''}: ${(err as Error).message}; the previous file is unchanged`, { cause: err });
  }
}

function sameContent(path: string, data: string | Uint8Array): boolean {
  try {
    return typeof data === 'string' ? readFileSync(path, 'utf8') === data : readFileSync(path).equals(data);
  } catch {
    return false;
  }
}

/** Write `files` (name → content, text or UTF-8 bytes) into `dir`; returns the paths that changed. */
export function writeChangedFiles(dir: string, files: Record<string, string | Uint8Array>): string[] {
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
