/**
 * The status page at `/`: the published feeds with subscribe links and
 * autodiscovery tags, the daemon's health, and one row per source with its
 * health from the store.
 *
 * Rules:
 * - Pure: a function of the data passed in; everything escaped.
 * - Each source's row is its SourceHealth (fetch/health.ts, the one
 *   definition the log, the run summary and `infrawire status` use too). Its
 *   columns are generated from the fields, so when the health grows the page
 *   shows the new fields without a change here. Known fields get nicer labels.
 * - Readable on a phone: one column of cards below 640px, no scripts, no
 *   external assets.
 */
import { escapeHtml } from '../lib/markup.js';
import { isUnhealthy, type SourceHealth } from '../fetch/index.js';
import { formatDuration, type HealthReport } from './health.js';

export interface StatusFeed {
  name: string;
  title: string;
  subtitle?: string;
}

function fieldsOf(state: SourceHealth | undefined): Record<string, unknown> | undefined {
  return state as unknown as Record<string, unknown> | undefined;
}

export interface StatusPageData {
  title: string;
  /** Public base URL, no trailing slash (subscribe links must work outside this host). */
  baseUrl: string;
  feeds: readonly StatusFeed[];
  /** Configured sources, in config order; a source with no state yet shows as "not fetched yet". */
  sources: readonly { name: string; url: string }[];
  states: readonly SourceHealth[];
  health?: HealthReport;
}

export const FEED_LINK_TYPES = [
  { ext: '.atom', type: 'application/atom+xml', label: 'Atom' },
  { ext: '.rss', type: 'application/rss+xml', label: 'RSS' },
  { ext: '.json', type: 'application/feed+json', label: 'JSON Feed' },
] as const;

const LABELS: Record<string, string> = {
  lastFetchAt: 'Last fetch',
  lastStatus: 'HTTP status',
  lastError: 'Last error',
  lastSuccessAt: 'Last success',
  consecutiveFailures: 'Failures in a row',
  itemsSeen: 'Items seen',
  itemsKept: 'Items kept',
};

/** How the Health column groups the states (its CSS class). */
export type HealthClass = 'ok' | 'failing' | 'pending';

export function healthClass(health: SourceHealth | undefined): HealthClass {
  if (!health || health.state === 'never-checked') return 'pending';
  return isUnhealthy(health) ? 'failing' : 'ok';
}

function healthText(health: SourceHealth | undefined): string {
  return !health || health.state === 'never-checked' ? 'not fetched yet' : health.state;
}

function label(field: string): string {
  return LABELS[field] ?? field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase()).replace(/ ([A-Z])/g, (_, c: string) => ` ${c.toLowerCase()}`);
}

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string' && ISO_DATE.test(value)) return `<time datetime="${escapeHtml(value)}">${escapeHtml(value.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'))}</time>`;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return escapeHtml(JSON.stringify(value));
  return escapeHtml(String(value));
}

/** Shown by the Health and Source columns (a move shows as movedTo). */
const NOT_COLUMNS = new Set(['name', 'state', 'url', 'configuredUrl']);

/** The columns after Health and Source: every field any state has, in first-seen order. */
function stateColumns(states: readonly SourceHealth[]): string[] {
  const columns: string[] = [];
  for (const s of states) for (const k of Object.keys(s)) if (!NOT_COLUMNS.has(k) && !columns.includes(k)) columns.push(k);
  return columns;
}

function feedSection(data: StatusPageData): string {
  const items = data.feeds.map((f) => {
    const links = FEED_LINK_TYPES.map((t) => `<a class="sub" href="${escapeHtml(`${data.baseUrl}/feeds/${f.name}${t.ext}`)}" type="${t.type}">${t.label}</a>`).join(' ');
    const subtitle = f.subtitle ? `<p>${escapeHtml(f.subtitle)}</p>` : '';
    return `<li class="feed" data-feed="${escapeHtml(f.name)}"><h3>${escapeHtml(f.title)}</h3>${subtitle}<p>Subscribe: ${links}</p><p><code>${escapeHtml(`${data.baseUrl}/feeds/${f.name}.atom`)}</code></p></li>`;
  });
  return `<section><h2>Feeds</h2><ul class="feeds">\n${items.join('\n')}\n</ul></section>`;
}

function sourceSection(data: StatusPageData): string {
  const byName = new Map(data.states.map((s) => [s.name, s]));
  const columns = stateColumns(data.states);
  const head = ['Health', 'Source', ...columns.map(label)].map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const rows = data.sources.map((src) => {
    const state = byName.get(src.name);
    const cells = [
      `<td data-label="Health" class="health ${healthClass(state)}">${escapeHtml(healthText(state))}</td>`,
      `<td data-label="Source"><a href="${escapeHtml(src.url)}">${escapeHtml(src.name)}</a></td>`,
      ...columns.map((c) => `<td data-label="${escapeHtml(label(c))}">${cell(fieldsOf(state)?.[c])}</td>`),
    ];
    return `<tr data-source="${escapeHtml(src.name)}">${cells.join('')}</tr>`;
  });
  const failing = data.sources.filter((s) => healthClass(byName.get(s.name)) === 'failing').length;
  return `<section><h2>Sources</h2><p>${data.sources.length - failing} of ${data.sources.length} sources healthy. <a href="/sources.opml">OPML</a></p>
<div class="scroll"><table id="sources"><thead><tr>${head}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table></div></section>`;
}

function healthLine(health: HealthReport | undefined): string {
  if (!health) return '';
  const last = health.lastCycleFinishedAt ? `Last cycle finished ${cell(health.lastCycleFinishedAt)}${health.lastCycleOk === false ? ' (failed)' : ''}` : 'No cycle finished yet';
  return `<p class="daemon ${health.status}">Daemon: <strong>${health.status}</strong>: ${escapeHtml(health.reason)}.</p>
<p>${last}; a cycle every ${formatDuration(health.intervalSeconds)}. <a href="/healthz">healthz</a> · <a href="/metrics">metrics</a></p>`;
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#1b1b1b;background:#fff}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin-top:1.5rem}h3{font-size:1.05rem;margin:.2rem 0}
ul.feeds{list-style:none;padding:0}li.feed{border:1px solid #ddd;border-radius:.4rem;padding:.6rem .8rem;margin:.5rem 0}
a.sub{display:inline-block;padding:.25rem .6rem;margin:.15rem;border:1px solid #0b5cad;border-radius:1rem;text-decoration:none;color:#0b5cad}
code{word-break:break-all;font-size:.85rem}.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e5e5e5;vertical-align:top}
.health.ok{color:#116b1d;font-weight:600}.health.failing{color:#a4000f;font-weight:600}.health.pending{color:#6b6b6b}
.daemon.failing strong{color:#a4000f}.daemon.degraded strong,.daemon.starting strong{color:#8a5300}.daemon.ok strong{color:#116b1d}
@media (max-width:640px){table,thead,tbody,tr,td{display:block}thead{position:absolute;left:-9999px}
tr{border:1px solid #ddd;border-radius:.4rem;margin:.6rem 0;padding:.3rem}td{border:0;padding:.15rem .3rem;overflow-wrap:anywhere}
td::before{content:attr(data-label) ": ";font-weight:600;color:#555}}`;

export function statusPage(data: StatusPageData): string {
  const discovery = data.feeds.flatMap((f) =>
    FEED_LINK_TYPES.map((t) => `<link rel="alternate" type="${t.type}" title="${escapeHtml(`${f.title} (${t.label})`)}" href="${escapeHtml(`${data.baseUrl}/feeds/${f.name}${t.ext}`)}">`),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
${discovery.join('\n')}
<style>${STYLE}</style>
</head><body>
<h1>${escapeHtml(data.title)}</h1>
${healthLine(data.health)}
${feedSection(data)}
${sourceSection(data)}
</body></html>
`;
}
