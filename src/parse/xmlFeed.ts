/**
 * RSS 2.0, RSS 0.9x, RSS 1.0 (RDF) and Atom 1.0 into ParsedFeed, through rss-parser's
 * `parseString` on text infrawire fetched and decoded itself.
 *
 * Rules:
 * - rss-parser keeps only the first Atom author and no Atom categories, so the
 *   raw xml2js nodes for those are requested as custom fields and read here.
 * - Fields are copied out as plain strings; no parser object outlives the call.
 * - xml:base (RFC 3986 resolution, XML Base) is inherited: the document URL, then
 *   the feed/channel element, the entry/item, then the element the body came from.
 *   Only an absolute http(s) result is kept, so a hostile base cannot become a
 *   javascript: or file: prefix for every link in the body.
 * - Any parser failure becomes a ParseError that names what is wrong.
 */
import Parser from 'rss-parser';
import type { FeedFormat, ParsedFeed, ParsedItem } from '../model/index.js';
import { ParseError } from './errors.js';

type Node = unknown;
type RawItem = Record<string, Node>;

const parser = new Parser<Record<string, Node>, RawItem>({
  customFields: {
    // keepArray on `$` hands over the element's own attribute object (xml:base); rss-parser
    // accepts the [from, to, options] form for feed fields too, its typings only declare names.
    feed: [['$', 'attrs', { keepArray: true }] as unknown as string, ['title', 'rawTitle', { keepArray: true }] as unknown as string],
    item: [
      ['title', 'rawTitle', { keepArray: true }],
      ['$', 'attrs', { keepArray: true }],
      ['content', 'rawContent', { keepArray: true }],
      ['summary', 'rawSummary', { keepArray: true }],
      ['description', 'rawDescription', { keepArray: true }],
      ['author', 'rawAuthors', { keepArray: true }],
      ['category', 'rawCategories', { keepArray: true }],
      ['dc:subject', 'dcSubjects', { keepArray: true }],
      ['published', 'published'],
      ['updated', 'updated'],
      // Atom 0.3 names for published and updated.
      ['issued', 'issued'],
      ['modified', 'modified'],
      ['dc:date', 'dcDate'],
      ['dcterms:modified', 'dctermsModified'],
    ],
  },
});

/** Text of an xml2js node: a string, `{_: text}`, or `[node]`. */
function text(node: Node): string | undefined {
  if (Array.isArray(node)) return text(node[0]);
  if (typeof node === 'string') return node.trim() || undefined;
  if (node && typeof node === 'object') {
    const n = node as { _?: unknown; name?: unknown; $?: { term?: unknown } };
    if (typeof n._ === 'string') return n._.trim() || undefined;
  }
  return undefined;
}

function authorsOf(item: RawItem): string[] {
  const out: string[] = [];
  const raw = item.rawAuthors;
  for (const a of Array.isArray(raw) ? raw : raw ? [raw] : []) {
    // Atom: <author><name>…</name></author>; RSS: <author>email (Name)</author>
    const name = a && typeof a === 'object' && 'name' in (a as object) ? text((a as { name: Node }).name) : text(a);
    if (name) out.push(name);
  }
  const creator = text(item.creator) ?? text(item['dc:creator']);
  if (creator && !out.includes(creator)) out.push(creator);
  return out;
}

function categoriesOf(item: RawItem): string[] {
  const out: string[] = [];
  for (const list of [item.rawCategories, item.dcSubjects]) {
    for (const c of Array.isArray(list) ? list : []) {
      // Atom: <category term="…"/>; RSS: <category>…</category>
      const term = c && typeof c === 'object' && (c as { $?: { term?: unknown } }).$?.term;
      const value = typeof term === 'string' ? term.trim() : text(c);
      if (value && !out.includes(value)) out.push(value);
    }
  }
  return out;
}

/** Atom 0.3 `mode="base64"` text decoded (UTF-8); other elements as text() reads them. */
function textOrBase64(raw: Node, fallback: Node): string | undefined {
  const first = Array.isArray(raw) ? raw[0] : raw;
  const node = first && typeof first === 'object' ? (first as { _?: unknown; $?: { mode?: unknown } }) : undefined;
  if (node?.$?.mode === 'base64' && typeof node._ === 'string') return Buffer.from(node._, 'base64').toString('utf8').trim() || undefined;
  return text(fallback);
}

/** The xml:base attribute of a raw element (or of the first of a list), if any. */
function xmlBaseOf(node: Node): string | undefined {
  const first = Array.isArray(node) ? node[0] : node;
  const attrs = first && typeof first === 'object' ? (first as { $?: unknown }).$ ?? first : undefined;
  const value = attrs && typeof attrs === 'object' ? (attrs as Record<string, unknown>)['xml:base'] : undefined;
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** `ref` resolved against `base` (RFC 3986); an absolute http(s) URL or undefined. */
function resolveHttp(ref: string, base: string | undefined): string | undefined {
  try {
    const url = new URL(ref, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The base in force inside the innermost of `elements` (outermost first), each one's
 * xml:base resolved against the one around it. Undefined when none sets a usable
 * xml:base: the document URL alone is no reason to override the item link.
 */
function xmlBaseChain(documentBase: string | undefined, elements: Node[]): string | undefined {
  let base = documentBase;
  let set = false;
  for (const element of elements) {
    const own = xmlBaseOf(element);
    const resolved = own ? resolveHttp(own, base) : undefined;
    if (resolved) [base, set] = [resolved, true];
  }
  return set ? base : undefined;
}

/** A relative link resolved against the base in force; absolute links, and links without a base, as written. */
function absoluteIn(link: string | undefined, base: string | undefined): string | undefined {
  if (!link || !base || /^[a-z][a-z0-9+.-]*:/i.test(link)) return link;
  return resolveHttp(link, base) ?? link;
}

/** The raw element the body was taken from, so its own xml:base applies to the body. */
function bodyElement(item: RawItem, hasEncoded: boolean, hasContent: boolean): Node {
  if (hasEncoded) return item['content:encoded'];
  if (hasContent) return item.rawContent ?? item.rawDescription;
  return item.rawSummary;
}

interface Bases {
  document?: string;
  feedElement: Node;
}

function toItem(item: RawItem, format: FeedFormat, bases: Bases): ParsedItem {
  const encoded = text(item['content:encoded']);
  const content = typeof item.content === 'string' ? item.content : undefined;
  const summary = typeof item.summary === 'string' ? item.summary : text(item.summary);
  const isAtom = format === 'atom';
  const itemBase = xmlBaseChain(bases.document, [bases.feedElement, item.attrs]) ?? bases.document;
  const link = text(item.link);
  const atomUpdated = text(item.updated) ?? text(item.modified);
  return {
    guid: text(item.guid) ?? text(item.id) ?? text(item['rdf:about']),
    // A relative link is relative to the item's xml:base, else to the document (RFC 3986 5.1).
    link: absoluteIn(link, itemBase),
    baseUrl: xmlBaseChain(bases.document, [bases.feedElement, item.attrs, bodyElement(item, encoded !== undefined, content !== undefined)]),
    title: textOrBase64(item.rawTitle, item.title),
    // RSS: content:encoded is the body and description the summary; Atom: content and summary.
    contentHtml: encoded ?? content ?? summary,
    summaryHtml: isAtom ? summary : encoded ? content : undefined,
    published: isAtom ? text(item.published) ?? text(item.issued) ?? atomUpdated : text(item.pubDate) ?? text(item.dcDate),
    updated: isAtom ? atomUpdated : text(item.dctermsModified),
    authors: authorsOf(item),
    categories: categoriesOf(item),
  };
}

function positiveInteger(value: string | undefined): number | undefined {
  const n = value && /^\d+$/.test(value) ? Number(value) : NaN;
  return n > 0 ? n : undefined;
}

/** `documentUrl` is where the document was fetched from: the outermost base for xml:base. */
export async function parseXmlFeed(xml: string, format: FeedFormat, documentUrl?: string): Promise<ParsedFeed> {
  let feed: Awaited<ReturnType<typeof parser.parseString>>;
  try {
    feed = await parser.parseString(xml);
  } catch (err) {
    const message = (err as Error).message?.split('\n')[0] ?? String(err);
    throw new ParseError(/not recognized/i.test(message) ? `not a feed: ${message}` : `invalid XML: ${message}`);
  }
  const bases: Bases = { document: documentUrl ? resolveHttp(documentUrl, undefined) : undefined, feedElement: feed.attrs };
  return {
    format,
    title: textOrBase64(feed.rawTitle, feed.title),
    link: absoluteIn(text(feed.link), xmlBaseChain(bases.document, [bases.feedElement]) ?? bases.document),
    ttlMinutes: positiveInteger(text(feed.ttl)),
    items: (feed.items ?? []).map((i) => toItem(i as RawItem, format, bases)),
  };
}
