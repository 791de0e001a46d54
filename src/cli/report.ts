/**
 * What `infrawire run` shows people: a progress bar over sources while the
 * cycle runs (terminals only) and a summary table at the end.
 *
 * Rules:
 * - The bar is drawn on stderr and erased when done, so stdout carries only
 *   the summary (or JSON) and stays clean when piped.
 * - The table has one row per source (ok or FAILED with its reason), then the
 *   item counts and what was published where.
 */
import { relative } from 'node:path';
import type { CycleSummary, SourceReport } from '../model/index.js';
import { cycleReach, unreachedLine } from '../serve/index.js';

/** Paths under the working directory print relative, others absolute. */
function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

/** A plain-text table: columns padded to their widest cell; `right` columns are right-aligned (numbers). */
export function formatTable(headers: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

function sourceRow(src: SourceReport): string[] {
  // The notice (moved, gone, failing for long) comes from fetch/health.ts, like the log's.
  const truncated = src.truncated ? `only the first ${src.itemsSeen} of ${src.truncated} items read (fetch.maxItems)` : '';
  const known = src.itemsKnown ? `${src.itemsKnown} as stored before (not read again)` : '';
  const failed = src.itemsFailed ? `${src.itemsFailed} item(s) not read: ${src.itemError}` : '';
  const skipped = src.itemsSkipped ? `${src.itemsSkipped.count} item(s) skipped (${Object.entries(src.itemsSkipped.reasons).map(([why, n]) => `${n}: ${why}`).join(', ')}; first: item ${src.itemsSkipped.first})` : '';
  const pages = src.pagesFetched || src.pagesFailed ? `pages: ${src.pagesFetched ?? 0} fetched, ${src.pagesFailed ?? 0} failed${src.pageErrors?.length ? ` (${src.pageErrors.map((e) => `${e.url}: ${e.error}`).join('; ')})` : ''}` : '';
  const repaired = src.repaired ? `repaired broken XML (${src.repaired.join('; ')})` : '';
  const read = src.notModified ? 'not modified (nothing parsed)' : [repaired, known, truncated, failed, skipped, pages].filter(Boolean).join('; ');
  const note = [src.ok ? read : (src.error ?? 'failed'), src.notice ? `! ${src.notice}` : ''].filter(Boolean).join('; ');
  return [src.ok ? 'ok' : 'FAILED', src.name, src.format ?? '-', String(src.itemsSeen), String(src.itemsNew), String(src.itemsKept), note];
}

export function formatSummary(s: CycleSummary, feedUrls: Record<string, string> = {}): string {
  const failed = s.sources.filter((x) => !x.ok).length;
  const table = formatTable(['result', 'source', 'format', 'items', 'new', 'kept', 'note'], s.sources.map(sourceRow), new Set([3, 4, 5]));
  const lines = [...table, '', `sources: ${s.sources.length - failed} ok, ${failed} failed`];
  const reach = cycleReach(s.sources);
  if (reach?.answered === 0) lines.push(unreachedLine(reach, 'in this run'));
  lines.push(`items: ${s.itemsSeen} seen, ${s.itemsNew} new, ${s.itemsKept} kept`);
  for (const f of s.feeds) {
    const where = f.error ? `NOT WRITTEN: ${f.error}` : f.changed.length ? `written: ${f.changed.map(displayPath).join(', ')}` : 'unchanged';
    const url = feedUrls[f.name] ? ` at ${feedUrls[f.name]}` : '';
    lines.push(`published: ${f.name}, ${f.entries} entries${url} (${where})`);
  }
  return lines.join('\n');
}

export interface Progress {
  /** A source finished (ok or failed). */
  update(report: SourceReport, done: number, total: number): void;
  /** Erase the bar. */
  end(): void;
}

/** One line of the bar, at most `columns` characters wide. */
export function progressLine(done: number, total: number, last: string, columns = 80): string {
  const width = 24;
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} sources`;
  const line = last ? `${bar}  ${last}` : bar;
  return line.length > columns - 1 ? line.slice(0, Math.max(0, columns - 2)) + '…' : line;
}

/** A progress bar redrawn in place on a terminal stream (`\r` + erase line). */
export function progressBar(stream: NodeJS.WriteStream, total: number): Progress {
  const draw = (text: string) => stream.write(`\r\x1b[2K${text}`);
  draw(progressLine(0, total, 'fetching…', stream.columns || 80));
  return {
    update: (r, done, n) => draw(progressLine(done, n, `${r.ok ? 'ok' : 'FAILED'} ${r.name}`, stream.columns || 80)),
    end: () => void stream.write('\r\x1b[2K'),
  };
}
