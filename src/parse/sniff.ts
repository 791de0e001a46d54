/**
 * Recognizing what a document is before parsing it, so an HTML page or a
 * JSON error body gets a precise "not a feed" message instead of a parser's.
 *
 * Rules: look at the first element (after the prolog, comments, doctype and
 * processing instructions), or at the first character for JSON.
 */
import type { FeedFormat } from '../model/index.js';

export type Sniffed = FeedFormat | 'html' | 'unknown-xml' | 'unknown';

/** The prolog, comments, doctype and processing instructions before the root element. */
const BEFORE_ROOT = /^\uFEFF?(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>)*/i;

/** The root element's start tag in the first 64 KiB: its offset, name and attribute text. */
export function rootElement(text: string): { index: number; name: string; attrs: string } | undefined {
  const head = text.slice(0, 64 * 1024);
  const index = BEFORE_ROOT.exec(head)![0].length;
  const m = /^<([A-Za-z_][\w.:-]*)([^>]*)>?/.exec(head.slice(index));
  return m ? { index, name: m[1]!, attrs: m[2]! } : undefined;
}

export function sniffFormat(text: string): { kind: Sniffed; root?: string } {
  const head = text.slice(0, 64 * 1024).replace(/^\uFEFF/, '');
  if (/^\s*[{[]/.test(head)) return { kind: 'json' };
  const root = rootElement(head)?.name;
  if (!root) {
    if (/<html[\s>]/i.test(head)) return { kind: 'html' };
    // Markup whose root is not in the first 64 KiB (e.g. a huge DOCTYPE) is XML we will not read.
    return { kind: head.trimStart().startsWith('<') ? 'unknown-xml' : 'unknown' };
  }
  const local = root.toLowerCase();
  if (local === 'rss' || local.endsWith(':rss')) return { kind: 'rss2', root };
  if (local === 'feed' || local.endsWith(':feed')) return { kind: 'atom', root };
  if (local === 'rdf:rdf' || local.endsWith(':rdf')) return { kind: 'rss1', root };
  if (local === 'html') return { kind: 'html', root };
  if (local === 'channel') return { kind: 'cdf', root };
  return { kind: 'unknown-xml', root };
}
