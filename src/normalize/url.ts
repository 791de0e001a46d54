/**
 * Canonical links and stable entry ids.
 *
 * Rules:
 * - The same story reached through different links (tracking parameters,
 *   redirect wrappers, fragments, host case, default port) gets the same
 *   published URL (`canonicalUrl`): wrappers whose target is in the link are
 *   unwrapped, tracking parameters go by the rules in `linkRules.ts` (a
 *   maintained list plus a few of our own) and by the identity list below.
 * - The remaining query is kept byte for byte and in order: it can select the
 *   article (`?p=123`), and re-encoding it could point somewhere else.
 * - Only http(s) links are published; `javascript:`, `mailto:` and the like are
 *   dropped.
 * - Ids are `tag:` URIs (RFC 4151) built from a hash, so they are valid IRIs
 *   whatever the input contains, and derive from the most stable thing the item
 *   has: its identity URL, else its guid within its source, else title + date.
 * - The identity URL (`identityUrl`) is the canonical form ids have always been
 *   made from: the link with the fragment and the parameters of
 *   IDENTITY_TRACKING_PARAMS (and `utm_*`) removed, nothing else. It is frozen:
 *   a store keeps its ids, so changing it would give stored stories new ids
 *   (and republish them as new entries). Cleaner links change `canonicalUrl`
 *   only, which is what an entry links to.
 */
import { createHash } from 'node:crypto';
import { isTrackingPair, linkRules, redirectTarget } from './linkRules.js';

/** Frozen (see the header): the tracking parameters the identity URL drops, besides `utm_*`. */
const IDENTITY_TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'dclid', 'msclkid', 'mc_cid', 'mc_eid', '_hsenc', '_hsmi', 'igshid', 'yclid', 'ref_src',
  'gbraid', 'wbraid', 'twclid', 'ttclid', 'li_fat_id', 'srsltid', 'mkt_tok', '_ga', '_gl', 'oly_enc_id', 'oly_anon_id',
  'vero_id', 'vero_conv', 'wickedid', 'rb_clickid', 's_cid',
]);
const TAG_PREFIX = 'tag:infrawire,2026:';
/** Wrappers inside wrappers are unwrapped this many levels deep at most. */
const MAX_UNWRAP = 4;

function isIdentityTrackingParam(pair: string): boolean {
  const rawKey = pair.split('=', 1)[0] ?? '';
  let key: string;
  try {
    key = decodeURIComponent(rawKey.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    key = rawKey.toLowerCase();
  }
  return key.startsWith('utm_') || IDENTITY_TRACKING_PARAMS.has(key);
}

/** Drops the pairs `drop` says are tracking from a raw query string without re-encoding the rest. */
function withoutPairs(search: string, drop: (pair: string) => boolean): string {
  const kept = search.replace(/^\?/, '').split('&').filter((pair) => pair && !drop(pair));
  return kept.length ? `?${kept.join('&')}` : '';
}

/** The link resolved against `base`, when it is http(s). */
function httpUrl(link: string, base?: string): URL | undefined {
  const trimmed = link.trim();
  if (!trimmed) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed, base);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
}

/** The identity URL of a link (frozen; see the header): what entry ids are hashed from. */
export function identityUrl(link: string, base?: string): string | undefined {
  const url = httpUrl(link, base);
  if (!url) return undefined;
  // Most links have neither query nor fragment; each setter below parses the URL again.
  const href = url.href;
  if (!href.includes('?') && !href.includes('#')) return href;
  url.hash = '';
  url.search = withoutPairs(url.search, isIdentityTrackingParam);
  return url.href;
}

/** The link an entry publishes: unwrapped, without fragment and tracking parameters. */
export function canonicalUrl(link: string, base?: string): string | undefined {
  let url = httpUrl(link, base);
  if (!url) return undefined;
  const href = url.href;
  if (!href.includes('?') && !href.includes('#') && !href.includes('*')) return href;
  let rules = linkRules(url);
  for (let depth = 0; depth < MAX_UNWRAP; depth++) {
    const target = redirectTarget(url, rules);
    if (!target) break;
    url = target;
    rules = linkRules(url);
  }
  url.hash = '';
  if (url.search) url.search = withoutPairs(url.search, (pair) => isIdentityTrackingParam(pair) || isTrackingPair(pair, rules));
  return url.href;
}

function sha256Hex32(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);
}

/** The string the id is hashed from; fields are joined with "\n" so they cannot run together. */
function idKey(article: { url?: string; guid?: string; title: string; published?: string }, sourceName: string): string {
  const url = article.url ? identityUrl(article.url) : undefined;
  if (url) return url;
  const guid = article.guid?.trim();
  if (guid) return `guid:${sourceName}\n${guid}`;
  return `title:${article.title}\n${article.published ?? ''}`;
}

/** The entry id; `url` is the item's own link (its identity URL is taken here), not the published canonical one. */
export function entryId(
  article: { url?: string; guid?: string; title: string; published?: string },
  sourceName: string,
): string {
  return TAG_PREFIX + sha256Hex32(idKey(article, sourceName));
}
