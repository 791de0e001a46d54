/**
 * Fetching one source over HTTP: the only place infrawire talks to publishers.
 *
 * Rules:
 * - Only http and https, at every redirect hop; at most MAX_REDIRECTS hops,
 *   followed by hand so a permanent move (301/308) can be reported.
 * - One deadline (`timeoutMs`) covers connect, headers and the whole body.
 * - The body is capped at `maxBytes`, counted after decompression, so a
 *   compression bomb ends as an error, not as exhausted memory.
 * - Never throws: every failure becomes a FetchFailure whose message says
 *   what went wrong in an operator's words.
 */
import { USER_AGENT } from './userAgent.js';

export const MAX_REDIRECTS = 5;

export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
}

export interface FetchSuccess {
  ok: true;
  status: number;
  /** The URL the body came from, after redirects. */
  url: string;
  /** Set when a 301/308 on the way means the configured URL should change. */
  movedTo?: string;
  contentType?: string;
  body: Buffer;
}

export interface FetchFailure {
  ok: false;
  status?: number;
  url: string;
  error: string;
}

export type FetchResult = FetchSuccess | FetchFailure;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PERMANENT = new Set([301, 308]);

class BodyTooLarge extends Error {}

/** Explain a network-level error (undici puts the errno in `cause`). */
export function describeNetworkError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const code = e?.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'DNS lookup failed (host not found)';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset by the server';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `timed out after ${timeoutMs} ms`;
    default:
      if (code && /CERT|SSL|TLS/i.test(code)) return `TLS error: ${e.cause?.message ?? code}`;
      return e?.cause?.message ?? e?.message ?? String(err);
  }
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

export async function fetchSource(startUrl: string, opts: FetchOptions): Promise<FetchResult> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let url = startUrl;
  let movedTo: string | undefined;
  let permanentSoFar = true;
  try {
    for (let hop = 0; ; hop++) {
      const parsed = new URL(url);
      if (!isHttpUrl(parsed)) return { ok: false, url, error: `refused to fetch ${parsed.protocol} URL (only http and https)` };
      const res = await fetch(url, {
        redirect: 'manual',
        signal,
        headers: { 'user-agent': USER_AGENT, accept: 'application/atom+xml, application/rss+xml, application/rdf+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5' },
      });
      if (REDIRECTS.has(res.status)) {
        await res.body?.cancel().catch(() => {});
        const location = res.headers.get('location');
        if (!location) return { ok: false, status: res.status, url, error: `HTTP ${res.status} redirect without a Location header` };
        if (hop + 1 > MAX_REDIRECTS) return { ok: false, status: res.status, url, error: `too many redirects (more than ${MAX_REDIRECTS})` };
        const next = new URL(location, url).toString();
        permanentSoFar &&= PERMANENT.has(res.status);
        if (permanentSoFar) movedTo = next;
        url = next;
        continue;
      }
      if (res.status < 200 || res.status > 299) {
        await res.body?.cancel().catch(() => {});
        return { ok: false, status: res.status, url, error: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}` };
      }
      const body = await readCapped(res, opts.maxBytes);
      return { ok: true, status: res.status, url, movedTo, contentType: res.headers.get('content-type') ?? undefined, body };
    }
  } catch (err) {
    if (err instanceof BodyTooLarge) return { ok: false, url, error: `response body larger than ${opts.maxBytes} bytes` };
    if (err instanceof TypeError && /Invalid URL/i.test(err.message)) return { ok: false, url, error: `invalid URL: ${url}` };
    return { ok: false, url, error: describeNetworkError(err, opts.timeoutMs) };
  }
}
