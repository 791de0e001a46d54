/**
 * The JSON Feed 1.1 serializer (https://jsonfeed.org/version/1.1), written by
 * hand because `feed` only emits version 1.
 *
 * Rules:
 * - Pure and deterministic, like the Atom output.
 * - Every item carries the rest of the Article model in the `_infrawire`
 *   extension object (FAQs, figures, source, related reports, the FAQ across
 *   outlets, generated flags),
 *   so programs read the model without scraping HTML. Extension keys start
 *   with "_" as the spec requires; readers that do not know them ignore them.
 * - Each fact once (docs/json-feed-extension.schema.json, tested on the
 *   output): what the item's own fields say (`id`, `url`, `title`, `summary`,
 *   `content_html`, dates, `authors`, `tags`, `attachments`) is not repeated in
 *   the extension. The body is `content_html` (rendered) and `paragraphs`
 *   (plain text) only. `tags` are this feed's current matched terms (from the
 *   feed's entries, re-decided after a rule change), never the keywords frozen
 *   into the stored article at ingest.
 * - Older stored articles are read into today's shape here (a figure without
 *   `display` shows its text), so the output always matches the schema.
 * - Compact JSON, one item a line: programs read it, and indentation was a
 *   sixth of the bytes.
 * - Text stays plain text; `content_html` is the same escaped HTML as Atom's.
 * - Media: the entry image is `image`, every enclosure an `attachments` member.
 */
import type { Article, Enclosure, FeedEntry, Figure } from '../model/index.js';
import { xmlSafe } from '../lib/markup.js';
import { UNKNOWN_MEDIA_TYPE } from '../lib/media.js';
import type { DocumentFrame, FeedDescription } from './document.js';

export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

/** What the extension carries of an Article: what the item's standard fields do not. */
export type ExtensionArticle = Pick<Article, 'source' | 'paragraphs' | 'faqs' | 'categories' | 'figures' | 'related'> &
  Partial<Pick<Article, 'guid' | 'language' | 'image' | 'storyFaqs'>>;

/** The `_infrawire` extension of one item. */
export interface InfrawireItemExtension {
  about: string;
  /** When the entry joined this feed. */
  addedAt: string;
  article: ExtensionArticle;
}

const ABOUT = 'https://github.com/infrawire/infrawire#json-feed-extension';


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

/** A figure stored before `display` existed shows its text as written. */
function currentFigure(f: Figure): Figure {
  return f.display ? f : { ...f, display: f.text };
}

/** The article's facts the item's own fields do not carry, in today's shape. */
export function extensionArticle(article: Article): ExtensionArticle {
  return {
    ...(article.guid ? { guid: article.guid } : {}),
    source: article.source,
    paragraphs: article.paragraphs,
    faqs: article.faqs,
    categories: article.categories,
    ...(article.language ? { language: article.language } : {}),
    figures: article.figures.map(currentFigure),
    related: article.related,
    ...(article.storyFaqs?.length ? { storyFaqs: article.storyFaqs } : {}),
    ...(article.image ? { image: article.image } : {}),
  };
}

/** One item as the document has it: compact JSON, its members in a fixed order. */
export function jsonFeedItem({ article, keywords, addedAt }: FeedEntry, contentHtml: string): string {
  const authors = article.authors.length ? article.authors : [article.source.name];
  const extension: InfrawireItemExtension = { about: ABOUT, addedAt, article: extensionArticle(article) };
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
  // `before` without its closing brace, `after` without its opening one.
  return `${before.slice(0, -1)},"content_html":${jsonText(contentHtml)},${after.slice(1)}`;
}

/**
 * The document around items rendered by `jsonFeedItem`: compact JSON (the feed
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
