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
 * - Text stays plain text; `content_html` is the same escaped HTML as Atom's.
 */
import type { FeedEntry } from '../store/index.js';
import { xmlSafe } from './html.js';
import type { DocumentFrame, FeedDescription } from './renderFeeds.js';

export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

/** The `_infrawire` extension of one item: the model plus the feed-specific matches. */
export interface InfrawireItemExtension {
  about: string;
  /** Keywords of this feed that matched the article. */
  feedKeywords: string[];
  addedAt: string;
  article: FeedEntry['article'];
}

function item({ article, keywords, addedAt }: FeedEntry, contentHtml: string) {
  const authors = article.authors.length ? article.authors : [article.source.name];
  const extension: InfrawireItemExtension = { about: 'https://github.com/infrawire/infrawire#json-feed-extension', feedKeywords: keywords, addedAt, article };
  return {
    id: article.id,
    url: article.url,
    title: xmlSafe(article.title),
    summary: xmlSafe(article.summary),
    content_html: contentHtml,
    date_published: article.published,
    date_modified: article.updated,
    authors: authors.map((name) => ({ name: xmlSafe(name) })),
    tags: keywords,
    _infrawire: extension,
  };
}

/** `{"items": [` and `]}` around one item, as JSON.stringify(…, null, 2) writes them. */
const ITEM_PREFIX = '{\n  "items": [\n'.length;
const ITEM_SUFFIX = '\n  ]\n}'.length;

/** One item as the document has it (inside `items`, 4 spaces deep): stringified inside the same nesting and cut out, so its indentation is JSON.stringify's own. */
export function jsonFeedItem(entry: FeedEntry, contentHtml: string): string {
  const nested = JSON.stringify({ items: [item(entry, contentHtml)] }, null, 2);
  return nested.slice(ITEM_PREFIX, nested.length - ITEM_SUFFIX);
}

/** The document around items rendered by `jsonFeedItem`: the same bytes as JSON.stringify(doc, null, 2) of the whole. */
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
  const whole = JSON.stringify(doc, null, 2);
  // `items` is the last key, rendered as `"items": []` at the end.
  return { head: `${whole.slice(0, -'[]\n}'.length)}[\n`, separator: ',\n', tail: '\n  ]\n}\n', empty: `${whole}\n` };
}
