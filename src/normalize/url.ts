/**
 * Canonical links and stable entry ids.
 *
 * Rules:
 * - The same story reached through different links (tracking parameters,
 *   fragments, host case, default port) must get the same URL, so duplicates
 *   collapse and the entry id does not change.
 * - The remaining query is kept byte for byte and in order: it can select the
 *   article (`?p=123`), and re-encoding it could point somewhere else.
 * - Only http(s) links are published; `javascript:`, `mailto:` and the like are
 *   dropped.
 * - Ids are `tag:` URIs (RFC 4151) built from a hash, so they are valid IRIs
 *   whatever the input contains, and derive from the most stable thing the item
 *   has: its canonical URL, else its guid within its source, else title + date.
 */
import { createHash } from 'node:crypto';

const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'dclid', 'msclkid', 'mc_cid', 'mc_eid', '_hsenc', '_hsmi', 'igshid', 'yclid', 'ref_src',
  'gbraid', 'wbraid', 'twclid', 'ttclid', 'li_fat_id', 'srsltid', 'mkt_tok', '_ga', '_gl', 'oly_enc_id', 'oly_anon_id',
  'vero_id', 'vero_conv', 'wickedid', 'rb_clickid', 's_cid',
]);
const TAG_PREFIX = 'tag:infrawire,2026:';

function isTrackingParam(pair: string): boolean {
  const rawKey = pair.split('=', 1)[0] ?? '';
  let key: string;
  try {
    key = decodeURIComponent(rawKey.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    key = rawKey.toLowerCase();
  }
  return key.startsWith('utm_') || TRACKING_PARAMS.has(key);
}

/** Drops tracking pairs from a raw query string without re-encoding the rest. */
function stripTracking(search: string): string {
  const kept = search.replace(/^\?/, '').split('&').filter((pair) => pair && !isTrackingParam(pair));
  return kept.length ? `?${kept.join('&')}` : '';
}

export function canonicalUrl(link: string, base?: string): string | undefined {
  const trimmed = link.trim();
  if (!trimmed) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // Most links have neither query nor fragment; each setter below parses the URL again.
  const href = url.href;
  if (!href.includes('?') && !href.includes('#')) return href;
  url.hash = '';
  url.search = stripTracking(url.search);
  return url.href;
}

function sha256Hex32(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);
}

/** The string the id is hashed from; fields are joined with "\n" so they cannot run together. */
function idKey(article: { url?: string; guid?: string; title: string; published?: string }, sourceName: string): string {
  const url = article.url ? canonicalUrl(article.url) : undefined;
  if (url) return url;
  const guid = article.guid?.trim();
  if (guid) return `guid:${sourceName}\n${guid}`;
  return `title:${article.title}\n${article.published ?? ''}`;
}

export function entryId(
  article: { url?: string; guid?: string; title: string; published?: string },
  sourceName: string,
): string {
  return TAG_PREFIX + sha256Hex32(idKey(article, sourceName));
}
