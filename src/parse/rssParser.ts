/**
 * The rss-parser adapter: the only module that imports rss-parser. It reads one
 * XML document with rss-parser's `parseString` and hands back a typed result; what
 * the fields mean for infrawire is xmlFeed.ts's business.
 *
 * Rules:
 * - Only rss-parser's public options: `defaultRSS`, `customFields` (the raw xml2js
 *   nodes of every element infrawire reads itself, all occurrences, `keepArray`) and
 *   `xml2js` (the caller's element-name processor, lower-cased attribute names on
 *   request, and the body placeholders below). Nothing of rss-parser is patched.
 * - Bodies are set aside while rss-parser runs: it computes a snippet of every item
 *   body (`contentSnippet`, `content:encodedSnippet`) with a tag-stripping regex that
 *   is quadratic in unclosed tags (60 KB of "x<p" took ~5 s), and nothing reads the
 *   snippets. So xml2js hands rss-parser a placeholder instead of the text of each
 *   `description`, `content`, `content:encoded` and `summary` element (an xml2js
 *   value processor): a per-document random nonce and a number, with nothing markup
 *   or xmlbuilder's escaping touches, so its snippet costs nothing. The texts are put
 *   back into every field of the result; where rss-parser serialized an element
 *   holding a body element (a body of child elements only), the text goes back
 *   escaped as xmlbuilder escapes text. Characters XML forbids never get here
 *   (parseFeed strips them), so xmlbuilder's check for them has nothing to reject.
 * - The result names every field infrawire takes from rss-parser; snippets and
 *   everything else rss-parser computes are left behind, and no parser object
 *   outlives the call.
 * - rss-parser's failures are thrown as they are (xmlFeed.ts reads them).
 * - tests/parse/rssParserAdapter.test.ts asserts what this module assumes of
 *   rss-parser (its version, its output's shape, that the placeholders change nothing).
 */
import { randomBytes } from 'node:crypto';
import Parser from 'rss-parser';

/** An xml2js node as rss-parser hands it over: a string, `{_: text, $: attributes, child: [node, …]}`, or a list of nodes. */
export type XmlNode = unknown;

/** Feed-level elements requested raw: our name → the element's name (after the caller's name processor); `$` is the feed element's attributes. */
const FEED_RAW = {
  attrs: '$',
  title: 'title',
  id: 'id',
  authors: 'author',
  editors: 'managingEditor',
  dcCreators: 'dc:creator',
  dcAuthors: 'dc:author',
  itunesAuthors: 'itunes:author',
  published: 'published',
  issued: 'issued',
  created: 'created',
  updated: 'updated',
  modified: 'modified',
  pubDate: 'pubDate',
  lastBuildDate: 'lastBuildDate',
  dcDate: 'dc:date',
  dctermsIssued: 'dcterms:issued',
  dctermsCreated: 'dcterms:created',
  dctermsModified: 'dcterms:modified',
  language: 'language',
  dcLanguage: 'dc:language',
} as const;

/** Item-level elements requested raw (see FEED_RAW); `$` is the item element's attributes. */
const ITEM_RAW = {
  attrs: '$',
  title: 'title',
  guid: 'guid',
  content: 'content',
  encoded: 'content:encoded',
  summary: 'summary',
  description: 'description',
  authors: 'author',
  dcCreators: 'dc:creator',
  dcAuthors: 'dc:author',
  itunesAuthors: 'itunes:author',
  categories: 'category',
  dcSubjects: 'dc:subject',
  mediaTitle: 'media:title',
  abstract: 'abstract',
  published: 'published',
  updated: 'updated',
  // Atom 0.3 names for published and updated, and its creation date.
  issued: 'issued',
  modified: 'modified',
  created: 'created',
  pubDate: 'pubDate',
  dcDate: 'dc:date',
  dctermsIssued: 'dcterms:issued',
  dctermsCreated: 'dcterms:created',
  dctermsModified: 'dcterms:modified',
  dcLanguage: 'dc:language',
  // Feedburner's copy of the publisher's link, when `link` is its feedproxy redirect (always written with this prefix).
  origLink: 'feedburner:origLink',
  // Media: RSS enclosures, every link (Atom's rel="enclosure"), Media RSS and iTunes elements (media.ts reads them).
  enclosures: 'enclosure',
  links: 'link',
  mediaContents: 'media:content',
  mediaGroups: 'media:group',
  mediaThumbnails: 'media:thumbnail',
  itunesImages: 'itunes:image',
  itunesDurations: 'itunes:duration',
} as const;

export type FeedRaw = { [K in keyof typeof FEED_RAW]?: XmlNode };
export type ItemRaw = { [K in keyof typeof ITEM_RAW]?: XmlNode };

/** One item or entry: rss-parser's own readings, and the raw elements. */
export interface RssParserItem {
  /** rss-parser's title (RSS: title, else dc:title; Atom: the title's text). */
  title?: XmlNode;
  /** RSS: the link element; Atom: the href of the alternate link, else of the first. */
  link?: XmlNode;
  /** RSS: the guid's text. */
  guid?: XmlNode;
  /** Atom: the id. */
  id?: XmlNode;
  /** RSS 1.0: the item's rdf:about. */
  rdfAbout?: XmlNode;
  /** RSS: the description; Atom: the content. Its text, or the element serialized (`<div>…</div>`) when it has no text of its own. */
  content?: XmlNode;
  /** The summary element: its text (Atom: or serialized, as `content`). */
  summary?: XmlNode;
  /** The first content:encoded element's text. */
  encoded?: XmlNode;
  raw: ItemRaw;
}

export interface RssParserFeed {
  /** rss-parser's title (RSS: title, else dc:title; Atom: the title's text). */
  title?: XmlNode;
  /** RSS: the link element; Atom: the href of the alternate link, else of the first. */
  link?: XmlNode;
  ttl?: XmlNode;
  raw: FeedRaw;
  items: RssParserItem[];
}

export interface RssParserReading {
  /** Element names as rss-parser should see them (an xml2js tagNameProcessor). */
  elementName: (name: string) => string;
  /** Attribute names lower-cased (CDF's are case-insensitive). */
  lowercaseAttributes?: boolean;
}

/** Elements whose text is set aside (see the rules above): every body rss-parser reads. */
const BODY_ELEMENTS = new Set(['description', 'content', 'content:encoded', 'summary']);

// Distinct from every key rss-parser writes itself, so a raw field never overwrites one of its readings (or the reverse).
const RAW_PREFIX = 'infrawire:';

/** A requested raw field: [element, our key, all occurrences]; rss-parser takes this form for feed fields too, though its typings declare names only. */
function rawFields(fields: Record<string, string>): string[] {
  return Object.entries(fields).map(([key, element]) => [element, `${RAW_PREFIX}${key}`, { keepArray: true }] as unknown as string);
}

/** rss-parser's options for one document; `setAside` is the body placeholders' value processor (none gives rss-parser as it is). */
export function rssParserOptions(reading: RssParserReading, setAside?: (text: string, element: string) => string): Parser.ParserOptions<Record<string, XmlNode>, Record<string, XmlNode>> {
  const lowercase = (name: string): string => name.toLowerCase();
  return {
    // RSS without a version attribute is RSS 2.0, as every reader reads it.
    defaultRSS: 2,
    xml2js: {
      tagNameProcessors: [reading.elementName],
      ...(reading.lowercaseAttributes ? { attrNameProcessors: [lowercase] } : {}),
      ...(setAside ? { valueProcessors: [setAside] } : {}),
    },
    customFields: { feed: rawFields(FEED_RAW), item: rawFields(ITEM_RAW) as never },
  };
}

/** xmlbuilder's escaping of element text (what rss-parser's serializing of an element writes around a body). */
function builderText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** The bodies of one document set aside, and how to put them back. */
class Bodies {
  private readonly texts: string[] = [];
  private readonly nonce = `iw${randomBytes(12).toString('hex')}`;
  private readonly placeholder = new RegExp(`${this.nonce}_(\\d+)_`, 'g');
  private readonly whole = new RegExp(`^${this.nonce}_(\\d+)_$`);

  /** The xml2js value processor: a body's text becomes a placeholder. */
  readonly setAside = (text: string, element: string): string => {
    if (!BODY_ELEMENTS.has(element)) return text;
    this.texts.push(text);
    return `${this.nonce}_${this.texts.length - 1}_`;
  };

  /** A string of rss-parser's result with its placeholders put back. */
  private restoredText(value: string): string {
    if (!value.includes(this.nonce)) return value;
    const whole = this.whole.exec(value);
    if (whole) return this.texts[Number(whole[1])]!;
    // Inside markup rss-parser serialized (an element holding body elements): the text as xmlbuilder writes it.
    return value.replace(this.placeholder, (_, n: string) => builderText(this.texts[Number(n)]!));
  }

  /** A node with its placeholders put back, in place (xml2js nodes are this document's own). Iterative: nesting may be deep. */
  restored(node: XmlNode): XmlNode {
    if (typeof node === 'string') return this.restoredText(node);
    if (!this.texts.length || !node || typeof node !== 'object') return node;
    const stack: Record<string, unknown>[] = [node as Record<string, unknown>];
    for (let at = stack.pop(); at; at = stack.pop()) {
      for (const key of Object.keys(at)) {
        const value = at[key];
        if (typeof value === 'string') at[key] = this.restoredText(value);
        else if (value && typeof value === 'object') stack.push(value as Record<string, unknown>);
      }
    }
    return node;
  }
}

type Output = Record<string, XmlNode>;

function rawOf<K extends string>(fields: Record<K, string>, from: Output, bodies: Bodies): { [P in K]?: XmlNode } {
  const out: { [P in K]?: XmlNode } = {};
  for (const key of Object.keys(fields) as K[]) {
    const value = from[`${RAW_PREFIX}${key}`];
    if (value !== undefined) out[key] = bodies.restored(value);
  }
  return out;
}

function itemOf(item: Output, bodies: Bodies): RssParserItem {
  const read = (value: XmlNode) => (value === undefined ? undefined : bodies.restored(value));
  return {
    title: read(item.title),
    link: read(item.link),
    guid: read(item.guid),
    id: read(item.id),
    rdfAbout: read(item['rdf:about']),
    content: read(item.content),
    summary: read(item.summary),
    encoded: read(item['content:encoded']),
    raw: rawOf(ITEM_RAW, item, bodies),
  };
}

/**
 * The document as rss-parser reads it with infrawire's options (see the rules above).
 * `placeholders: false` gives rss-parser's reading with the bodies left in place (and
 * its snippets computed): the reference the guard test holds the default equal to.
 */
export async function readWithRssParser(xml: string, reading: RssParserReading, { placeholders = true } = {}): Promise<RssParserFeed> {
  const bodies = new Bodies();
  // A parser per document (cheap): nothing of one document reaches the next.
  const feed = (await new Parser(rssParserOptions(reading, placeholders ? bodies.setAside : undefined)).parseString(xml)) as unknown as Output & { items?: Output[] };
  const read = (value: XmlNode) => (value === undefined ? undefined : bodies.restored(value));
  return {
    title: read(feed.title),
    link: read(feed.link),
    ttl: read(feed.ttl),
    raw: rawOf(FEED_RAW, feed, bodies),
    items: (feed.items ?? []).map((item) => itemOf(item, bodies)),
  };
}
