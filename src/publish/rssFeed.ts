/**
 * The `feed` adapter: the only module that imports `feed`. It writes a feed's RSS 2.0
 * channel and hands it over as the text around the items, which renderFeeds.ts
 * writes itself (an entry is rendered once and kept; `feed` writes whole documents only).
 *
 * Rules:
 * - `feed`'s public API only: `new Feed(options)`, `addItem`, `rss2()`.
 * - The frame is found by parsing, not by string positions or indentation: the
 *   channel is rendered with one marker item (a fixed title, and content, so the
 *   head declares the content namespace our items use), and that document is read
 *   by htmlparser2 in XML mode into elements with where each starts and ends. The
 *   marker must be the only `item`, a child of the only `channel`, the only child
 *   of the `rss` root, which declares the content namespace. The head is the text
 *   before the marker less the whitespace just before it (items bring their own);
 *   the tail is the text after it. Nothing depends on how `feed` indents.
 * - Whatever does not fit (a tag the parser had to close itself, no channel or
 *   two, another item, text beside the marker, no content namespace) throws an
 *   error naming it: a feed that cannot be framed is not published, never
 *   published broken. The document with no entries is read the same way.
 * - A feed with no entries is `feed`'s channel without items, as it writes it.
 * - tests/publish/rssFeedAdapter.test.ts asserts what this module assumes of `feed`.
 */
import { Feed, type FeedOptions } from 'feed';
import { Parser } from 'htmlparser2';
import { xmlSafe } from '../lib/markup.js';
import type { DocumentFrame, FeedDescription } from './document.js';

/** The namespace of `content:encoded`, which every item renderFeeds.ts writes has. */
export const CONTENT_NAMESPACE = 'http://purl.org/rss/1.0/modules/content/';

/** XML's white space (String.prototype.trim knows more, such as U+00A0, which is text in XML). */
const XML_SPACE = /^[ \t\r\n]*$/;

/** The title of the marker item (found by structure; the text only confirms it is ours). */
export const MARKER_TITLE = 'infrawire-frame-marker';

/** The options of the feed's channel: everything but the items. */
export function channelOptions(feed: FeedDescription): FeedOptions {
  return {
    id: feed.id,
    title: xmlSafe(feed.title),
    description: feed.subtitle === undefined ? undefined : xmlSafe(feed.subtitle),
    link: feed.links.statusPage,
    updated: new Date(feed.updated),
    generator: `${feed.generator.name} ${feed.generator.version}`,
    author: { name: xmlSafe(feed.author) },
    feedLinks: { rss: feed.links.rss },
    hub: feed.hub,
  };
}

/** An element of a parsed document: where it starts (its `<`) and ends (after its last `>`), and its own text. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  parent?: XmlElement;
  children: XmlElement[];
  /** The text directly inside it (CDATA included, entities decoded), its children's left out. */
  text: string;
  start: number;
  end: number;
}

/**
 * The root elements of an XML document, read by htmlparser2 in XML mode. Throws
 * where the parser had to close an element itself (an end tag missing or out of
 * order) and on text outside the root; it does not check every rule of XML (the
 * tests do that on what is published).
 */
export function xmlElements(xml: string): XmlElement[] {
  const roots: XmlElement[] = [];
  const open: XmlElement[] = [];
  let openTagEnd = -1;
  let failure: string | undefined;
  const fail = (message: string) => {
    failure ??= message;
  };
  const parser: Parser = new Parser(
    {
      onopentag(name, attributes) {
        const parent = open.at(-1);
        const element: XmlElement = { name, attributes, parent, children: [], text: '', start: parser.startIndex, end: -1 };
        (parent ? parent.children : roots).push(element);
        open.push(element);
        openTagEnd = parser.endIndex;
      },
      onclosetag(name, isImplied) {
        const element = open.pop();
        if (!element) return fail(`</${name}> closes nothing`);
        // A self-closing tag is closed "implied" in the event of its own start tag; any other implied close is a missing end tag.
        if (isImplied && parser.endIndex !== openTagEnd) fail(`<${element.name}> at ${element.start} is not closed`);
        element.end = parser.endIndex + 1;
      },
      ontext(text) {
        const element = open.at(-1);
        if (element) element.text += text;
        else if (!XML_SPACE.test(text)) fail(`text outside the root element at ${parser.startIndex}`);
      },
      onerror(err) {
        fail(err.message);
      },
    },
    { xmlMode: true },
  );
  parser.parseComplete(xml);
  if (failure) throw new Error(failure);
  return roots;
}

/** The one `channel` under the `rss` root of a document `feed` wrote, with its items. */
function rssChannel(xml: string): { rss: XmlElement; channel: XmlElement; items: XmlElement[] } {
  const roots = xmlElements(xml);
  const rss = roots[0];
  if (roots.length !== 1 || rss!.name !== 'rss') throw new Error(`expected one <rss> root, found ${roots.map((r) => `<${r.name}>`).join(', ') || 'none'}`);
  const channel = rss!.children[0];
  if (rss!.children.length !== 1 || channel!.name !== 'channel') throw new Error(`expected <channel> as the only child of <rss>, found ${rss!.children.map((c) => `<${c.name}>`).join(', ') || 'none'}`);
  if (!XML_SPACE.test(rss!.text)) throw new Error('text beside the <channel>');
  if (!XML_SPACE.test(channel!.text)) throw new Error('text inside the <channel> outside its elements');
  const items: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.name === 'item') items.push(e);
    e.children.forEach(walk);
  };
  walk(rss!);
  return { rss: rss!, channel: channel!, items };
}

/** The head and tail around the marker item of a channel `feed` wrote with it alone (see the rules above). */
export function frameAround(xml: string): { head: string; tail: string } {
  const { rss, channel, items } = rssChannel(xml);
  const marker = items[0];
  if (items.length !== 1 || marker!.parent !== channel) throw new Error(`expected the marker <item> as the only item, in the <channel>; found ${items.length} items`);
  const titles = marker!.children.filter((c) => c.name === 'title');
  if (titles.length !== 1 || titles[0]!.text !== MARKER_TITLE) throw new Error('the marker <item> does not have the marker title');
  if (rss.attributes['xmlns:content'] !== CONTENT_NAMESPACE) throw new Error(`<rss> does not declare xmlns:content="${CONTENT_NAMESPACE}" for an item with content`);
  // The channel's text is whitespace (checked above), so what precedes the marker back to the last markup is that whitespace.
  let headEnd = marker!.start;
  while (headEnd > 0 && ' \t\r\n'.includes(xml[headEnd - 1]!)) headEnd--;
  return { head: xml.slice(0, headEnd), tail: xml.slice(marker!.end) };
}

/** The feed's RSS 2.0 document around items (see the rules above); `empty` is the document with none. */
export function rssChannelFrame(feed: FeedDescription): DocumentFrame {
  const marked = new Feed(channelOptions(feed));
  marked.addItem({ title: MARKER_TITLE, link: feed.links.statusPage, date: new Date(0), content: 'x' });
  const empty = new Feed(channelOptions(feed)).rss2();
  let frame: { head: string; tail: string };
  try {
    frame = frameAround(marked.rss2());
    const { items } = rssChannel(empty);
    if (items.length) throw new Error(`the channel with no entries has ${items.length} items`);
  } catch (err) {
    throw new Error(`RSS for ${feed.id}: the feed package's channel cannot be framed: ${(err as Error).message}`, { cause: err });
  }
  return { ...frame, separator: '', empty };
}
