/**
 * RSS 2.0, RSS 0.9x, RSS 1.0 (RDF) and Atom 1.0 into ParsedFeed, through rss-parser's
 * `parseString` on text infrawire fetched and decoded itself.
 *
 * Rules:
 * - rss-parser keeps only the first Atom author and no Atom categories, so the
 *   raw xml2js nodes for those are requested as custom fields and read here.
 * - Fields are copied out as plain strings; no parser object outlives the call.
 * - Any parser failure becomes a ParseError that names what is wrong.
 */
import Parser from 'rss-parser';
import type { FeedFormat, ParsedFeed, ParsedItem } from '../model/index.js';
import { ParseError } from './errors.js';

type Node = unknown;
type RawItem = Record<string, Node>;

const parser = new Parser<Record<string, Node>, RawItem>({
  customFields: {
    feed: [],
    item: [
      ['author', 'rawAuthors', { keepArray: true }],
      ['category', 'rawCategories', { keepArray: true }],
      ['dc:subject', 'dcSubjects', { keepArray: true }],
      ['published', 'published'],
      ['updated', 'updated'],
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

function toItem(item: RawItem, format: FeedFormat): ParsedItem {
  const encoded = text(item['content:encoded']);
  const content = typeof item.content === 'string' ? item.content : undefined;
  const summary = typeof item.summary === 'string' ? item.summary : text(item.summary);
  const isAtom = format === 'atom';
  return {
    guid: text(item.guid) ?? text(item.id) ?? text(item['rdf:about']),
    link: text(item.link),
    title: text(item.title),
    // RSS: content:encoded is the body and description the summary; Atom: content and summary.
    contentHtml: encoded ?? content ?? summary,
    summaryHtml: isAtom ? summary : encoded ? content : undefined,
    published: isAtom ? text(item.published) ?? text(item.updated) : text(item.pubDate) ?? text(item.dcDate),
    updated: isAtom ? text(item.updated) : text(item.dctermsModified),
    authors: authorsOf(item),
    categories: categoriesOf(item),
  };
}

function positiveInteger(value: string | undefined): number | undefined {
  const n = value && /^\d+$/.test(value) ? Number(value) : NaN;
  return n > 0 ? n : undefined;
}

export async function parseXmlFeed(xml: string, format: FeedFormat): Promise<ParsedFeed> {
  let feed: Awaited<ReturnType<typeof parser.parseString>>;
  try {
    feed = await parser.parseString(xml);
  } catch (err) {
    const message = (err as Error).message?.split('\n')[0] ?? String(err);
    throw new ParseError(/not recognized/i.test(message) ? `not a feed: ${message}` : `invalid XML: ${message}`);
  }
  return {
    format,
    title: text(feed.title),
    link: text(feed.link),
    ttlMinutes: positiveInteger(text(feed.ttl)),
    items: (feed.items ?? []).map((i) => toItem(i as RawItem, format)),
  };
}
