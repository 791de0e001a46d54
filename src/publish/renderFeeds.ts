/**
 * Rendering one curated feed as Atom 1.0, RSS 2.0 and JSON Feed 1.1.
 *
 * Rules:
 * - Pure: the same entries give the same bytes. Nothing time-dependent is
 *   rendered: the feed's `updated` is its newest entry's, so an unchanged
 *   feed renders to identical bytes and is not rewritten.
 * - Atom and JSON Feed have their own serializers (atom.ts, jsonFeed.ts);
 *   RSS 2.0 items are written here, in the channel `feed` writes (rssFeed.ts).
 * - Author falls back to the source's name: Atom requires one per entry.
 * - Each matched keyword becomes a category.
 */
import type { FeedConfig } from '../config/index.js';
import type { Enclosure, FeedEntry } from '../model/index.js';
import { mediumOf, UNKNOWN_MEDIA_TYPE } from '../lib/media.js';
import { atomEntryParts, atomFrame, cdata, CDATA_END, CDATA_START, cdataInside, mediaThumbnail } from './atom.js';
import { escapeHtml, xmlSafe } from '../lib/markup.js';
import { entryContentHtml } from './html.js';
import { jsonFeedFrame, jsonFeedItem } from './jsonFeed.js';
import { rssChannelFrame } from './rssFeed.js';
import { GENERATOR, type DocumentFrame, type FeedDescription } from './document.js';

export interface FeedSite {
  /** Public base URL, no trailing slash. */
  baseUrl: string;
  author: string;
  /** WebSub hub URL, when configured. */
  hub?: string;
}

export interface RenderedFeed {
  atom: string;
  rss: string;
  json: string;
}

export const FEED_FORMATS = { atom: '.atom', rss: '.rss', json: '.json' } as const;
export type FeedFormatName = keyof typeof FEED_FORMATS;

/** The feed icon, served by the feed server. */
export const ICON_PATH = '/icon.svg';

export function feedUrl(site: FeedSite, feed: string, ext: string): string {
  return `${site.baseUrl}/feeds/${feed}${ext}`;
}

export function feedId(feed: string): string {
  return `tag:infrawire,2026:feed:${feed}`;
}

/** `firstPublished`: when infrawire first published this feed (ISO UTC), the `updated` of a feed with no entries yet. */
export function describeFeed(config: FeedConfig, site: FeedSite, entries: readonly FeedEntry[], firstPublished?: string): FeedDescription {
  return feedDescription(config, site, feedUpdated(config, entries.map((e) => e.article.updated), firstPublished));
}

/**
 * A feed's `updated`: its newest entry change, so an unchanged feed renders to the
 * same bytes; with no entries, when it was first published (never the epoch, which
 * readers show as 1970 and the W3C validator warns about).
 */
export function feedUpdated(config: FeedConfig, times: readonly string[], firstPublished: string | undefined): string {
  if (times.length) return times.reduce((max, t) => (t > max ? t : max));
  if (firstPublished === undefined) throw new Error(`feed "${config.name}" has no entries: its updated needs the time it was first published`);
  return firstPublished;
}

/** The feed's description with its `updated` given (the newest entry's). */
export function feedDescription(config: FeedConfig, site: FeedSite, updated: string): FeedDescription {
  return {
    id: feedId(config.name),
    title: config.title,
    subtitle: config.subtitle,
    updated,
    author: site.author,
    generator: GENERATOR,
    icon: `${site.baseUrl}${ICON_PATH}`,
    hub: site.hub,
    links: {
      atom: feedUrl(site, config.name, FEED_FORMATS.atom),
      rss: feedUrl(site, config.name, FEED_FORMATS.rss),
      json: feedUrl(site, config.name, FEED_FORMATS.json),
      statusPage: `${site.baseUrl}/`,
    },
  };
}

/**
 * RSS items are written here, in the channel `feed` writes (rssFeed.ts), because
 * building `feed`'s object tree for every entry cost more than the rest of
 * publishing, and an entry rendered once is kept. The layout (4-space indent, as
 * `feed` 6 indents the channel) is ours: the frame is found by parsing, so a
 * channel indented otherwise still holds these items, only less evenly. Text is
 * escaped as xml-js escapes it ("&amp;" is un-escaped before escaping), titles and
 * HTML are CDATA sections with every "]]>" split, and an item has its title, link, guid (the entry id), pubDate,
 * description (the summary), content:encoded, authors (the source's name when it
 * has none), categories (the matched keywords), one enclosure (`rssEnclosure`;
 * attributes in `feed`'s order, length 0 when unknown as the RSS Best Practices
 * Profile asks) and the entry image as `media:thumbnail` (atom.ts).
 */
const ITEM_START = '\n        <item>';
const ITEM_END = '\n        </item>';
const CHILD = '\n            ';

const XML_JS_ESCAPED = /[&<>]/;

function xmlJsText(text: string): string {
  // Most text (keywords, dates, ids) has nothing to escape: one scan instead of four replaces.
  if (!XML_JS_ESCAPED.test(text)) return text;
  return text.replace(/&amp;/g, '&').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link as `feed` writes one (its sanitizeUrl): the URL normalized, each "&" escaped; xmlJsText then un-escapes those once, so the text reads as the URL. */
function sanitizedUrl(url: string): string {
  return new URL(url).toString().replace(/&/g, '&amp;');
}

/** RSS 2.0 allows one enclosure per item: the first audio or video one, else the first of any kind. */
export function rssEnclosure(enclosures: readonly Enclosure[] | undefined): Enclosure | undefined {
  return enclosures?.find((e) => ['audio', 'video'].includes(mediumOf(e.type))) ?? enclosures?.[0];
}

/**
 * One item, as the document has it (indented, with its leading newline; the
 * same in any channel), around the inside of its content:encoded CDATA section
 * (`cdataInside` of the entry HTML, as Atom's content holds it): the text
 * before and after it.
 */
function rssItemParts({ article, keywords }: FeedEntry): [before: string, after: string] {
  const out: string[] = [ITEM_START];
  const child = (tag: string, inner: string, attrs = '') => out.push(`${CHILD}<${tag}${attrs}>${inner}</${tag}>`);
  const title = xmlSafe(article.title);
  if (title) child('title', cdata(title));
  if (article.url) child('link', xmlJsText(sanitizedUrl(article.url)));
  if (article.id) child('guid', xmlJsText(article.id), ' isPermaLink="false"');
  else if (article.url) child('guid', xmlJsText(sanitizedUrl(article.url)), ' isPermaLink="true"');
  child('pubDate', xmlJsText(new Date(article.published).toUTCString()));
  // RSS descriptions are HTML by convention: the plain-text summary goes out escaped.
  const description = escapeHtml(article.summary);
  if (description) child('description', cdata(description));
  // The entry HTML is never empty (it always ends with the source line), so every item has content:encoded.
  const before = `${out.join('')}${CHILD}<content:encoded>${CDATA_START}`;
  const after: string[] = [`${CDATA_END}</content:encoded>`];
  for (const name of article.authors.length ? article.authors : [article.source.name]) {
    const author = xmlSafe(name);
    if (author) after.push(`${CHILD}<author>${xmlJsText(author)}</author>`);
  }
  for (const keyword of keywords) after.push(`${CHILD}<category>${xmlJsText(xmlSafe(keyword))}</category>`);
  const enclosure = rssEnclosure(article.enclosures);
  if (enclosure) after.push(`${CHILD}<enclosure length="${enclosure.length ?? 0}" type="${escapeHtml(enclosure.type ?? UNKNOWN_MEDIA_TYPE)}" url="${sanitizedUrl(enclosure.url)}"/>`);
  if (article.image) after.push(`${CHILD}${mediaThumbnail(article.image)}`);
  after.push(ITEM_END);
  return [before, after.join('')];
}

/** One item, as the document has it: `rssItemParts` around the content's CDATA section. */
export function rssItemXml(entry: FeedEntry, contentHtml: string): string {
  const [before, after] = rssItemParts(entry);
  return `${before}${cdataInside(contentHtml)}${after}`;
}

/** The document's UTF-8 bytes in pieces (frame and entries), never joined: entries are kept encoded, so a publish copies no document. */
function documentPieces(frame: DocumentFrame, entries: readonly (readonly Buffer[])[]): Buffer[] {
  if (!entries.length) return [Buffer.from(frame.empty)];
  const separator = Buffer.from(frame.separator);
  const pieces: Buffer[] = [Buffer.from(frame.head)];
  entries.forEach((e, n) => {
    if (n && separator.length) pieces.push(separator);
    pieces.push(...e);
  });
  pieces.push(Buffer.from(frame.tail));
  return pieces;
}

/** One entry in all three formats, as UTF-8 pieces: what a feed is assembled from, and what `FeedRenderCache` keeps. */
export interface RenderedEntry {
  /** The entry's `updated` (the feed's is the newest). */
  updated: string;
  atom: Buffer[];
  rss: Buffer[];
  json: Buffer[];
}

/**
 * Texts as UTF-8 in one buffer of their exact size, one view per text. An
 * entry's pieces are one allocation outside Buffer's shared 8 KiB pool: the
 * pool's small slices cost a new slab every few pieces (a sixth of an
 * uncached publish's CPU), and a kept piece held its whole slab in memory.
 */
export function encodeTogether(texts: readonly string[]): Buffer[] {
  const sizes = texts.map((t) => Buffer.byteLength(t));
  const all = Buffer.allocUnsafeSlow(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  return texts.map((t, n) => {
    const start = at;
    at += all.write(t, at, sizes[n]!, 'utf8');
    return all.subarray(start, at);
  });
}

/** An entry's rendering depends on the entry only (never on the feed around it), so it can be kept while the entry is unchanged. */
export function renderEntry(entry: FeedEntry): RenderedEntry {
  // The entry's HTML is built once; its CDATA section is the same bytes in Atom and RSS, encoded once and shared.
  const html = entryContentHtml(entry.article);
  const [atomBefore, atomAfter] = atomEntryParts(entry);
  const [rssBefore, rssAfter] = rssItemParts(entry);
  const [content, ...pieces] = encodeTogether([cdataInside(html), atomBefore, atomAfter, rssBefore, rssAfter, jsonFeedItem(entry, html)]);
  return {
    updated: entry.article.updated,
    atom: [pieces[0]!, content!, pieces[1]!],
    rss: [pieces[2]!, content!, pieces[3]!],
    json: [pieces[4]!],
  };
}

/** The feed's three documents as UTF-8 pieces, from entries rendered by `renderEntry`. */
export function assembleFeed(feed: FeedDescription, entries: readonly RenderedEntry[]): Record<FeedFormatName, Buffer[]> {
  return {
    atom: documentPieces(atomFrame(feed), entries.map((e) => e.atom)),
    rss: documentPieces(rssChannelFrame(feed), entries.map((e) => e.rss)),
    json: documentPieces(jsonFeedFrame(feed), entries.map((e) => e.json)),
  };
}

export function renderFeeds(config: FeedConfig, site: FeedSite, entries: readonly FeedEntry[], firstPublished?: string): RenderedFeed {
  const { atom, rss, json } = assembleFeed(describeFeed(config, site, entries, firstPublished), entries.map(renderEntry));
  const text = (pieces: Buffer[]) => Buffer.concat(pieces).toString('utf8');
  return { atom: text(atom), rss: text(rss), json: text(json) };
}
