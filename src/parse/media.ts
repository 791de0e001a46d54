/**
 * The media of a feed item: its enclosures (the files it carries) and the
 * candidates for its image, read from RSS, Atom, Media RSS, iTunes and JSON Feed.
 *
 * Rules:
 * - Enclosures, in source order: RSS `<enclosure url length type>` (every one:
 *   some feeds offer an episode in several formats), Atom `<link rel="enclosure"
 *   href type length title>`, Media RSS `media:content` that is not an image (on
 *   the item and inside `media:group`), JSON Feed `attachments`.
 * - Image candidates, best first: `media:thumbnail` (the item's, then a
 *   `media:group`'s, then a `media:content`'s: Media RSS puts thumbnails in order
 *   of importance), Media RSS images (`medium="image"` or an image type),
 *   `itunes:image`, JSON Feed `image` then `banner_image`, then image enclosures.
 *   Which candidate is meaningful (not a tracking pixel) is normalize's call.
 * - A media:content is an image by its `medium`, else by its type (declared, else
 *   the URL's extension: lib/media.ts).
 * - URLs are resolved by the caller's resolver (the item's base) and only absolute
 *   http(s) ones are kept; each URL once per list; at most MAX_MEDIA per list, so a
 *   hostile item with a million enclosures costs no more than one with a few.
 * - Sizes (length, fileSize, size_in_bytes), width and height only when positive
 *   integers; durations in seconds (Media RSS `duration`, JSON Feed
 *   `duration_in_seconds`, `itunes:duration` as seconds, MM:SS or H:MM:SS).
 *   `itunes:duration` is the duration of the item's first audio or video
 *   enclosure that states none.
 */
import type { ParsedMedia } from '../model/index.js';
import { declaredMediaType, mediaTypeOf, mediumOf } from '../lib/media.js';
import type { ItemRaw, XmlNode as Node } from './rssParser.js';
import { asList, attributes, text } from './xmlNodes.js';

/** Media kept per list and item at most. */
export const MAX_MEDIA = 32;

/** A reference resolved against the item's base: an absolute http(s) URL or undefined. */
export type Resolve = (ref: string) => string | undefined;

export interface ItemMedia {
  enclosures?: ParsedMedia[];
  images?: ParsedMedia[];
}

type Attrs = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** A positive integer from a number or a string of digits. */
function positiveInteger(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Seconds from a number, or text as seconds ("1834", "1834.5"), MM:SS or H:MM:SS; rounded, positive only. */
export function durationSeconds(value: unknown): number | undefined {
  let seconds = NaN;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string') {
    const clock = /^\s*(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)\s*$/.exec(value);
    if (clock) seconds = Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
    else if (/^\s*\d+(?:\.\d+)?\s*$/.test(value)) seconds = Number(value);
  }
  const rounded = Math.round(seconds);
  return Number.isFinite(seconds) && rounded > 0 ? rounded : undefined;
}

/** The object without its undefined members (so equal media compare equal, and stored JSON stays small). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Media in source order, each URL once, at most MAX_MEDIA. */
class MediaList {
  private readonly urls = new Set<string>();
  readonly list: ParsedMedia[] = [];

  add(media: ParsedMedia | undefined): void {
    if (!media || this.urls.has(media.url) || this.list.length >= MAX_MEDIA) return;
    this.urls.add(media.url);
    this.list.push(media);
  }

  get value(): ParsedMedia[] | undefined {
    return this.list.length ? this.list : undefined;
  }
}

/** A media object from an element's attributes; `urlKey` names the attribute holding its URL. */
function mediaFromAttributes(attrs: Attrs | undefined, urlKey: string, resolve: Resolve): ParsedMedia | undefined {
  const ref = str(attrs?.[urlKey]);
  const url = ref === undefined ? undefined : resolve(ref);
  if (!attrs || !url) return undefined;
  return defined({
    url,
    type: declaredMediaType(attrs.type),
    medium: str(attrs.medium)?.toLowerCase(),
    length: positiveInteger(attrs.length ?? attrs.fileSize ?? attrs.filesize),
    durationSeconds: durationSeconds(attrs.duration),
    title: str(attrs.title),
    width: positiveInteger(attrs.width),
    height: positiveInteger(attrs.height),
  });
}

/** Whether a media object is an image: its Media RSS medium, else its type or extension. */
function isImage(media: ParsedMedia): boolean {
  return media.medium ? media.medium === 'image' : mediumOf(mediaTypeOf(media.url, media.type)) === 'image';
}

function isAudioOrVideo(media: ParsedMedia): boolean {
  const medium = media.medium ?? mediumOf(mediaTypeOf(media.url, media.type));
  return medium === 'audio' || medium === 'video';
}

/** The children named `name` of an xml2js element node. */
function children(node: Node, name: string): Node[] {
  return node && typeof node === 'object' && !Array.isArray(node) ? asList((node as Record<string, Node>)[name]) : [];
}

/** Media RSS: the item's media:content elements and those inside its media:group elements. */
function mediaContents(raw: ItemRaw): Node[] {
  return [...asList(raw.mediaContents), ...asList(raw.mediaGroups).flatMap((group) => children(group, 'media:content'))];
}

/** Media RSS thumbnails in order of importance: the item's, its groups', its contents'. */
function mediaThumbnails(raw: ItemRaw, contents: Node[]): Node[] {
  return [
    ...asList(raw.mediaThumbnails),
    ...asList(raw.mediaGroups).flatMap((group) => children(group, 'media:thumbnail')),
    ...contents.flatMap((content) => children(content, 'media:thumbnail')),
  ];
}

/** itunes:duration given to the first audio or video enclosure that states no duration of its own. */
function withItemDuration(enclosures: ParsedMedia[], seconds: number | undefined): void {
  if (seconds === undefined) return;
  const at = enclosures.findIndex((e) => e.durationSeconds === undefined && isAudioOrVideo(e));
  if (at >= 0) enclosures[at] = { ...enclosures[at]!, durationSeconds: seconds };
}

/** The media of an RSS item or Atom entry (see the rules above). */
export function xmlItemMedia(raw: ItemRaw, resolve: Resolve): ItemMedia {
  const enclosures = new MediaList();
  const images = new MediaList();
  const feedEnclosures = [
    ...asList(raw.enclosures).map((node) => mediaFromAttributes(attributes(node), 'url', resolve)),
    ...asList(raw.links)
      .map(attributes)
      .filter((attrs) => str(attrs?.rel) === 'enclosure')
      .map((attrs) => mediaFromAttributes(attrs, 'href', resolve)),
  ];
  for (const media of feedEnclosures) enclosures.add(media);
  const contents = mediaContents(raw);
  const mediaRss = contents.map((node) => mediaFromAttributes(attributes(node), 'url', resolve)).filter((m) => m !== undefined);
  for (const node of mediaThumbnails(raw, contents)) images.add(mediaFromAttributes(attributes(node), 'url', resolve));
  for (const media of mediaRss) (isImage(media) ? images : enclosures).add(media);
  for (const node of asList(raw.itunesImages)) images.add(mediaFromAttributes(attributes(node), 'href', resolve));
  for (const media of feedEnclosures) if (media && isImage(media)) images.add(media);
  withItemDuration(enclosures.list, durationSeconds(text(raw.itunesDurations)));
  return defined({ enclosures: enclosures.value, images: images.value });
}

/** The media of a JSON Feed item: `attachments`, and `image`, `banner_image` (see the rules above). */
export function jsonItemMedia(item: Attrs, resolve: Resolve): ItemMedia {
  const enclosures = new MediaList();
  const images = new MediaList();
  for (const attachment of Array.isArray(item.attachments) ? item.attachments : []) {
    if (!attachment || typeof attachment !== 'object') continue;
    const a = attachment as Attrs;
    const ref = str(a.url);
    const url = ref === undefined ? undefined : resolve(ref);
    if (!url) continue;
    enclosures.add(defined({ url, type: declaredMediaType(a.mime_type), length: positiveInteger(a.size_in_bytes), durationSeconds: durationSeconds(a.duration_in_seconds), title: str(a.title) }));
  }
  for (const key of ['image', 'banner_image']) {
    const ref = str(item[key]);
    const url = ref === undefined ? undefined : resolve(ref);
    if (url) images.add({ url });
  }
  for (const media of enclosures.list) if (isImage(media)) images.add(media);
  return defined({ enclosures: enclosures.value, images: images.value });
}
