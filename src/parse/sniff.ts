/**
 * Recognizing what a document is before parsing it, so an HTML page or a
 * JSON error body gets a precise "not a feed" message instead of a parser's.
 *
 * Rules: look at the first element (after the prolog, comments, doctype and
 * processing instructions), or at the first character for JSON.
 */
import type { FeedFormat } from '../model/index.js';

export type Sniffed = FeedFormat | 'html' | 'unknown-xml' | 'unknown';

export function sniffFormat(text: string): { kind: Sniffed; root?: string } {
  const head = text.slice(0, 64 * 1024).replace(/^\uFEFF/, '');
  if (/^\s*[{[]/.test(head)) return { kind: 'json' };
  const skipped = head.replace(/^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>)*/i, '');
  const root = skipped.match(/^<([A-Za-z_][\w.:-]*)/)?.[1];
  if (!root) {
    if (/<html[\s>]/i.test(head)) return { kind: 'html' };
    // Markup whose root is not in the first 64 KiB (e.g. a huge DOCTYPE) is XML we will not read.
    return { kind: head.trimStart().startsWith('<') ? 'unknown-xml' : 'unknown' };
  }
  const local = root.toLowerCase();
  if (local === 'rss') return { kind: 'rss2', root };
  if (local === 'feed' || local.endsWith(':feed')) return { kind: 'atom', root };
  if (local === 'rdf:rdf' || local.endsWith(':rdf')) return { kind: 'rss1', root };
  if (local === 'html') return { kind: 'html', root };
  return { kind: 'unknown-xml', root };
}
