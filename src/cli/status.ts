/**
 * `infrawire status [--json]`: one row per configured source, read from the
 * store only (no network), so it answers instantly even while sources hang.
 *
 * Rules: the state comes from fetch/health.ts (one definition for the log,
 * the run summary and this table); sources that need the operator (gone,
 * moved, failing for long) get a notice line under the table.
 */
import type { LoadedConfig } from '../config/index.js';
import { healthNotice, sourceHealths, type SourceHealth } from '../fetch/index.js';
import { SqliteStore } from '../store/index.js';

function cell(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}

function shortTime(iso: string | null): string {
  return iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '-';
}

/** Per source: article pages fetched and failing (full text), as the store last recorded them. */
export type PageCounts = ReadonlyMap<string, { fetched: number; failed: number }>;

export function formatStatus(rows: readonly SourceHealth[], failingAlertHours: number, pages: PageCounts = new Map()): string {
  const header = ['SOURCE', 'STATE', 'LAST SUCCESS', 'FAILURES', 'NEXT CHECK', 'SEEN', 'KEPT', 'PAGES OK/FAILED', 'LAST ERROR'];
  const table = rows.map((h) => [
    h.name,
    h.alert ? 'FAILING' : h.state,
    shortTime(h.lastSuccessAt),
    cell(h.consecutiveFailures),
    h.state === 'gone' ? 'never (gone)' : shortTime(h.nextCheckAt),
    cell(h.itemsSeen),
    cell(h.itemsKept),
    pages.has(h.name) ? `${pages.get(h.name)!.fetched}/${pages.get(h.name)!.failed}` : '-',
    cell(h.lastError),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...table.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const notices = rows.map((h) => healthNotice(h, failingAlertHours)).filter((n): n is string => n !== undefined);
  return [line(header), ...table.map(line), ...notices.map((n) => `! ${n}`)].join('\n');
}

export async function runStatus(config: LoadedConfig, json: boolean, now = new Date()): Promise<string> {
  const store = SqliteStore.open(config.store.path);
  try {
    const rows = sourceHealths(config, await store.sources.statesFor(config.sources), now);
    const pages = await store.pages.countsBySource();
    if (json) return JSON.stringify({ at: now.toISOString(), sources: rows.map((r) => ({ ...r, pages: pages.get(r.name) ?? { fetched: 0, failed: 0 } })) }, null, 2);
    return formatStatus(rows, config.fetch.failingAlertHours, pages);
  } finally {
    await store.close();
  }
}
