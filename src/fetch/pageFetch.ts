/**
 * Fetching an article's own web page (issue 20 item 2): politely and safely.
 *
 * Rules:
 * - The same machinery as feeds (fetchSource: deadlines, size cap after
 *   decompression, redirect limit, validators); the caller runs it through the
 *   same per-host limiter.
 * - robots.txt is asked first (robots.ts) and honoured, for the page and for
 *   every redirect target (another site's rules apply to its own pages).
 * - Only addresses the source's policy allows (addresses.ts): checked at every
 *   hop, where the socket is made.
 * - Only HTML: a response whose Content-Type is neither text/html nor
 *   application/xhtml+xml is refused ("not-html"); none at all is sniffed.
 * - Never throws: a failure has a `kind` and a message in an operator's words.
 */
import { addressesOf, refusedAddress, type AddressPolicy, type Resolver } from './addresses.js';
import { fetchSource, type FetchErrorKind, type FetchRefusal, type Validators } from './fetchSource.js';
import type { RobotsCache } from './robots.js';

export const PAGE_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1';

export interface PageFetchOptions {
  timeoutMs: number;
  connectTimeoutMs?: number;
  maxBytes: number;
  validators?: Validators;
  addressPolicy: AddressPolicy;
  resolve?: Resolver;
  robots: RobotsCache;
}

export type PageFailureKind = FetchErrorKind | 'not-html';

export type PageFetchResult =
  | { ok: true; notModified: false; url: string; status: number; body: Buffer; contentType?: string; validators: Validators }
  | { ok: true; notModified: true; url: string; status: number; validators: Validators }
  | { ok: false; kind: PageFailureKind; url: string; status?: number; error: string };

function isHtml(contentType: string | undefined, body: Buffer): boolean {
  if (contentType) return /^\s*(?:text\/html|application\/xhtml\+xml)\s*(?:;|$)/i.test(contentType);
  return /^\s*(?:<!doctype html|<html|<head|<body|<!--)/i.test(body.subarray(0, 512).toString('latin1'));
}

/** Why the page's host is refused, looked up before robots.txt is asked (so a refused host is reported as such, and never sees a request). */
async function refusedHost(url: string, opts: PageFetchOptions): Promise<string | undefined> {
  for (const address of await addressesOf(url, opts.resolve)) {
    const refused = refusedAddress(address, opts.addressPolicy);
    if (refused) return `${new URL(url).hostname} ${refused}`;
  }
  return undefined;
}

/** Whether a page URL (the first or a redirect target) may be fetched: its host's addresses, then its site's robots.txt. */
async function mayFetch(url: string, opts: PageFetchOptions): Promise<FetchRefusal | undefined> {
  let refused: string | undefined;
  try {
    refused = await refusedHost(url, opts);
  } catch {
    return { kind: 'url', error: `invalid URL: ${url}` };
  }
  if (refused) return { kind: 'address', error: refused };
  let verdict;
  try {
    verdict = await opts.robots.check(url, opts);
  } catch {
    return { kind: 'url', error: `invalid URL: ${url}` };
  }
  return verdict.allowed ? undefined : { kind: 'robots', error: verdict.reason ?? 'disallowed by robots.txt' };
}

export async function fetchPage(url: string, opts: PageFetchOptions): Promise<PageFetchResult> {
  const refusal = await mayFetch(url, opts);
  if (refusal) return { ok: false, ...refusal, url };
  const fetched = await fetchSource(url, { ...opts, accept: PAGE_ACCEPT, mayFollow: (next) => mayFetch(next, opts) });
  if (!fetched.ok) return { ok: false, kind: fetched.kind, url: fetched.url, ...(fetched.status !== undefined ? { status: fetched.status } : {}), error: fetched.error };
  if (fetched.notModified) return { ok: true, notModified: true, url: fetched.url, status: fetched.status, validators: fetched.validators };
  if (!isHtml(fetched.contentType, fetched.body)) return { ok: false, kind: 'not-html', url: fetched.url, status: fetched.status, error: `not an HTML page (Content-Type: ${fetched.contentType ?? 'none'})` };
  return { ok: true, notModified: false, url: fetched.url, status: fetched.status, body: fetched.body, ...(fetched.contentType ? { contentType: fetched.contentType } : {}), validators: fetched.validators };
}
