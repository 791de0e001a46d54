/**
 * What `parse` hands to `normalize`: a feed document reduced to the fields
 * infrawire uses, independent of the format it came in.
 *
 * Rules:
 * - Strings are as the source wrote them (HTML stays HTML); `normalize` cleans them.
 * - Parser objects are never kept: `parse` copies the fields it needs into these.
 */
import type { FeedFormat } from './article.js';

/**
 * A media object an item links to: an RSS or Atom enclosure, a Media RSS object,
 * an iTunes image, a JSON Feed attachment or image. Its URL is absolute http(s)
 * (resolved by parse); the rest only as the source declared it.
 */
export interface ParsedMedia {
  url: string;
  /** The declared MIME type, normalized (lib/media.ts). */
  type?: string;
  /** Media RSS `medium` (image, audio, video…), when the source said so. */
  medium?: string;
  /** Size in bytes, when declared and positive. */
  length?: number;
  durationSeconds?: number;
  title?: string;
  width?: number;
  height?: number;
}

export interface ParsedItem {
  guid?: string;
  link?: string;
  /** The publisher's own link when `link` is a feed service's redirect (feedburner:origLink); preferred as the published URL, never used for the id. */
  origLink?: string;
  /** The item's xml:base (or the feed's), when the source set one: relative URLs in its HTML resolve against it. */
  baseUrl?: string;
  title?: string;
  /** The richest body the item has (content:encoded, atom:content, description), as HTML or text. */
  contentHtml?: string;
  /** The short description/summary when the item has one besides the body. */
  summaryHtml?: string;
  /** Raw date strings as written by the source. */
  published?: string;
  updated?: string;
  authors: string[];
  categories: string[];
  /** Audio, video and other files the item carries (RSS/Atom enclosures, Media RSS audio/video, JSON Feed attachments), in source order, each URL once. */
  enclosures?: ParsedMedia[];
  /** Candidates for the entry's image, best first (media:thumbnail, Media RSS images, itunes:image, JSON Feed image, image enclosures). */
  images?: ParsedMedia[];
  /**
   * The language the item is written in (a BCP 47 tag as the source wrote it):
   * the body's or entry's xml:lang, the item's dc:language, else the feed's
   * (RSS <language>, dc:language, xml:lang; JSON Feed `language`).
   */
  language?: string;
}

export interface ParsedFeed {
  format: FeedFormat;
  title?: string;
  link?: string;
  /** RSS <ttl>: minutes the publisher asks readers to wait between checks. */
  ttlMinutes?: number;
  /** The feed's language (RSS <language>, dc:language, xml:lang; JSON Feed `language`), a BCP 47 tag; items inherit it. */
  language?: string;
  /** Feed-level metadata, where the format has it: Atom id, the feed's authors (names), raw date strings. */
  id?: string;
  authors?: string[];
  published?: string;
  updated?: string;
  items: ParsedItem[];
  /** Set when the document was read only after repairs (a lenient reading of broken XML): what was wrong, then what was changed. */
  repaired?: string[];
}
