/**
 * One fetched body → everything the main thread needs to store it: decode,
 * parse and normalize, as one function of data. The worker pool runs it on
 * another thread; the inline path runs the very same function, so both give
 * the same result.
 *
 * Rules:
 * - Input and output are plain data (structured clone crosses the thread
 *   boundary): bytes and settings in; articles, feed fields and counts out.
 *   No store, no config object, no parser object crosses.
 * - A feed longer than `maxItems` is cut to its first items (feeds list the
 *   newest first) and the result says how long it was.
 * - Items are dated against `now`; the store-dependent part (re-dating an item
 *   first seen in an earlier cycle) is the main thread's: each item carries
 *   the parsed source dates for it (`redated`).
 * - Errors are thrown as they come (a ParseError's message names what is
 *   wrong); the caller puts them on the source's report.
 * - Known items are not normalized again: each item's `inputHash` covers
 *   everything its Article is made from but the poll time (the parsed item,
 *   the id guid, the source, and `normalizedWith`: the source's fingerprint of
 *   the `normalized` artifact in config/derived.ts, which covers the normalize
 *   options and infrawire's version),
 *   and an item whose hash is in `job.known` (the caller's stored articles
 *   that are still exactly what normalizing it would give) comes back as
 *   `known`. A changed feed body is usually one new item over many old ones.
 * - One item that cannot be normalized (an unforeseen input) fails alone: it
 *   comes back with `error` (naming it by link, guid or title) and the
 *   feed's other items are read as usual. An item with nothing to show (no
 *   title, no body text) comes back `skipped` with the reason, to be counted.
 * - A document read only after repairs (parse/lenient.ts) says so: `repaired`.
 */
import { createHash } from 'node:crypto';
import type { FeedFormat, ParsedFeed, ParsedItem, SourceRef } from '../model/index.js';
import { htmlToText, identityGuids, normalizeItem, parseDate, resolveDates, sourceBaseUrl, type NormalizedItem, type NormalizeOptions } from '../normalize/index.js';
import { parseFeed } from '../parse/index.js';

export interface ParseJob {
  /** The source's name (errors and the articles' `source.name`). */
  source: string;
  body: Uint8Array;
  contentType?: string;
  /** The URL the body was fetched from (after redirects). */
  url: string;
  maxItems: number;
  /** The time this poll happened (ISO): dates missing or too far ahead become it. */
  now: string;
  options: NormalizeOptions;
  /**
   * What `options` were made from: `fingerprint(config, 'normalized', source)`
   * (config/derived.ts), computed where the config is; the items' input hashes
   * cover it instead of a list of settings of their own.
   */
  normalizedWith: string;
  /** Input hashes of items whose stored article stands (see the rules above): those items are not normalized. */
  known?: readonly string[];
}

/**
 * One item of the feed: normalized, with the guid its id was computed from
 * (or `skipped`: it has no title and no body text, and which item it is and why; or
 * `known`: its input hash is in `job.known`, so it was not normalized; or
 * `error`: normalizing it threw, and why).
 */
export interface JobItem {
  normalized?: NormalizedItem;
  idGuid?: string;
  inputHash: string;
  known?: true;
  skipped?: { item: string; reason: string };
  error?: string;
}

export interface ParseJobResult {
  format: FeedFormat;
  title?: string;
  link?: string;
  ttlMinutes?: number;
  /** Items read (at most maxItems). */
  itemsSeen: number;
  /** The feed's item count when it had more than maxItems. */
  truncated?: number;
  /** The document was read only after repairs (ParsedFeed.repaired). */
  repaired?: string[];
  items: JobItem[];
}

export async function parseAndNormalize(job: ParseJob): Promise<ParseJobResult> {
  const parsed = await parseFeed(job.body, job.contentType, job.url);
  // A feed of 100,000 items is an attack or a mistake; its first items are what matters.
  const truncated = parsed.items.length > job.maxItems ? parsed.items.length : undefined;
  const items = truncated === undefined ? parsed.items : parsed.items.slice(0, job.maxItems);
  // The feed title may carry markup (Atom xhtml/html titles); the model keeps plain text.
  const feedTitle = parsed.title && (htmlToText(parsed.title) || undefined);
  const source: SourceRef = { name: job.source, url: job.url, feedTitle, feedLink: parsed.link };
  const now = new Date(job.now);
  const idGuids = identityGuids(items);
  const known = new Set(job.known);
  // The feed's date changes with every build, so it is not part of what an item's hash covers.
  const context = inputContext(source, job.normalizedWith);
  const itemSource: SourceRef = { ...source, feedUpdated: feedUpdated(parsed, now, job.options) };
  // Every item resolves its links against the same base: found once.
  const options: NormalizeOptions = { ...job.options, sourceBase: sourceBaseUrl(source) };
  return {
    format: parsed.format,
    ...(feedTitle !== undefined ? { title: feedTitle } : {}),
    ...(parsed.link !== undefined ? { link: parsed.link } : {}),
    ...(parsed.ttlMinutes !== undefined ? { ttlMinutes: parsed.ttlMinutes } : {}),
    itemsSeen: items.length,
    ...(truncated !== undefined ? { truncated } : {}),
    ...(parsed.repaired ? { repaired: parsed.repaired } : {}),
    items: items.map((item, index): JobItem => {
      const idGuid = idGuids[index];
      const inputHash = itemInputHash(item, context, idGuid);
      if (known.has(inputHash)) return { idGuid, inputHash, known: true };
      try {
        const normalized = normalizeItem(item, itemSource, now, { ...options, idGuid });
        if (normalized) return { normalized, idGuid, inputHash };
        return { idGuid, inputHash, skipped: { item: itemName(item, index), reason: skipReason(item) } };
      } catch (err) {
        return { idGuid, inputHash, error: `item ${itemName(item, index)} could not be read: ${(err as Error)?.message || String(err)}` };
      }
    }),
  };
}

/** The feed's own `updated` (else its published date), as the items' dates are read; the poll time when it states neither. */
function feedUpdated(feed: ParsedFeed, now: Date, options: NormalizeOptions): string {
  const dateOptions = { timezone: options.timezone };
  return resolveDates(parseDate(feed.published, dateOptions), parseDate(feed.updated, dateOptions), now, options.futureToleranceMs).updated;
}

/** Why normalizeItem gave nothing: it reads an item only when it has a title or body text. */
function skipReason(item: ParsedItem): string {
  const hasBody = [item.contentHtml, item.summaryHtml].some((html) => html?.trim());
  return hasBody ? 'no title, and no text in its body' : 'neither title nor body';
}

/** How an error names an item: its link, else its guid, else its title as written (cut; reading its markup could fail too), else its position. */
function itemName(item: ParsedItem, index: number): string {
  const name = item.link ?? item.guid ?? (item.title ? `"${item.title.slice(0, 80)}"` : undefined);
  return name ? `${index + 1} (${name.slice(0, 200)})` : String(index + 1);
}

/** What every item of one body is normalized with: the source as the body gave it, and the fingerprint of the config it is normalized under. */
export function inputContext(source: SourceRef, normalizedWith: string): string {
  return JSON.stringify([normalizedWith, source]);
}

/**
 * What an item's Article is made from, hashed (`context` from `inputContext`,
 * `idGuid` from `identityGuids`): the same hash means normalizing it again gives
 * the same Article, as long as no date came from the poll time (the cycle
 * stores no hash for such an article, so it is never known).
 */
export function itemInputHash(item: ParsedItem, context: string, idGuid: string | undefined): string {
  // Field by field, each text with its length before it (unambiguous): JSON.stringify of a long body cost more
  // than hashing it. One string, hashed at once: an update() per piece cost more than the hashing.
  let input = context;
  const fields: [string, unknown][] = [['idGuid', idGuid], ...Object.entries(item)];
  for (const [key, value] of fields) {
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    input += `\n${key}:${typeof value}:${text.length}:${text}`;
  }
  return createHash('sha256').update(input).digest('base64url');
}
