/**
 * Fetching one source over HTTP: the only place infrawire talks to publishers.
 *
 * Rules:
 * - Only http and https, at every redirect hop; at most MAX_REDIRECTS hops,
 *   followed by hand so a permanent move (301/308 all the way) can be reported.
 * - Stored validators go back verbatim (If-None-Match / If-Modified-Since);
 *   a 304 is "not modified" and carries no body.
 * - Two deadlines: `connectTimeoutMs` until the response headers arrive (a
 *   server that accepts and then hangs), `timeoutMs` for the whole exchange
 *   (a server that trickles bytes).
 * - The body is capped at `maxBytes`, counted after decompression, so a
 *   compression bomb ends as an error, not as exhausted memory.
 * - Caching headers (Cache-Control, Expires, Retry-After, Date) are returned
 *   raw on every outcome; schedule/due.ts turns them into the next check.
 * - Never throws: every failure becomes a FetchFailure with a `kind` the
 *   caller can act on and a message in an operator's words.
 */
import { createHash } from 'node:crypto';
import type { CacheHeaders } from '../schedule/due.js';
import { USER_AGENT } from './userAgent.js';

export const MAX_REDIRECTS = 5;

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface FetchOptions {
  /** Deadline for the whole exchange, body included. */
  timeoutMs: number;
  /** Deadline for connecting and receiving the response headers (default: timeoutMs). */
  connectTimeoutMs?: number;
  maxBytes: number;
  /** Validators stored from the last response, sent back as conditional headers. */
  validators?: Validators;
}

interface FetchCommon {
  status: number;
  /** The URL the response came from, after redirects. */
  url: string;
  /** Set when a 301/308 on the way means the configured URL should change. */
  movedTo?: string;
  cache: CacheHeaders;
}

export interface FetchSuccess extends FetchCommon {
  ok: true;
  notModified: false;
  contentType?: string;
  body: Buffer;
  /** sha256 of the body bytes, for servers that send no validators. */
  bodyHash: string;
  validators: Validators;
}

export interface FetchNotModified extends FetchCommon {
  ok: true;
  notModified: true;
  validators: Validators;
}

export type FetchErrorKind = 'url' | 'redirect' | 'timeout' | 'dns' | 'refused' | 'reset' | 'tls' | 'http' | 'gone' | 'too-large' | 'network';

export interface FetchFailure {
  ok: false;
  kind: FetchErrorKind;
  status?: number;
  url: string;
  movedTo?: string;
  error: string;
  cache: CacheHeaders;
}

export type FetchResult = FetchSuccess | FetchNotModified | FetchFailure;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PERMANENT = new Set([301, 308]);
const ACCEPT = 'application/atom+xml, application/rss+xml, application/rdf+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

class BodyTooLarge extends Error {}
class DeadlineExceeded extends Error {
  constructor(readonly which: 'headers' | 'total', readonly ms: number) {
    super(which === 'headers' ? `no response headers within ${ms} ms (connect/header timeout)` : `timed out after ${ms} ms (total timeout)`);
  }
}

export class FetchError extends Error {
  constructor(
    readonly kind: FetchErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** Explain a network-level error (undici puts the errno in `cause`). */
export function classifyNetworkError(err: unknown): FetchError {
  if (err instanceof FetchError) return err;
  if (err instanceof DeadlineExceeded) return new FetchError('timeout', err.message);
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return new FetchError('refused', 'connection refused');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new FetchError('dns', 'DNS lookup failed (host not found)');
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return new FetchError('reset', 'connection reset or closed by the server before the response was complete');
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new FetchError('timeout', `timed out (${code})`);
    default:
      if (code && /CERT|SSL|TLS|ERR_OSSL/i.test(code)) return new FetchError('tls', `TLS error: ${e.cause?.message ?? code}`);
      if (e?.message === 'terminated') return new FetchError('reset', 'connection closed by the server before the body was complete');
      return new FetchError('network', e?.cause?.message ?? e?.message ?? String(err));
  }
}

/** Reject with the reason of whichever deadline fired first. */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason instanceof DeadlineExceeded ? signal.reason : undefined;
}

async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function isHttpUrl(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

function requestHeaders(validators: Validators | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: ACCEPT };
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
  return headers;
}

function cacheHeaders(res: Response): CacheHeaders {
  const get = (name: string) => res.headers.get(name) ?? undefined;
  return { cacheControl: get('cache-control'), expires: get('expires'), retryAfter: get('retry-after'), date: get('date') };
}

function validatorsOf(res: Response): Validators {
  return { etag: res.headers.get('etag') ?? undefined, lastModified: res.headers.get('last-modified') ?? undefined };
}

function httpFailure(res: Response, url: string, movedTo: string | undefined): FetchFailure {
  const kind: FetchErrorKind = res.status === 410 ? 'gone' : 'http';
  const text = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  const retry = res.headers.get('retry-after');
  const error = res.status === 410 ? `${text}: the publisher removed this feed; polling stopped` : retry ? `${text} (Retry-After: ${retry})` : text;
  return { ok: false, kind, status: res.status, url, movedTo, error, cache: cacheHeaders(res) };
}

/** A timer that aborts `controller` with a DeadlineExceeded; cleared by the returned function. */
function deadline(controller: AbortController, which: 'headers' | 'total', ms: number): () => void {
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded(which, ms)), ms);
  timer.unref?.();
  return () => clearTimeout(timer);
}

export async function fetchSource(startUrl: string, opts: FetchOptions): Promise<FetchResult> {
  const controller = new AbortController();
  const clearTotal = deadline(controller, 'total', opts.timeoutMs);
  let url = startUrl;
  let movedTo: string | undefined;
  let permanentSoFar = true;
  try {
    for (let hop = 0; ; hop++) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new FetchError('url', `invalid URL: ${url}`);
      }
      if (!isHttpUrl(parsed)) throw new FetchError('url', `refused to fetch ${parsed.protocol} URL ${url} (only http and https)`);
      const clearHeaders = deadline(controller, 'headers', Math.min(opts.connectTimeoutMs ?? opts.timeoutMs, opts.timeoutMs));
      let res: Response;
      try {
        res = await fetch(url, { redirect: 'manual', signal: controller.signal, headers: requestHeaders(opts.validators) });
      } finally {
        clearHeaders();
      }
      if (REDIRECTS.has(res.status)) {
        await res.body?.cancel().catch(() => {});
        const location = res.headers.get('location');
        if (!location) throw new FetchError('redirect', `HTTP ${res.status} redirect without a Location header`);
        if (hop + 1 > MAX_REDIRECTS) throw new FetchError('redirect', `too many redirects (more than ${MAX_REDIRECTS})`);
        const next = new URL(location, url).toString();
        permanentSoFar &&= PERMANENT.has(res.status);
        if (permanentSoFar) movedTo = next;
        url = next;
        continue;
      }
      if (res.status === 304) {
        await res.body?.cancel().catch(() => {});
        return { ok: true, notModified: true, status: 304, url, movedTo, validators: validatorsOf(res), cache: cacheHeaders(res) };
      }
      if (res.status < 200 || res.status > 299) {
        await res.body?.cancel().catch(() => {});
        return httpFailure(res, url, movedTo);
      }
      const body = await readCapped(res, opts.maxBytes);
      return {
        ok: true,
        notModified: false,
        status: res.status,
        url,
        movedTo,
        contentType: res.headers.get('content-type') ?? undefined,
        body,
        bodyHash: createHash('sha256').update(body).digest('hex'),
        validators: validatorsOf(res),
        cache: cacheHeaders(res),
      };
    }
  } catch (err) {
    const cause = abortReason(controller.signal) ?? err;
    const failure = cause instanceof BodyTooLarge ? new FetchError('too-large', `response body larger than ${opts.maxBytes} bytes (after decompression)`) : classifyNetworkError(cause);
    return { ok: false, kind: failure.kind, url, movedTo, error: failure.message, cache: {} };
  } finally {
    clearTotal();
  }
}
