/**
 * The JSON Feed 1.1 serializer (https://jsonfeed.org/version/1.1), written by
 * hand because `feed` only emits version 1.
 *
 * Rules:
 * - Pure and deterministic, like the Atom output.
 * - Every item carries the whole Article model in the `_infrawire` extension
 *   object (FAQs, figures, keywords, source, related reports, generated flags),
 *   so programs read the model without scraping HTML. Extension keys start
 *   with "_" as the spec requires; readers that do not know them ignore them.
 * - The extension holds what the item's standard fields do not: `feedKeywords`
 *   (this feed's matched terms, = `tags`), `addedAt` (when the entry joined the
 *   feed) and `article`, the Article exactly as stored (with a cluster lead's
 *   `related` and `updated` as published). Its body forms are not duplicates:
 *   `paragraphs` is the plain text, `bodyHtml` the sanitized body alone, and
 *   `content_html` the rendered entry (summary, body, figures, FAQ, related,
 *   source line), from which neither can be cut out exactly.
 * - Compact JSON, one item a line: programs read it, and indentation was a
 *   sixth of the bytes.
 * - Text stays plain text; `content_html` is the same escaped HTML as Atom's.
 * - Media: the entry image is `image`, every enclosure an `attachments` member.
 */
import type { Enclosure, FeedEntry } from '../model/index.js';
import { xmlSafe } from '../lib/markup.js';
import { UNKNOWN_MEDIA_TYPE } from '../lib/media.js';
import type { DocumentFrame, FeedDescription } from './document.js';

export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

/** The `_infrawire` extension of one item: the model plus the feed-specific matches. */
export interface InfrawireItemExtension {
  about: string;
  /** Keywords of this feed that matched the article. */
  feedKeywords: string[];
  addedAt: string;
  article: FeedEntry['article'];
}

const ABOUT = 'https://github.com/infrawire/infrawire#json-feed-extension';

const ARTICLE_KEY = ',"article":';
const ITEM_END = Buffer.from('}}');

/**
 * JSON.stringify of XML-safe text (no control characters but tab, newline and
 * return; no lone surrogates): the only characters it escapes are these five,
 * and literal replaces do it in a fraction of the time on long HTML.
 */
function jsonText(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t')}"`;
}

/** An enclosure as a JSON Feed attachment: every one is kept (JSON Feed allows several). */
function attachment(e: Enclosure) {
  return {
    url: e.url,
    mime_type: e.type ?? UNKNOWN_MEDIA_TYPE,
    ...(e.title ? { title: e.title } : {}),
    ...(e.length ? { size_in_bytes: e.length } : {}),
    ...(e.durationSeconds ? { duration_in_seconds: e.durationSeconds } : {}),
  };
}

/**
 * One item as the document has it, in three parts: compact JSON up to the
 * extension's `article`, which comes last so it can be the stored Article
 * JSON as it is (the same bytes JSON.stringify writes for it; it is the
 * largest part of the item) when the entry has it, and is serialized only
 * otherwise; then `ITEM_END`.
 */
export function jsonFeedItemParts({ article, keywords, addedAt, stored }: FeedEntry, contentHtml: string): [head: string, article: Buffer | string, end: Buffer] {
  const authors = article.authors.length ? article.authors : [article.source.name];
  const extension: Omit<InfrawireItemExtension, 'article'> = { about: ABOUT, feedKeywords: keywords, addedAt };
  // The members in order: id, url, title, summary, content_html (the entry HTML, XML-safe), then the rest.
  const before = JSON.stringify({ id: article.id, url: article.url, title: xmlSafe(article.title), summary: xmlSafe(article.summary) });
  const after = JSON.stringify({
    ...(article.image ? { image: article.image.url } : {}),
    ...(article.enclosures?.length ? { attachments: article.enclosures.map(attachment) } : {}),
    date_published: article.published,
    date_modified: article.updated,
    authors: authors.map((name) => ({ name: xmlSafe(name) })),
    tags: keywords,
    _infrawire: extension,
  });
  // `before` without its closing brace, `after` without its opening one and the closing braces of the extension and the item.
  const head = `${before.slice(0, -1)},"content_html":${jsonText(contentHtml)},${after.slice(1, -2)}${ARTICLE_KEY}`;
  return [head, stored ?? JSON.stringify(article), ITEM_END];
}

/**
 * The document around items rendered from `jsonFeedItemParts`: compact JSON (the feed
 * is read by programs; indentation was a sixth of its bytes), one item a line.
 */
export function jsonFeedFrame(feed: FeedDescription): DocumentFrame {
  const doc = {
    version: JSON_FEED_VERSION,
    title: xmlSafe(feed.title),
    home_page_url: feed.links.statusPage,
    feed_url: feed.links.json,
    ...(feed.subtitle === undefined ? {} : { description: xmlSafe(feed.subtitle) }),
    icon: feed.icon,
    authors: [{ name: xmlSafe(feed.author) }],
    ...(feed.hub ? { hubs: [{ type: 'WebSub', url: feed.hub }] } : {}),
    items: [],
  };
  const whole = JSON.stringify(doc);
  // `items` is the last key, rendered as `"items":[]}` at the end.
  return { head: `${whole.slice(0, -']}'.length)}\n`, separator: ',\n', tail: '\n]}\n', empty: `${whole}\n` };
}
