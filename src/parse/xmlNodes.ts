/**
 * Reading the raw xml2js nodes rss-parser hands over (rssParser.ts): a string,
 * `{_: text, $: attributes, child: [node, …]}`, or a list of nodes.
 *
 * Rules: pure readers, nothing is changed; text is trimmed and blank text is none.
 */
import type { XmlNode as Node } from './rssParser.js';

/** Text of an xml2js node: a string, `{_: text}`, or `[node]`. */
export function text(node: Node): string | undefined {
  if (Array.isArray(node)) return text(node[0]);
  if (typeof node === 'string') return node.trim() || undefined;
  if (node && typeof node === 'object') {
    const n = node as { _?: unknown };
    if (typeof n._ === 'string') return n._.trim() || undefined;
  }
  return undefined;
}

export function asList(node: Node): Node[] {
  return Array.isArray(node) ? node : node === undefined ? [] : [node];
}

/** The attributes (xml2js `$`) of one element node. */
export function attributes(node: Node): Record<string, unknown> | undefined {
  const attrs = node && typeof node === 'object' && !Array.isArray(node) ? (node as { $?: unknown }).$ : undefined;
  return attrs && typeof attrs === 'object' ? (attrs as Record<string, unknown>) : undefined;
}

/** The attributes of a raw element, or of the first of a list. */
export function attributesOf(node: Node): Record<string, unknown> | undefined {
  return attributes(asList(node)[0]);
}
