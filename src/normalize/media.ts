/**
 * An article's media: the files it carries (enclosures) and its entry image.
 *
 * Rules:
 * - Enclosures are the item's (parse/media.ts) as the source linked them: their
 *   URLs are not cleaned like article links (a podcast's measurement redirect is
 *   the publisher's way to the file); the type is the declared one, else the one
 *   the URL's extension names (lib/media.ts); absent when the item has none.
 * - The entry image is the first meaningful one of: the feed's candidates
 *   (media:thumbnail, Media RSS images, itunes:image, JSON Feed image, image
 *   enclosures), then the images of the sanitized body in order. A page fetch
 *   may add the page's og:image afterwards (`withPageImage`), only when neither
 *   gave one.
 * - Meaningful: no tracking image (TRACKING_IMAGE_RULES: declared 1×1, or a known
 *   pixel host or path; these are removed from bodies too, see boilerplate.ts),
 *   no decorative image (DECORATIVE_IMAGE_RULES: emoji, avatars; kept in bodies),
 *   and not declared smaller than MIN_IMAGE_SIDE pixels on a side (icons, share
 *   buttons). An image with no declared size counts as meaningful.
 */
import type { Article, Enclosure, EntryImage, ParsedMedia } from '../model/index.js';
import { decodeEntities, xmlSafe } from '../lib/markup.js';
import { mediaTypeOf } from '../lib/media.js';
import { httpUrl } from '../lib/url.js';

/** Images declared narrower or lower than this (in pixels) are icons, not an entry's image. */
export const MIN_IMAGE_SIDE = 50;

/** Body images looked at, at most, for the entry image. */
const BODY_IMAGES_MAX = 20;

/** Images that exist to count readers, never to be seen; each with why. Matched against the URL (absolute or, in a body, as written). */
export const TRACKING_IMAGE_RULES: readonly { name: string; pattern: RegExp }[] = [
  // Feedburner's view counter (~r/), flare buttons (~ff/) and ad images (~a/).
  { name: 'feedburner', pattern: /^https?:\/\/feeds\.feedburner\.com\/~(?:r|ff|a)\//i },
  // WordPress.com / Jetpack stats pixels.
  { name: 'wordpress-stats', pattern: /^https?:\/\/(?:stats\.wordpress\.com|pixel\.wp\.com)\//i },
  // Google Analytics measurement hits, ad impression counters, Meta's pixel.
  { name: 'analytics', pattern: /^https?:\/\/(?:[\w-]+\.)*(?:google-analytics\.com\/|doubleclick\.net\/|facebook\.com\/tr(?:[/?#]|$))/i },
  // Matomo/Piwik and Google's old urchin endpoints, wherever they are hosted.
  { name: 'analytics-path', pattern: /\/(?:matomo|piwik)\.php(?:[?#]|$)|\/__utm\.gif(?:[?#]|$)/i },
  // A path segment that names a counter: /pixel, /beacon.gif, /track/open, /tracking/…; "pixel-art.jpg" is a picture.
  { name: 'pixel-path', pattern: /\/(?:pixel|beacon|track|tracking|tracker)(?:\.(?:gif|png|jpe?g|php))?(?:[/?#]|$)/i },
  // Transparent spacer and 1×1 files by name.
  { name: 'spacer', pattern: /\/(?:1x1|spacer|blank|transparent|clear)\.(?:gif|png)(?:[?#]|$)/i },
];

/** Images that are real but never an entry's picture (kept in bodies); each with why. */
export const DECORATIVE_IMAGE_RULES: readonly { name: string; pattern: RegExp }[] = [
  // WordPress replaces emoji by images from s.w.org.
  { name: 'wordpress-emoji', pattern: /^https?:\/\/s\.w\.org\/images\/core\/emoji\//i },
  // Author avatars next to the byline or in comments.
  { name: 'gravatar', pattern: /^https?:\/\/(?:[\w-]+\.)*gravatar\.com\/avatar\//i },
];

/** One pattern for every tracking rule: the boilerplate `element` rule that removes these from bodies. */
export const TRACKING_IMAGE_URL = new RegExp(TRACKING_IMAGE_RULES.map((r) => r.pattern.source).join('|'), 'i');

/** A declared size in whole pixels ("600", "600px", "0.5" → 0; "100%" is no size). */
function pixels(value: number | string | undefined): number | undefined {
  if (typeof value === 'number') return value;
  const match = value === undefined ? null : /^\s*(\d+)(?:\.\d*)?\s*(?:px)?\s*$/i.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** Whether an image is a tracking image: a tracking rule's URL, or declared 1×1 (or smaller) on a side. */
export function isTrackingImage(url: string, width?: number | string, height?: number | string): boolean {
  const [w, h] = [pixels(width), pixels(height)];
  return (w !== undefined && w <= 1) || (h !== undefined && h <= 1) || TRACKING_IMAGE_URL.test(url);
}

/** Whether an image can be the entry's image (see the rules above). */
export function isMeaningfulImage(url: string, width?: number | string, height?: number | string): boolean {
  if (isTrackingImage(url, width, height) || DECORATIVE_IMAGE_RULES.some((r) => r.pattern.test(url))) return false;
  const [w, h] = [pixels(width), pixels(height)];
  return !((w !== undefined && w < MIN_IMAGE_SIDE) || (h !== undefined && h < MIN_IMAGE_SIDE));
}

/** An image in the model's shape: only its declared pixel sizes beside the URL. */
function entryImage(url: string, from: EntryImage['from'], width?: number, height?: number): EntryImage {
  return { url, ...(width ? { width } : {}), ...(height ? { height } : {}), from };
}

const IMG_TAG = /<img\b[^>]*>/gi;
const IMG_ATTRIBUTE = /\s(src|width|height)="([^"]*)"/gi;

/**
 * The first meaningful image of a sanitized body. The sanitizer writes every
 * attribute double-quoted with its value escaped, and only http(s) image URLs,
 * so its `<img>` tags are read by pattern; other HTML is never read this way.
 */
function bodyImage(sanitizedHtml: string | undefined): EntryImage | undefined {
  if (!sanitizedHtml?.includes('<img')) return undefined;
  let seen = 0;
  for (const [tag] of sanitizedHtml.matchAll(IMG_TAG)) {
    if (++seen > BODY_IMAGES_MAX) return undefined;
    const attrs: Record<string, string> = {};
    for (const [, name, value] of tag.matchAll(IMG_ATTRIBUTE)) attrs[name!.toLowerCase()] = decodeEntities(value!);
    const url = attrs.src === undefined ? undefined : httpUrl(attrs.src);
    if (url && isMeaningfulImage(url, attrs.width, attrs.height)) return entryImage(url, 'body', pixels(attrs.width), pixels(attrs.height));
  }
  return undefined;
}

function enclosureOf(media: ParsedMedia): Enclosure {
  const type = mediaTypeOf(media.url, media.type);
  const title = media.title === undefined ? undefined : xmlSafe(media.title).trim();
  return {
    url: media.url,
    ...(type ? { type } : {}),
    ...(media.length ? { length: media.length } : {}),
    ...(media.durationSeconds ? { durationSeconds: media.durationSeconds } : {}),
    ...(title ? { title } : {}),
  };
}

/** The article's media fields from the item's media and its sanitized body (see the rules above); none are set when there are none. */
export function articleMedia(enclosures: readonly ParsedMedia[] | undefined, images: readonly ParsedMedia[] | undefined, bodyHtml: string | undefined): Pick<Article, 'enclosures' | 'image'> {
  const feedImage = images?.find((m) => isMeaningfulImage(m.url, m.width, m.height));
  const image = feedImage ? entryImage(feedImage.url, 'feed', feedImage.width, feedImage.height) : bodyImage(bodyHtml);
  return {
    ...(enclosures?.length ? { enclosures: enclosures.map(enclosureOf) } : {}),
    ...(image ? { image } : {}),
  };
}

/**
 * The article with the page's image (og:image, read by a page fetch) as its
 * entry image, only when it has none yet: the feed's and the body's images win.
 * A URL that is not absolute http(s) (relative ones resolve against `pageUrl`),
 * or not a meaningful image, changes nothing.
 */
export function withPageImage(article: Article, ogImage: string, pageUrl?: string): Article {
  if (article.image) return article;
  const url = httpUrl(ogImage, pageUrl);
  return url && isMeaningfulImage(url) ? { ...article, image: entryImage(url, 'page') } : article;
}
