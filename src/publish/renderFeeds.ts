/**
 * Rendering one curated feed as Atom 1.0, RSS 2.0 and JSON Feed (via `feed`).
 *
 * Rules:
 * - Pure: the same entries give the same bytes. Nothing time-dependent is
 *   rendered: the feed's `updated` is its newest entry's, so an unchanged
 *   feed renders to identical bytes and is not rewritten.
 * - Atom text constructs are type="html" and carry escaped text only.
 * - Author falls back to the source's name: Atom requires one per entry.
 * - Each matched keyword becomes a category.
 */
import { Feed, type Item } from 'feed';
import type { FeedConfig } from '../config/index.js';
import type { FeedEntry } from '../store/index.js';
import { VERSION } from '../fetch/index.js';
import { entryContentHtml, escapeHtml, xmlSafe } from './html.js';

export interface FeedSite {
  /** Public base URL, no trailing slash. */
  baseUrl: string;
  author: string;
}

export interface RenderedFeed {
  atom: string;
  rss: string;
  json: string;
}

export const FEED_FORMATS = { atom: '.atom', rss: '.rss', json: '.json' } as const;

export function feedUrl(site: FeedSite, feed: string, ext: string): string {
  return `${site.baseUrl}/feeds/${feed}${ext}`;
}

export function feedId(feed: string): string {
  return `tag:infrawire,2026:feed:${feed}`;
}

function buildFeed(config: FeedConfig, site: FeedSite, entries: FeedEntry[], html: boolean): Feed {
  const text = (s: string) => (html ? escapeHtml(s) : xmlSafe(s));
  const newest = entries.reduce((max, e) => (e.article.updated > max ? e.article.updated : max), new Date(0).toISOString());
  const feed = new Feed({
    id: feedId(config.name),
    title: xmlSafe(config.title),
    description: config.subtitle === undefined ? undefined : xmlSafe(config.subtitle),
    link: `${site.baseUrl}/`,
    updated: new Date(newest),
    generator: `infrawire ${VERSION}`,
    author: { name: xmlSafe(site.author) },
    feedLinks: {
      atom: feedUrl(site, config.name, FEED_FORMATS.atom),
      rss: feedUrl(site, config.name, FEED_FORMATS.rss),
      json: feedUrl(site, config.name, FEED_FORMATS.json),
    },
  });
  for (const { article, keywords } of entries) {
    const authors = article.authors.length ? article.authors : [article.source.name];
    const item: Item = {
      id: article.id,
      title: text(article.title),
      link: article.url,
      date: new Date(article.updated),
      published: new Date(article.published),
      description: text(article.summary),
      content: entryContentHtml(article),
      author: authors.map((name) => ({ name: xmlSafe(name) })),
      category: keywords.map((k) => ({ name: xmlSafe(k), term: xmlSafe(k) })),
    };
    feed.addItem(item);
  }
  return feed;
}

export function renderFeeds(config: FeedConfig, site: FeedSite, entries: FeedEntry[]): RenderedFeed {
  const htmlTitles = buildFeed(config, site, entries, true);
  const plainTitles = buildFeed(config, site, entries, false);
  return { atom: htmlTitles.atom1(), rss: plainTitles.rss2(), json: plainTitles.json1() };
}
