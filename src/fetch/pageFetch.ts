/**
 * Fetching an article's own web page (issue 20 item 2): politely and safely.
 *
 * Rules:
 * - The same machinery as feeds (fetchSource: deadlines, size cap after
 *   decompression, redirect limit, validators); the caller runs it through the
 *   same per-host limiter.
 * - robots.txt is asked first (robots.ts) and honoured.
 * - Only addresses the source's policy allows (addresses.ts): checked at every
 *   hop, where the socket is made.
 * - Only HTML: a response whose Content-Type is neither text/html nor
 *   application/xhtml+xml is refused ("not-html"); none at all is sniffed.
 * - Never throws: a failure has a `kind` and a message in an operator's words.
 */
import { addressesOf, refusedAddress, type AddressPolicy, type Resolver } from './addresses.js';
import { fetchSource, type FetchErrorKind, type Validators } from './fetchSource.js';
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

export type PageFailureKind = FetchErrorKind | 'robots' | 'not-html';

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

export async function fetchPage(url: string, opts: PageFetchOptions): Promise<PageFetchResult> {
  let verdict;
  const refused = await refusedHost(url, opts).catch(() => `invalid URL: ${url}`);
  if (refused) return { ok: false, kind: refused.startsWith('invalid') ? 'url' : 'address', url, error: refused };
  try {
    verdict = await opts.robots.check(url, opts);
  } catch {
    return { ok: false, kind: 'url', url, error: `invalid URL: ${url}` };
  }
  if (!verdict.allowed) return { ok: false, kind: 'robots', url, error: verdict.reason ?? 'disallowed by robots.txt' };
  const fetched = await fetchSource(url, { ...opts, accept: PAGE_ACCEPT });
  if (!fetched.ok) return { ok: false, kind: fetched.kind, url: fetched.url, ...(fetched.status !== undefined ? { status: fetched.status } : {}), error: fetched.error };
  if (fetched.notModified) return { ok: true, notModified: true, url: fetched.url, status: fetched.status, validators: fetched.validators };
  if (!isHtml(fetched.contentType, fetched.body)) return { ok: false, kind: 'not-html', url: fetched.url, status: fetched.status, error: `not an HTML page (Content-Type: ${fetched.contentType ?? 'none'})` };
  return { ok: true, notModified: false, url: fetched.url, status: fetched.status, body: fetched.body, ...(fetched.contentType ? { contentType: fetched.contentType } : {}), validators: fetched.validators };
}
