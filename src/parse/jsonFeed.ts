/**
 * JSON Feed 1.0/1.1 (jsonfeed.org) into ParsedFeed.
 *
 * Rules: accept both versions (1.0 `author`, 1.1 `authors`), named by the spec's
 * URL or, as some publishers write it, by the bare number (`"1.1"`, `1.0`); ignore
 * fields of the wrong type instead of failing the whole feed; an item that is not
 * an object is kept as an empty item, so it is counted as skipped, not lost; an
 * object without such a `version` and an `items` array is not a feed. An item's
 * `language` (1.1) is its own, else the feed's; only well-formed tags count.
 * `attachments`, `image` and `banner_image` are read by media.ts, relative URLs
 * against the feed's home page (else its feed_url).
 */
import type { ParsedFeed, ParsedItem } from '../model/index.js';
import { languageTag } from '../lib/language.js';
import { httpUrl } from '../lib/url.js';
import { ParseError } from './errors.js';
import { jsonItemMedia } from './media.js';

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

function authorNames(item: Json): string[] {
  const list = Array.isArray(item.authors) ? item.authors : item.author ? [item.author] : [];
  return list.map((a) => str(obj(a)?.name)).filter((n): n is string => !!n);
}

/** `base`: the feed's home page, which relative media URLs resolve against. */
function toItem(raw: unknown, feedLanguage: string | undefined, base: string | undefined): ParsedItem {
  const item = obj(raw);
  if (!item) return { authors: [], categories: [] };
  const id = item.id;
  const language = languageTag(item.language) ?? feedLanguage;
  return {
    guid: typeof id === 'number' ? String(id) : str(id),
    link: str(item.url) ?? str(item.external_url),
    title: str(item.title),
    contentHtml: str(item.content_html) ?? (str(item.content_text) ? escapeText(item.content_text as string) : undefined),
    summaryHtml: str(item.summary) ? escapeText(item.summary as string) : undefined,
    published: str(item.date_published),
    updated: str(item.date_modified),
    authors: authorNames(item),
    categories: Array.isArray(item.tags) ? item.tags.filter((t): t is string => typeof t === 'string') : [],
    ...jsonItemMedia(item, (ref) => httpUrl(ref, base)),
    ...(language ? { language } : {}),
  };
}

/** Plain text from JSON Feed travels as HTML downstream; escaping keeps it text. */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Version 1 or 1.1: `https://jsonfeed.org/version/1.1`, or the number alone (`"1.0"`, `"1.1"`, `1`). */
function isJsonFeedVersion(version: unknown): boolean {
  const value = typeof version === 'number' ? String(version) : typeof version === 'string' ? version.trim() : '';
  return /^(?:https?:\/\/(?:www\.)?jsonfeed\.org\/version\/1(?:\.[01])?\/?|1(?:\.[01])?)$/i.test(value);
}

export function parseJsonFeed(text: string): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ParseError(`invalid JSON: ${(err as Error).message}`);
  }
  const feed = obj(doc);
  if (!feed || !isJsonFeedVersion(feed.version) || !Array.isArray(feed.items)) {
    throw new ParseError('not a feed: JSON without a jsonfeed.org version and an items array');
  }
  const homePage = str(feed.home_page_url) ?? str(feed.feed_url);
  const base = homePage === undefined ? undefined : httpUrl(homePage);
  const language = languageTag(feed.language);
  return {
    format: 'json',
    title: str(feed.title),
    link: str(feed.home_page_url),
    ...(language ? { language } : {}),
    items: feed.items.map((item) => toItem(item, language, base)),
  };
}
