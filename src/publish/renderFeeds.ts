/**
 * Rendering one curated feed as Atom 1.0, RSS 2.0 and JSON Feed 1.1.
 *
 * Rules:
 * - Pure: the same entries give the same bytes. Nothing time-dependent is
 *   rendered: the feed's `updated` is its newest entry's, so an unchanged
 *   feed renders to identical bytes and is not rewritten.
 * - Atom and JSON Feed have their own serializers (atom.ts, jsonFeed.ts);
 *   RSS 2.0 comes from `feed`, which does it well.
 * - Author falls back to the source's name: Atom requires one per entry.
 * - Each matched keyword becomes a category.
 */
import { Feed, type Item } from 'feed';
import type { FeedConfig } from '../config/index.js';
import type { FeedEntry } from '../store/index.js';
import { VERSION } from '../fetch/index.js';
import { renderAtom } from './atom.js';
import { entryContentHtml, escapeHtml, xmlSafe } from './html.js';
import { renderJsonFeed } from './jsonFeed.js';

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

export const GENERATOR = { name: 'infrawire', uri: 'https://github.com/infrawire/infrawire', version: VERSION };
/** The feed icon, served by the feed server. */
export const ICON_PATH = '/icon.svg';

export function feedUrl(site: FeedSite, feed: string, ext: string): string {
  return `${site.baseUrl}/feeds/${feed}${ext}`;
}

export function feedId(feed: string): string {
  return `tag:infrawire,2026:feed:${feed}`;
}

/** Everything a serializer needs to know about the feed itself. */
export interface FeedDescription {
  id: string;
  title: string;
  subtitle?: string;
  /** The newest entry change (ISO UTC); the epoch for an empty feed. */
  updated: string;
  author: string;
  generator: typeof GENERATOR;
  icon: string;
  hub?: string;
  links: { atom: string; rss: string; json: string; statusPage: string };
}

export function describeFeed(config: FeedConfig, site: FeedSite, entries: readonly FeedEntry[]): FeedDescription {
  const updated = entries.reduce((max, e) => (e.article.updated > max ? e.article.updated : max), new Date(0).toISOString());
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

function renderRss(feed: FeedDescription, entries: readonly FeedEntry[]): string {
  const rss = new Feed({
    id: feed.id,
    title: xmlSafe(feed.title),
    description: feed.subtitle === undefined ? undefined : xmlSafe(feed.subtitle),
    link: feed.links.statusPage,
    updated: new Date(feed.updated),
    generator: `${feed.generator.name} ${feed.generator.version}`,
    author: { name: xmlSafe(feed.author) },
    feedLinks: { rss: feed.links.rss },
    hub: feed.hub,
  });
  for (const { article, keywords } of entries) {
    const authors = article.authors.length ? article.authors : [article.source.name];
    const item: Item = {
      id: article.id,
      title: xmlSafe(article.title),
      link: article.url,
      date: new Date(article.updated),
      published: new Date(article.published),
      // RSS descriptions are HTML by convention: the plain-text summary goes out escaped.
      description: escapeHtml(article.summary),
      content: entryContentHtml(article),
      author: authors.map((name) => ({ name: xmlSafe(name) })),
      category: keywords.map((k) => ({ name: xmlSafe(k), term: xmlSafe(k) })),
    };
    rss.addItem(item);
  }
  return rss.rss2();
}

export function renderFeeds(config: FeedConfig, site: FeedSite, entries: readonly FeedEntry[]): RenderedFeed {
  const feed = describeFeed(config, site, entries);
  return { atom: renderAtom(feed, entries), rss: renderRss(feed, entries), json: renderJsonFeed(feed, entries) };
}
