/**
 * Printing a cycle summary for people: one line per source (ok or failed
 * with its reason), the item counts, and what was published where.
 */
import { relative } from 'node:path';
import type { CycleSummary } from '../schedule/cycle.js';

/** Paths under the working directory print relative, others absolute. */
function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

export function formatSummary(s: CycleSummary, feedUrls: Record<string, string> = {}): string {
  const failed = s.sources.filter((x) => !x.ok).length;
  const width = Math.max(6, ...s.sources.map((x) => x.name.length));
  const lines = [`sources: ${s.sources.length - failed} ok, ${failed} failed`];
  for (const src of s.sources) {
    const name = src.name.padEnd(width);
    if (src.notModified) {
      lines.push(`  ok      ${name}  not modified (nothing parsed): ${src.itemsSeen} items, ${src.itemsKept} kept`);
    } else if (src.ok) {
      lines.push(`  ok      ${name}  ${src.format}: ${src.itemsSeen} items, ${src.itemsNew} new, ${src.itemsKept} kept`);
    } else {
      lines.push(`  FAILED  ${name}  ${src.error}`);
    }
    if (src.notice) lines.push(`          ${' '.repeat(width)}  ! ${src.notice}`);
  }
  lines.push(`items: ${s.itemsSeen} seen, ${s.itemsNew} new, ${s.itemsKept} kept`);
  for (const f of s.feeds) {
    const where = f.changed.length ? `written: ${f.changed.map(displayPath).join(', ')}` : 'unchanged';
    const url = feedUrls[f.name] ? ` at ${feedUrls[f.name]}` : '';
    lines.push(`published: ${f.name}, ${f.entries} entries${url} (${where})`);
  }
  return lines.join('\n');
}
