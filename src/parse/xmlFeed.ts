/**
 * RSS 2.0, RSS 0.9x, RSS 1.0 (RDF), Atom 1.0/0.3 and CDF into ParsedFeed, through
 * rss-parser (its adapter, rssParser.ts) on text infrawire fetched and decoded itself.
 *
 * Rules (feedparser's readings are the reference where feeds stray from the specs):
 * - Before parsing: inline markup in text constructs is escaped (inlineMarkup.ts), a
 *   CDF document is wrapped as RSS (cdf.ts); while parsing, element names lose the
 *   feed vocabulary's prefix and match case-insensitively (names.ts).
 * - rss-parser keeps only the first Atom author, no Atom categories, no feed-level
 *   id/authors/dates, and the first of repeated elements, so the raw xml2js nodes
 *   are requested too (rssParser.ts) and read here (repeated dates: the last wins).
 * - Authors are names (people.ts): Atom author, RSS author, dc:creator, dc:author,
 *   itunes:author, and a channel's managingEditor; an Atom entry without authors has
 *   its feed's (RFC 4287 4.2.1). An RSS item without a link takes its guid when that
 *   is a permalink URL (RSS 2.0). A missing title is taken from media:title.
 *   `feedburner:origLink` (the publisher's link behind a feedproxy `link`) is
 *   kept beside the link as `origLink`; normalize publishes it.
 * - Dates: published from pubDate, dc:date (items), dcterms:issued, Atom published/
 *   issued, then created; updated from Atom updated/modified, lastBuildDate and
 *   dc:date (channels), dcterms:modified.
 * - Fields are copied out as plain strings; no parser object outlives the call.
 * - Language (normalize reads numbers by it): the innermost statement wins, as
 *   xml:lang is inherited: the body element's xml:lang, the item's dc:language, its
 *   xml:lang, then the feed's dc:language, RSS <language>, the feed element's and
 *   the root's xml:lang. Only well-formed tags count (lib/language.ts).
 * - Enclosures and image candidates (RSS, Atom, Media RSS, iTunes) are read by media.ts.
 * - xml:base (RFC 3986 resolution, XML Base) is inherited: the document URL, then
 *   the root element, the feed/channel element, the entry/item, then the element the
 *   body came from (RSS 1.0 items are the root's children, not the channel's).
 *   Only an absolute http(s) result is kept, so a hostile base cannot become a
 *   javascript: or file: prefix for every link in the body.
 * - A strict failure gets one more try on a lenient reading of the text (lenient.ts:
 *   tags balanced); when that parses, the feed says so (`repaired`: the strict
 *   parser's complaint, then what was changed), else the strict failure stands. So
 *   it does when the document had items and the reading kept none of them: a source
 *   that only ever serves a cut-off item must show as failing, not as an empty feed.
 * - Any parser failure becomes a ParseError that names what is wrong.
 */
import type { FeedFormat, ParsedFeed, ParsedItem } from '../model/index.js';
import { decodeEntities, escapeHtml } from '../lib/markup.js';
import { ParseError } from './errors.js';
import { cdfAsRss, cdfAttributes } from './cdf.js';
import { escapeInlineMarkup } from './inlineMarkup.js';
import { elementNameNormalizer, feedPrefixes } from './names.js';
import { languageTag } from '../lib/language.js';
import { personName } from '../lib/people.js';
import { balanceTags } from './lenient.js';
import { atomLinkHrefFromText } from './repair.js';
import { readWithRssParser, type FeedRaw, type ItemRaw, type RssParserFeed, type RssParserItem, type XmlNode as Node } from './rssParser.js';
import { rootElement } from './sniff.js';
import { httpUrl } from '../lib/url.js';
import { xmlItemMedia } from './media.js';
import { asList, attributesOf, text } from './xmlNodes.js';

const ATOM10_NS = 'http://www.w3.org/2005/Atom';

/**
 * rss-parser's reading of one document: element names normalized (names.ts), CDF's
 * attribute names lower-cased (they are case-insensitive there).
 */
function read(xml: string, prefixes: Set<string>, format: FeedFormat): Promise<RssParserFeed> {
  return readWithRssParser(xml, { elementName: elementNameNormalizer(prefixes), lowercaseAttributes: format === 'cdf' });
}

/** Text of the last occurrence of a repeated element: a later value corrects an earlier one (feedparser keeps the last). */
function lastText(node: Node): string | undefined {
  return Array.isArray(node) ? text(node[node.length - 1]) : text(node);
}

/** The first of several candidate values that is set. */
function firstSet(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined);
}

/** An Atom person (<name>, else <email>) or an RSS person string ("email (Name)", …) as a display name. */
function personOf(node: Node): string | undefined {
  if (node && typeof node === 'object' && !Array.isArray(node) && ('name' in node || 'email' in node)) {
    const person = node as { name?: Node; email?: Node };
    return personName(text(person.name)) ?? personName(text(person.email));
  }
  return personName(text(node));
}

/**
 * Names from author elements (Atom author, RSS author), then dc:creator, dc:author,
 * itunes:author, and for a channel its managingEditor; each name once.
 */
function authorsOf(element: FeedRaw & ItemRaw): string[] {
  const out: string[] = [];
  for (const list of [element.authors, element.dcCreators, element.dcAuthors, element.itunesAuthors, element.editors]) {
    for (const node of asList(list)) {
      const name = personOf(node);
      if (name && !out.includes(name)) out.push(name);
    }
  }
  return out;
}

function categoriesOf(item: ItemRaw): string[] {
  const out: string[] = [];
  for (const list of [item.categories, item.dcSubjects]) {
    for (const c of Array.isArray(list) ? list : []) {
      // Atom: <category term="…"/>; RSS: <category>…</category>
      const term = c && typeof c === 'object' && (c as { $?: { term?: unknown } }).$?.term;
      const value = typeof term === 'string' ? term.trim() : text(c);
      if (value && !out.includes(value)) out.push(value);
    }
  }
  return out;
}

/**
 * Whether a text construct is base64: Atom 0.3 `mode="base64"`, or (no mode) a `type`
 * that is a media type neither textual nor XML (RFC 4287 4.1.3.3, which feedparser
 * applies to every text construct).
 */
function isBase64(attrs: { mode?: unknown; type?: unknown } | undefined): boolean {
  if (attrs?.mode !== undefined) return attrs.mode === 'base64';
  const type = typeof attrs?.type === 'string' ? attrs.type.trim().toLowerCase() : '';
  return type.includes('/') && !type.startsWith('text/') && !/[/+]xml$/.test(type) && !type.endsWith('/xml-dtd');
}

/** Whether an Atom text construct is plain text: no type, `text`, or Atom 0.3's `text/plain` (the defaults). */
function isPlainText(attrs: { type?: unknown } | undefined): boolean {
  const type = typeof attrs?.type === 'string' ? attrs.type.trim().toLowerCase() : '';
  return type === '' || type === 'text' || type === 'text/plain';
}

/**
 * A title as HTML, which is how the model carries titles (normalize reads them as
 * HTML): a base64 construct decoded (UTF-8); an Atom 1.0 plain-text construct escaped,
 * so "History of the <blink> tag" keeps its brackets. RSS and Atom 0.3 titles stay as
 * written: their publishers routinely put HTML in without saying so (feedparser
 * reads them as HTML too).
 */
function titleHtml(raw: Node, fallback: Node, typedText: boolean): string | undefined {
  const attrs = attributesOf(raw);
  const inner = (asList(raw)[0] as { _?: unknown } | undefined)?._;
  const value = isBase64(attrs) && typeof inner === 'string' ? Buffer.from(inner, 'base64').toString('utf8').trim() || undefined : text(fallback);
  return value !== undefined && typedText && isPlainText(attrs) ? escapeHtml(value) : value;
}

/**
 * An Atom 1.0 body (content, summary) as HTML: a plain-text construct (no type,
 * `text`) is text by RFC 4287 3.1.1.1, so "a < b" or "<GPU>" is escaped, and
 * when blank lines separate paragraphs each becomes a <p> element; html and xhtml (already
 * rewritten to html, see inlineMarkup.ts) stay as they are. feedparser does the same
 * and, for Atom, never guesses that plain text is HTML.
 */
function atomBodyHtml(value: string | undefined, raw: Node): string | undefined {
  if (value === undefined || !isPlainText(attributesOf(raw))) return value;
  const paragraphs = value.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  return paragraphs.length > 1 ? paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') : escapeHtml(value);
}

/** An xml: attribute (`xml:base`, `xml:lang`) of a raw element (or of the first of a list, or of an attributes node), if any. */
function xmlAttributeOf(node: Node, name: 'xml:base' | 'xml:lang'): string | undefined {
  const first = Array.isArray(node) ? node[0] : node;
  const attrs = first && typeof first === 'object' ? (first as { $?: unknown }).$ ?? first : undefined;
  const value = attrs && typeof attrs === 'object' ? (attrs as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function xmlBaseOf(node: Node): string | undefined {
  return xmlAttributeOf(node, 'xml:base');
}

/**
 * The language of the innermost of `elements` (outermost first) that states one:
 * its xml:lang, or for an item or feed its dc:language or RSS <language> element.
 */
function languageIn(elements: (Node | { lang: Node })[]): string | undefined {
  let language: string | undefined;
  for (const element of elements) {
    const own = element && typeof element === 'object' && 'lang' in element ? languageTag(lastText(element.lang)) : languageTag(xmlAttributeOf(element, 'xml:lang'));
    if (own) language = own;
  }
  return language;
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
    const resolved = own ? httpUrl(own, base) : undefined;
    if (resolved) [base, set] = [resolved, true];
  }
  return set ? base : undefined;
}

/** A relative link resolved against the base in force; absolute links, and links without a base, as written. */
function absoluteIn(link: string | undefined, base: string | undefined): string | undefined {
  if (!link || !base || /^[a-z][a-z0-9+.-]*:/i.test(link)) return link;
  return httpUrl(link, base) ?? link;
}

/** The raw element the body was taken from, so its own xml:base applies to the body. */
function bodyElement(item: ItemRaw, hasEncoded: boolean, hasContent: boolean): Node {
  if (hasEncoded) return item.encoded;
  if (hasContent) return item.content ?? item.description;
  return item.summary;
}

interface Bases {
  document?: string;
  /** The root element when it is not the feed element (RSS's <rss>, RSS 1.0's <rdf:RDF>), as a node holding its xml:base. */
  root?: Node;
  feedElement: Node;
  /** RSS 1.0: items are the root's children, outside the channel. */
  itemsOutsideFeedElement: boolean;
  /** The feed's language (see `languageIn`), which its items inherit. */
  language?: string;
}

/** The elements whose xml:base is in force for an item, outermost first. */
function itemScope(bases: Bases, item: ItemRaw): Node[] {
  return [bases.root, ...(bases.itemsOutsideFeedElement ? [] : [bases.feedElement]), item.attrs];
}

/** The root element's xml:base and xml:lang as a node, read from its start tag (rss-parser hands over the channel, not the root). */
function rootAttributesNode(xml: string): Node {
  const attrs = rootElement(xml)?.attrs ?? '';
  const node: Record<string, string> = {};
  for (const name of ['xml:base', 'xml:lang']) {
    const value = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs);
    if (value) node[name] = decodeEntities(value[1] ?? value[2]!);
  }
  return Object.keys(node).length ? node : undefined;
}

/** An RSS guid that is a permalink (isPermaLink is not "false") and an http(s) URL: the item's link when it has none (RSS 2.0). */
function permalinkGuid(item: ItemRaw): string | undefined {
  const node = asList(item.guid)[0];
  const isPermaLink = attributesOf(node)?.isPermaLink;
  const guid = text(node);
  if (!guid || (typeof isPermaLink === 'string' && isPermaLink.trim().toLowerCase() === 'false')) return undefined;
  return /^https?:\/\//i.test(guid) ? httpUrl(guid, undefined) : undefined;
}

/** Published and updated of an entry or a feed, in each format's own elements (the last of repeated ones). */
function datesOf(element: FeedRaw & ItemRaw, isAtom: boolean, scope: 'feed' | 'item'): { published?: string; updated?: string } {
  const created = firstSet(lastText(element.created), lastText(element.dctermsCreated));
  if (isAtom) {
    const updated = firstSet(lastText(element.updated), lastText(element.modified));
    // An entry without a publication date is dated by its creation, else its last update.
    return { published: firstSet(lastText(element.published), lastText(element.issued), created, scope === 'item' ? updated : undefined), updated };
  }
  const pubDate = lastText(element.pubDate);
  // dc:date dates an RSS item's publication, but a channel's last change (as feedparser reads them).
  const dcDate = lastText(element.dcDate);
  return {
    published: firstSet(pubDate, scope === 'item' ? dcDate : undefined, lastText(element.dctermsIssued), created),
    updated: firstSet(scope === 'feed' ? lastText(element.lastBuildDate) : undefined, scope === 'feed' ? dcDate : undefined, lastText(element.dctermsModified)),
  };
}

function toItem(item: RssParserItem, format: FeedFormat, bases: Bases, feedAuthors: string[], atom10: boolean): ParsedItem {
  const { raw } = item;
  const encoded = text(item.encoded);
  const plainContent = typeof item.content === 'string' ? item.content : undefined;
  const plainSummary = typeof item.summary === 'string' ? item.summary : text(item.summary);
  const content = atom10 ? atomBodyHtml(plainContent, raw.content) : plainContent;
  const summary = atom10 ? atomBodyHtml(plainSummary, raw.summary) : plainSummary;
  const isAtom = format === 'atom';
  const itemBase = xmlBaseChain(bases.document, itemScope(bases, raw)) ?? bases.document;
  const cdf = format === 'cdf' ? cdfAttributes(raw.attrs) : {};
  const link = text(item.link) ?? cdf.href ?? (isAtom ? undefined : permalinkGuid(raw));
  const authors = authorsOf(raw);
  const dates = datesOf(raw, isAtom, 'item');
  const hasEncoded = encoded !== undefined;
  const body = bodyElement(raw, hasEncoded, content !== undefined);
  const language = languageIn([raw.attrs, { lang: raw.dcLanguage }, body]) ?? bases.language;
  return {
    guid: text(item.guid) ?? text(item.id) ?? text(item.rdfAbout),
    // A relative link is relative to the item's xml:base, else to the document (RFC 3986 5.1).
    link: absoluteIn(link, itemBase),
    origLink: absoluteIn(text(raw.origLink), itemBase),
    baseUrl: xmlBaseChain(bases.document, [...itemScope(bases, raw), body]),
    title: titleHtml(raw.title, item.title, atom10) ?? lastText(raw.mediaTitle),
    // RSS: content:encoded is the body and description the summary; Atom: content and summary.
    contentHtml: encoded ?? content ?? summary ?? text(raw.abstract),
    summaryHtml: isAtom ? summary : encoded ? content : undefined,
    published: dates.published,
    updated: dates.updated ?? cdf.lastmod,
    // An Atom entry without authors has its feed's (RFC 4287 4.2.1).
    authors: authors.length || !isAtom ? authors : feedAuthors,
    categories: categoriesOf(raw),
    // Media URLs resolve like the link: against the item's base (media.ts).
    ...xmlItemMedia(raw, (ref) => httpUrl(ref, itemBase)),
    ...(language ? { language } : {}),
  };
}

function positiveInteger(value: string | undefined): number | undefined {
  const n = value && /^\d+$/.test(value) ? Number(value) : NaN;
  return n > 0 ? n : undefined;
}

/**
 * The text as rss-parser should see it: inline markup in text constructs escaped
 * (inlineMarkup.ts), CDF wrapped as RSS, Atom links written as text given an href
 * (repair.ts). `prefixes` are the feed vocabulary's prefixes (names.ts).
 */
function prepared(xml: string, format: FeedFormat, prefixes: Set<string>): string {
  if (format === 'atom') return escapeInlineMarkup(atomLinkHrefFromText(xml, prefixes), 'atom', prefixes);
  return escapeInlineMarkup(format === 'cdf' ? cdfAsRss(xml) : xml, 'rss', prefixes);
}

/**
 * The operator's reading of a parser failure. rss-parser reads `channel[0]` without
 * looking, so well-formed RSS without a channel surfaces as a TypeError: that is a
 * document that is not a feed, not broken XML.
 */
function parseErrorOf(err: unknown, format: FeedFormat, xml: string): ParseError {
  const message = (err as Error).message?.split('\n')[0] ?? String(err);
  const hasChannel = /<(?:[\w.-]+:)?channel[\s/>]/i.test(xml);
  if (err instanceof TypeError && format !== 'atom' && !hasChannel) return new ParseError(`not a feed: the ${format === 'rss1' ? 'RDF' : 'RSS'} document has no <channel> element`);
  return new ParseError(/not recognized/i.test(message) ? `not a feed: ${message}` : `invalid XML: ${message}`);
}

/** The strict parser's complaint, short: its first line and the line it was on. */
function strictComplaint(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  const line = /\nLine: (\d+)/.exec(message)?.[1];
  return `invalid XML${line ? ` at line ${Number(line) + 1}` : ''}: ${message.split('\n')[0]}`;
}

/** `documentUrl` is where the document was fetched from: the outermost base for xml:base. */
export async function parseXmlFeed(xml: string, format: FeedFormat, documentUrl?: string): Promise<ParsedFeed> {
  const prefixes = feedPrefixes(xml);
  let feed: RssParserFeed;
  let repaired: string[] | undefined;
  try {
    feed = await read(prepared(xml, format, prefixes), prefixes, format);
  } catch (err) {
    // Only markup the XML parser refused (its errors say where); rss-parser's own failures are not about tags.
    const lenient = /\nLine: \d+/.test((err as Error)?.message ?? '') ? balanceTags(xml) : undefined;
    if (!lenient) throw parseErrorOf(err, format, xml);
    try {
      feed = await read(prepared(lenient.text, format, prefixes), prefixes, format);
    } catch {
      throw parseErrorOf(err, format, xml);
    }
    if (lenient.items > 0 && !feed.items.length) throw parseErrorOf(err, format, xml);
    repaired = [strictComplaint(err), ...lenient.notes];
  }
  const { raw } = feed;
  const isAtom = format === 'atom';
  const bases: Bases = {
    document: documentUrl ? httpUrl(documentUrl, undefined) : undefined,
    // Atom's and CDF's feed element is the root itself.
    root: format === 'rss2' || format === 'rss1' ? rootAttributesNode(xml) : undefined,
    feedElement: raw.attrs,
    itemsOutsideFeedElement: format === 'rss1',
  };
  bases.language = languageIn([bases.root, raw.attrs, { lang: raw.language }, { lang: raw.dcLanguage }]);
  const authors = authorsOf(raw);
  const cdf = format === 'cdf' ? cdfAttributes(raw.attrs) : {};
  // Atom 1.0 (its namespace on the root), where a text construct's type is meant.
  const atom10 = isAtom && Object.values((raw.attrs ?? {}) as Record<string, unknown>).includes(ATOM10_NS);
  const dates = datesOf(raw, isAtom, 'feed');
  return {
    format,
    title: titleHtml(raw.title, feed.title, atom10),
    link: absoluteIn(text(feed.link) ?? cdf.href, xmlBaseChain(bases.document, [bases.root, bases.feedElement]) ?? bases.document),
    ttlMinutes: positiveInteger(text(feed.ttl)),
    ...(bases.language ? { language: bases.language } : {}),
    ...(isAtom && text(raw.id) ? { id: text(raw.id) } : {}),
    ...(authors.length ? { authors } : {}),
    published: dates.published,
    updated: dates.updated ?? cdf.lastmod,
    items: feed.items.map((i) => toItem(i, format, bases, authors, atom10)),
    ...(repaired ? { repaired } : {}),
  };
}
