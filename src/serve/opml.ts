/**
 * OPML 2.0 export of the configured sources, so a reader can subscribe to
 * the same sources infrawire watches.
 *
 * Rules: pure and deterministic (no dateCreated from the clock); every
 * attribute escaped; sources in config order.
 */
import { escapeHtml } from '../lib/markup.js';

export interface OpmlSource {
  name: string;
  url: string;
}

export function sourcesOpml(title: string, sources: readonly OpmlSource[]): string {
  const outlines = sources.map((s) => `    <outline type="rss" text="${escapeHtml(s.name)}" title="${escapeHtml(s.name)}" xmlUrl="${escapeHtml(s.url)}"/>`);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    `  <head><title>${escapeHtml(title)}</title></head>`,
    '  <body>',
    ...outlines,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}
