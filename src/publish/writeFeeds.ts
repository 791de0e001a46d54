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
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, writevSync } from 'node:fs';
import { join } from 'node:path';

/** What a file is written from: text, bytes, or bytes in pieces (a feed document is its entries' pieces, never joined in memory). */
export type FileContent = string | Uint8Array | readonly Uint8Array[];

function piecesOf(data: FileContent): readonly Uint8Array[] {
  if (typeof data === 'string') return [Buffer.from(data)];
  return data instanceof Uint8Array ? [data] : data;
}

/**
 * Write `data` to `path` through a temp file renamed into place. On any
 * failure (disk full, read-only directory, file size limit) the temp file is
 * removed, `path` keeps its previous bytes, and the error names `path`.
 */
export function writeFileAtomic(path: string, data: FileContent): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  let created = false;
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    created = true;
    try {
      writeAll(fd, piecesOf(data));
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

/**
 * Write every piece, in as few system calls as the kernel takes (writev; a
 * feed is thousands of pieces). A short write never passes for a whole file:
 * the rest is written again, and a failing call (disk full) throws.
 */
function writeAll(fd: number, pieces: readonly Uint8Array[]): void {
  const rest = pieces.filter((p) => p.length);
  let first = 0;
  while (first < rest.length) {
    let written = writevSync(fd, first ? rest.slice(first) : rest);
    if (written <= 0) throw new Error('write made no progress');
    while (written > 0) {
      const piece = rest[first]!;
      if (written < piece.length) {
        rest[first] = piece.subarray(written);
        written = 0;
      } else {
        written -= piece.length;
        first++;
      }
    }
  }
}

/** Whether the file holds exactly these bytes: compared piece by piece, never read whole into memory. */
function sameContent(path: string, pieces: readonly Uint8Array[]): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    if (fstatSync(fd).size !== pieces.reduce((n, p) => n + p.length, 0)) return false;
    const chunk = Buffer.allocUnsafe(COMPARE_CHUNK);
    let position = 0;
    for (const piece of pieces) {
      for (let offset = 0; offset < piece.length; ) {
        const got = readSync(fd, chunk, 0, Math.min(chunk.length, piece.length - offset), position);
        if (got <= 0 || !chunk.subarray(0, got).equals(piece.subarray(offset, offset + got))) return false;
        offset += got;
        position += got;
      }
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

const COMPARE_CHUNK = 1 << 20;

/** Write `files` (name → content) into `dir`; returns the paths that changed. */
export function writeChangedFiles(dir: string, files: Record<string, FileContent>): string[] {
  mkdirSync(dir, { recursive: true });
  const changed: string[] = [];
  for (const [name, data] of Object.entries(files)) {
    const path = join(dir, name);
    const pieces = piecesOf(data);
    if (sameContent(path, pieces)) continue;
    writeFileAtomic(path, pieces);
    changed.push(path);
  }
  return changed;
}
