/**
 * The Atom 1.0 serializer for a curated feed (RFC 4287), written by hand
 * because `feed` cannot emit atom:source, rel="related" links or rel="alternate"
 * to a page other than the entry's.
 *
 * Rules:
 * - Pure: the same entries give the same bytes (nothing time-dependent; the
 *   feed's `updated` is its newest entry's).
 * - Every text node and attribute goes through `escapeHtml` (which also drops
 *   characters XML forbids); titles and summaries are type="html" CDATA of
 *   escaped text, so a source can never inject markup.
 * - Every entry names its origin in atom:source and carries an author (the
 *   source's name when the article names none), so each entry stands alone.
 * - Media: each enclosure is a `link rel="enclosure"` (type, length and title
 *   only when known), the entry image a Media RSS `media:thumbnail` (which
 *   declares its namespace itself).
 */
import type { Article, EntryImage } from '../model/index.js';
import type { FeedEntry } from '../model/index.js';
import { escapeHtml, xmlSafe } from '../lib/markup.js';
import { MAX_RELATED_SHOWN, type DocumentFrame, type FeedDescription } from './document.js';

const attr = escapeHtml;

/** Characters RFC 3987 does not allow anywhere in an IRI; sources do send them in links. */
const NOT_IN_IRI = /[\u0000-\u0020"<>\\^`{|}\u007F]/g;

/** The same class without the global flag, for a test that keeps no state between calls. */
const ANY_NOT_IN_IRI = new RegExp(NOT_IN_IRI.source);

/** A URL as a valid IRI: each forbidden character percent-encoded (as UTF-8). */
export function iriSafe(url: string): string {
  const safe = xmlSafe(url);
  // Most URLs hold none: a test is cheaper than a replace that calls back.
  return ANY_NOT_IN_IRI.test(safe) ? safe.replace(NOT_IN_IRI, (c) => encodeURIComponent(c)) : safe;
}

/**
 * The inside of a CDATA section holding this HTML: each "]]>" split across two
 * sections so it cannot end the first early. The HTML is XML-safe already
 * (`escapeHtml` output, or the entry HTML, built only from such pieces), so it
 * is not scanned again.
 */
export function cdataInside(html: string): string {
  return html.includes(']]>') ? html.replaceAll(']]>', ']]]]><![CDATA[>') : html;
}

export const CDATA_START = '<![CDATA[';
export const CDATA_END = ']]>';

/** A CDATA section of XML-safe text: what xml-js writes for RSS too, except that it splits only the first "]]>". */
export function cdata(html: string): string {
  return `${CDATA_START}${cdataInside(html)}${CDATA_END}`;
}

/** Plain text as an Atom type="html" construct: escaped, then wrapped in CDATA. */
function htmlText(tag: string, text: string): string {
  return `<${tag} type="html">${cdata(escapeHtml(text))}</${tag}>`;
}

function element(tag: string, text: string): string {
  return `<${tag}>${escapeHtml(text)}</${tag}>`;
}

function link(rel: string, href: string, extra: Record<string, string | undefined> = {}): string {
  const more = Object.entries(extra)
    .filter((kv): kv is [string, string] => kv[1] !== undefined)
    .map(([k, v]) => ` ${k}="${attr(v)}"`)
    .join('');
  return `<link rel="${rel}" href="${attr(iriSafe(href))}"${more}/>`;
}

/** The Media RSS namespace: the entry image is its `media:thumbnail`. */
export const MEDIA_RSS_NAMESPACE = 'http://search.yahoo.com/mrss/';

/**
 * The entry image as Media RSS's `media:thumbnail` (its declared size with it),
 * Atom's and RSS's alike. The element declares its namespace itself: an entry is
 * rendered once and kept, and RSS's root is written by `feed`, whose options
 * cannot declare one; a document without images stays as it was.
 */
export function mediaThumbnail(image: EntryImage): string {
  const size = `${image.width ? ` width="${image.width}"` : ''}${image.height ? ` height="${image.height}"` : ''}`;
  return `<media:thumbnail xmlns:media="${MEDIA_RSS_NAMESPACE}" url="${attr(iriSafe(image.url))}"${size}/>`;
}

/** atom:source: the feed the article was fetched from. */
function sourceElement(article: Article): string[] {
  const src = article.source;
  // W3C's validator warns on a source without `updated`; an article stored before it was kept has the entry's own (a lower bound).
  const updated = src.feedUpdated ?? article.updated;
  const lines = ['<source>', `  ${element('id', iriSafe(src.url))}`, `  ${element('title', src.feedTitle ?? src.name)}`, `  ${element('updated', updated)}`, `  ${link('self', src.url)}`];
  if (src.feedLink) lines.push(`  ${link('alternate', src.feedLink, { type: 'text/html' })}`);
  lines.push('</source>');
  return lines;
}

/** The entry's lines before and after its content (the document's indentation included). */
function entryLines({ article, keywords }: FeedEntry): [before: string[], after: string[]] {
  const authors = article.authors.length ? article.authors : [article.source.name];
  const before = [
    element('id', article.id),
    htmlText('title', article.title),
    `<link href="${attr(iriSafe(article.url))}"/>`,
    ...article.related.slice(0, MAX_RELATED_SHOWN).map((r) => link('related', r.url, { title: r.title ? `${r.title} (${r.outlet ?? r.source})` : (r.outlet ?? r.source) })),
    ...(article.enclosures ?? []).map((e) => link('enclosure', e.url, { type: e.type, length: e.length === undefined ? undefined : String(e.length), title: e.title })),
    ...(article.image ? [mediaThumbnail(article.image)] : []),
    element('published', article.published),
    element('updated', article.updated),
    ...authors.map((name) => `<author>${element('name', name)}</author>`),
    ...keywords.map((k) => `<category term="${attr(k)}"/>`),
    // An empty summary element draws a W3C warning: an article with no text but its title has none.
    ...(article.summary ? [htmlText('summary', article.summary)] : []),
  ];
  return [before, sourceElement(article)];
}

const ENTRY_INDENT = '\n    ';

/**
 * One entry as the document has it (indented, with its line end), around the
 * inside of its content's CDATA section (`cdataInside` of the entry HTML: the
 * same bytes RSS's content:encoded holds, so the two formats share them): the
 * text before and after it.
 */
export function atomEntryParts(entry: FeedEntry): [before: string, after: string] {
  const [before, after] = entryLines(entry);
  return [
    `  <entry>${ENTRY_INDENT}${before.join(ENTRY_INDENT)}${ENTRY_INDENT}<content type="html">${CDATA_START}`,
    `${CDATA_END}</content>${ENTRY_INDENT}${after.join(ENTRY_INDENT)}\n  </entry>\n`,
  ];
}

/** The document around entries rendered from `atomEntryParts`. */
export function atomFrame(feed: FeedDescription): DocumentFrame {
  const head = [
    element('id', feed.id),
    htmlText('title', feed.title),
    ...(feed.subtitle === undefined ? [] : [htmlText('subtitle', feed.subtitle)]),
    element('updated', feed.updated),
    `<author>${element('name', feed.author)}</author>`,
    `<generator uri="${attr(feed.generator.uri)}" version="${attr(feed.generator.version)}">${escapeHtml(feed.generator.name)}</generator>`,
    element('icon', feed.icon),
    link('self', feed.links.atom, { type: 'application/atom+xml' }),
    link('alternate', feed.links.statusPage, { type: 'text/html' }),
    ...(feed.hub ? [link('hub', feed.hub)] : []),
  ];
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">', ...head.map((l) => `  ${l}`)];
  const tail = '</feed>\n';
  return { head: `${lines.join('\n')}\n`, separator: '', tail, empty: `${lines.join('\n')}\n${tail}` };
}
