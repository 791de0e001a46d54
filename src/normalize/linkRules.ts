/**
 * What in a link is noise: tracking parameters and redirect wrappers, as data.
 *
 * Rules:
 * - Tracking parameters come from a maintained list, tidy-url's (npm `tidy-url`,
 *   MIT): every rule whose `match` matches the link's host (or its whole href,
 *   `match_href`) removes its `rules` (parameter names, exact), unless one of
 *   its `exclude` patterns matches the link. Its path rewrites (`replace`,
 *   `amp`, `decode`) are not used: they change where a link points, not only
 *   its noise.
 * - LOCAL_TRACKING_RULES holds what that list lacks, each with the reason; a
 *   rule the list gains upstream is deleted here.
 * - A parameter goes only when its rule names it (and, for a local rule with
 *   `value`, when its value has that shape): a query that selects the article
 *   (`?p=123`, `?id=42`) stays.
 * - A redirect wrapper is unwrapped only when its target is written in the link
 *   itself, as an absolute http(s) URL (plain or percent-encoded once): a star
 *   wrapper (`…*https://…`), a redirect endpoint's target parameter
 *   (`/url?q=`, `/out?url=`, `/redirect?url=`) or tidy-url's per-host
 *   `redirect` parameter (Google, Facebook, affiliate networks). Nothing is
 *   fetched: normalize is pure.
 */
import { TidyURL } from 'tidy-url';

/** The fields of a tidy-url rule that are read here. */
interface PackageRule {
  name: string;
  match: RegExp;
  match_href?: boolean;
  rules?: string[];
  exclude?: RegExp[];
  redirect?: string;
}

/** A rule of our own: the parameters it removes, on every host or on `host` only; `value`: only values of that shape. */
export interface LocalTrackingRule {
  name: string;
  params: readonly string[];
  host?: RegExp;
  value?: RegExp;
}

export const LOCAL_TRACKING_RULES: readonly LocalTrackingRule[] = [
  // Webtrekk / Mapp Intelligence campaign ids: heise tags every feed link with
  // ?wt_mc=rss.red.ho.ho.rdf.beitrag.beitrag (golem and spiegel use them too).
  // ClearURLs removes them everywhere; tidy-url 1.18.3 has no Webtrekk rule.
  { name: 'webtrekk', params: ['wt_mc', 'wt_zmc'] },
  // Medium tags every feed link with ?source=rss----<publication id>---<n>, on
  // medium.com and on a publication's own domain; tidy-url drops `source` on
  // hosts matching "medium.com" only. Only Medium's value shape goes: elsewhere
  // a `source` parameter may select what a page shows.
  { name: 'medium-feed-source', params: ['source'], value: /^rss-/ },
];

/** The last path segment (extension ignored) of a redirect endpoint: `/out?url=…`, `/redirect.php?url=…`, Google's `/url?q=…`. */
const REDIRECT_ENDPOINTS = new Set(['url', 'out', 'redirect', 'redir', 'away', 'exit', 'goto', 'go', 'outbound', 'external', 'leave', 'click', 'r', 'l']);
/** The parameters such an endpoint carries its target in. */
const REDIRECT_TARGET_PARAMS = ['url', 'q', 'u', 'target', 'to', 'dest', 'destination', 'link', 'goto', 'redirect', 'redirect_url'];
/** A star wrapper: the target follows the first `*` that starts an http(s) URL. */
const STAR_WRAPPED = /\*(https?(?::\/\/|%3A%2F%2F).+)$/i;

/** A regex without the `g`/`y` flags (some of tidy-url's have them): `test` must not depend on lastIndex. */
function stateless(pattern: RegExp): RegExp {
  return pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern;
}

interface CompiledRule {
  match: RegExp;
  onHref: boolean;
  params: readonly string[];
  exclude: readonly RegExp[];
  redirect?: string;
}

function compile(rule: PackageRule): CompiledRule {
  return {
    match: stateless(rule.match),
    onHref: rule.match_href === true,
    params: rule.rules ?? [],
    exclude: (rule.exclude ?? []).map(stateless),
    ...(rule.redirect ? { redirect: rule.redirect } : {}),
  };
}

const PACKAGE_RULES: readonly CompiledRule[] = (TidyURL.rules as unknown as PackageRule[]).map(compile);
const HOST_RULES = PACKAGE_RULES.filter((rule) => !rule.onHref);
const HREF_RULES = PACKAGE_RULES.filter((rule) => rule.onHref);

/** What applies to one link: the parameters to drop and the parameters holding a redirect target. */
export interface LinkRules {
  /** Parameter names removed whatever their value. */
  params: ReadonlySet<string>;
  /** Parameter names removed when their value matches. */
  valued: readonly { param: string; value: RegExp }[];
  /** Parameters (lower case) whose value, when an http(s) URL, is where the link leads. */
  redirects: readonly string[];
}

/** Host rules per host: a feed's links share a few hosts, and testing every rule's regex per link is the cost. */
const byHost = new Map<string, CompiledRule[]>();
const BY_HOST_MAX = 2048;

function hostRules(host: string): CompiledRule[] {
  let rules = byHost.get(host);
  if (!rules) {
    if (byHost.size >= BY_HOST_MAX) byHost.clear();
    rules = HOST_RULES.filter((rule) => rule.match.test(host));
    byHost.set(host, rules);
  }
  return rules;
}

/** The rules for a link (`url.host` as tidy-url tests it: with the port). */
export function linkRules(url: URL): LinkRules {
  const href = url.href;
  const matched = [...hostRules(url.host), ...HREF_RULES.filter((rule) => rule.match.test(href))].filter(
    (rule) => !rule.exclude.some((pattern) => pattern.test(href)),
  );
  const params = new Set<string>();
  const redirects: string[] = [];
  for (const rule of matched) {
    for (const param of rule.params) params.add(param);
    if (rule.redirect) redirects.push(rule.redirect.toLowerCase());
  }
  const valued: { param: string; value: RegExp }[] = [];
  for (const rule of LOCAL_TRACKING_RULES) {
    if (rule.host && !rule.host.test(url.hostname)) continue;
    for (const param of rule.params) {
      if (rule.value) valued.push({ param, value: rule.value });
      else params.add(param);
    }
  }
  return { params, valued, redirects };
}

/** Percent-decoded once; text with a broken escape is left as written. */
function decodeOnce(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A query pair's key and value, decoded (`+` is a space, as in a form). */
export function decodePair(pair: string): { key: string; value: string } {
  const at = pair.indexOf('=');
  const decode = (text: string) => decodeOnce(text.replace(/\+/g, ' '));
  return at < 0 ? { key: decode(pair), value: '' } : { key: decode(pair.slice(0, at)), value: decode(pair.slice(at + 1)) };
}

/** `text` as an absolute http(s) URL, or undefined. */
function httpUrl(text: string): URL | undefined {
  if (!/^https?:\/\//i.test(text)) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The last path segment without its extension, lower-cased: `/redirect.php` → `redirect`. */
function endpointName(pathname: string): string {
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  const dot = last.indexOf('.');
  return (dot < 0 ? last : last.slice(0, dot)).toLowerCase();
}

/** Where a redirect wrapper leads, when the link is one and names its target; else undefined. */
export function redirectTarget(url: URL, rules: LinkRules = linkRules(url)): URL | undefined {
  const star = STAR_WRAPPED.exec(url.pathname + url.search);
  if (star) {
    const raw = star[1]!;
    const target = httpUrl(raw) ?? httpUrl(decodeOnce(raw));
    if (target) return target;
  }
  if (!url.search) return undefined;
  const params = new Set(rules.redirects);
  if (REDIRECT_ENDPOINTS.has(endpointName(url.pathname))) for (const param of REDIRECT_TARGET_PARAMS) params.add(param);
  if (!params.size) return undefined;
  for (const pair of url.search.slice(1).split('&')) {
    const { key, value } = decodePair(pair);
    if (!params.has(key.toLowerCase())) continue;
    const target = httpUrl(value.trim());
    if (target) return target;
  }
  return undefined;
}

/** Whether a query pair is tracking by these rules. */
export function isTrackingPair(pair: string, rules: LinkRules): boolean {
  const { key, value } = decodePair(pair);
  if (rules.params.has(key)) return true;
  return rules.valued.some((rule) => rule.param === key && rule.value.test(value));
}
