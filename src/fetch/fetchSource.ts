/**
 * Fetching one source over HTTP: the only place infrawire talks to publishers.
 *
 * Rules:
 * - Only http and https, at every redirect hop; at most MAX_REDIRECTS hops,
 *   followed by hand so a permanent move (301/308 all the way) can be reported.
 * - With an `addressPolicy` (page fetches, addresses.ts), every hop's address is
 *   checked where the socket is made, over keep-alive agents of that policy's
 *   own (a socket another policy connected is never reused).
 * - Stored validators go back verbatim (If-None-Match / If-Modified-Since);
 *   a 304 is "not modified" and carries no body.
 * - Two deadlines: `connectTimeoutMs` until the response headers arrive (a
 *   server that accepts and then hangs), `timeoutMs` for the whole exchange
 *   (a server that trickles bytes).
 * - The body is capped at `maxBytes`, counted after decompression, so a
 *   compression bomb ends as an error, not as exhausted memory.
 * - Caching headers (Cache-Control, Expires, Retry-After, Date) are returned
 *   raw on every outcome; fetch/due.ts turns them into the next check.
 * - Never throws: every failure becomes a FetchFailure with a `kind` the
 *   caller can act on and a message in an operator's words.
 * - node:http(s) with keep-alive agents, not the global fetch: a conditional
 *   GET answered 304 costs a third of the CPU (undici's fetch was most of an
 *   unchanged cycle, see bench/). So what fetch did is done here: gzip,
 *   deflate and br are asked for and decoded, a repeated header is joined
 *   with ", ", idle sockets close after IDLE_SOCKET_MS, and a request on a
 *   reused socket that the server closed meanwhile is sent once more.
 */
import { createHash } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { pipeline, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { guardedLookup, refusedLiteral, type AddressPolicy, type Resolver } from './addresses.js';
import type { CacheHeaders } from './due.js';
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
  /** The Accept header (default: feed types first). */
  accept?: string;
  /** Refuse non-public addresses the policy does not allow, at every hop (page fetches). */
  addressPolicy?: AddressPolicy;
  /** How host names are resolved under an address policy (default: the system resolver). */
  resolve?: Resolver;
  /** Asked before each redirect is followed (page fetches: robots.txt of the target); a refusal ends the fetch with its kind and words. */
  mayFollow?: (url: string) => Promise<FetchRefusal | undefined>;
}

/** Why a redirect target is not fetched. */
export interface FetchRefusal {
  kind: FetchErrorKind;
  error: string;
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

export type FetchErrorKind = 'url' | 'redirect' | 'timeout' | 'dns' | 'refused' | 'reset' | 'tls' | 'http' | 'gone' | 'too-large' | 'address' | 'robots' | 'network';

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
const ACCEPT_ENCODING = 'gzip, deflate, br';
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

/** Explain a network-level error (node puts the errno in `code`; an error that wraps another, in `cause.code`). */
export function classifyNetworkError(err: unknown): FetchError {
  if (err instanceof FetchError) return err;
  if (err instanceof DeadlineExceeded) return new FetchError('timeout', err.message);
  const e = err as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code ?? e?.code;
  switch (code) {
    case 'EADDRREFUSED':
      return new FetchError('address', e.message ?? 'refused address');
    case 'ECONNREFUSED':
      return new FetchError('refused', 'connection refused');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new FetchError('dns', 'DNS lookup failed (host not found)');
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return new FetchError('reset', 'connection reset or closed by the server before the response was complete');
    case 'ETIMEDOUT':
      return new FetchError('timeout', `timed out (${code})`);
    default:
      // node reports a failed handshake as EPROTO ("write EPROTO …:SSL routines:…") or by OpenSSL's code
      if (code && /CERT|SSL|TLS|ERR_OSSL|^EPROTO$/i.test(code)) return new FetchError('tls', `TLS error: ${(e.cause?.message ?? e.message ?? code).replace(/^\w+ EPROTO /, '')}`);
      return new FetchError('network', e?.cause?.message ?? e?.message ?? String(err));
  }
}

/**
 * Idle keep-alive sockets are closed after this long (undici's default), so a
 * daemon polling many hosts does not hold a socket per host between ticks.
 * Idle sockets are unref'd by the agent: they never keep a process alive.
 */
const IDLE_SOCKET_MS = 4000;
type Agents = { 'http:': http.Agent; 'https:': https.Agent };
const newAgents = (): Agents => ({ 'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }), 'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }) });
const agents = newAgents();
/** Agents of each address policy (by its allowed addresses): a socket is only reused under the policy that checked its address. */
const guardedAgents = new Map<string, Agents>();

/** How one hop connects: agents, and the lookup that checks addresses under a policy. */
interface Connection {
  agents: Agents;
  lookup?: LookupFunction;
}

function connectionFor(opts: FetchOptions): Connection {
  if (!opts.addressPolicy) return { agents };
  const key = [...opts.addressPolicy.allowed].sort().join(' ');
  let own = guardedAgents.get(key);
  if (!own) guardedAgents.set(key, (own = newAgents()));
  return { agents: own, lookup: guardedLookup(opts.addressPolicy, opts.resolve) };
}

/** The two deadlines of one fetch: firing one destroys the request in flight with a DeadlineExceeded. */
class Deadlines {
  fired?: DeadlineExceeded;
  private current?: http.ClientRequest;
  private readonly total: NodeJS.Timeout;
  private headers?: NodeJS.Timeout;

  constructor(private readonly opts: FetchOptions) {
    this.total = this.start('total', opts.timeoutMs);
  }

  private start(which: 'headers' | 'total', ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.fired ??= new DeadlineExceeded(which, ms);
      this.current?.destroy(this.fired);
    }, ms);
    timer.unref();
    return timer;
  }

  /** A request was sent: its response headers are due within the connect/header deadline. */
  sent(req: http.ClientRequest): void {
    this.current = req;
    this.headers = this.start('headers', Math.min(this.opts.connectTimeoutMs ?? this.opts.timeoutMs, this.opts.timeoutMs));
  }

  answered(): void {
    clearTimeout(this.headers);
  }

  clear(): void {
    clearTimeout(this.total);
    clearTimeout(this.headers);
  }
}

function requestHeaders(validators: Validators | undefined, accept = ACCEPT): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept, 'accept-encoding': ACCEPT_ENCODING };
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
  return headers;
}

/** GET `url` and resolve with the response once its headers are in; a reused keep-alive socket the server had closed gets one more try. */
function get(url: URL, headers: Record<string, string>, deadlines: Deadlines, connection: Connection, retried = false): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    let answered = false;
    const lookup = connection.lookup ? { lookup: connection.lookup } : {};
    const req = client.request(url, { headers, agent: connection.agents[url.protocol as 'http:' | 'https:'], joinDuplicateHeaders: true, ...lookup }, (res) => {
      answered = true;
      deadlines.answered();
      resolve(res);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (answered) return; // the response's own stream reports what happens to its body
      deadlines.answered();
      if (req.reusedSocket && err.code === 'ECONNRESET' && !retried && !deadlines.fired) resolve(get(url, headers, deadlines, connection, true));
      else reject(deadlines.fired ?? err);
    });
    deadlines.sent(req);
    req.end();
  });
}

/** The decoders for a Content-Encoding, in order; none for one we do not know (the body is taken as it is, as fetch does). */
function decodersFor(contentEncoding: string | undefined): Transform[] {
  if (!contentEncoding) return [];
  const decoders: Transform[] = [];
  // Lenient like fetch: a stream cut short at the end still yields what came.
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const brFlush = { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };
  for (const coding of contentEncoding.toLowerCase().split(',').map((c) => c.trim()).reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(zlib.createGunzip(flush));
    else if (coding === 'deflate') decoders.push(zlib.createInflate(flush));
    else if (coding === 'br') decoders.push(zlib.createBrotliDecompress(brFlush));
    else if (coding !== 'identity') return [];
  }
  return decoders;
}

async function readCapped(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const decoders = decodersFor(res.headers['content-encoding']);
  // pipeline destroys every stream on an error, so a cut body fails the loop below.
  if (decoders.length) pipeline([res, ...decoders], () => {});
  const stream: Readable = decoders.at(-1) ?? res;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).byteLength;
    if (total > maxBytes) {
      res.destroy();
      throw new BodyTooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function isHttpUrl(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

function header(res: IncomingMessage, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function cacheHeaders(res: IncomingMessage): CacheHeaders {
  return { cacheControl: header(res, 'cache-control'), expires: header(res, 'expires'), retryAfter: header(res, 'retry-after'), date: header(res, 'date') };
}

function validatorsOf(res: IncomingMessage): Validators {
  return { etag: header(res, 'etag'), lastModified: header(res, 'last-modified') };
}

function httpFailure(res: IncomingMessage, url: string, movedTo: string | undefined): FetchFailure {
  const status = res.statusCode!;
  const kind: FetchErrorKind = status === 410 ? 'gone' : 'http';
  const text = `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`;
  const retry = header(res, 'retry-after');
  const error = status === 410 ? `${text}: the publisher removed this feed; polling stopped` : retry ? `${text} (Retry-After: ${retry})` : text;
  return { ok: false, kind, status, url, movedTo, error, cache: cacheHeaders(res) };
}

/** Done with a response whose body we do not read: a bodiless one gives its socket back, any other is closed (its body could be endless). */
function discard(res: IncomingMessage): void {
  if (res.statusCode === 304) res.resume();
  else res.destroy();
}

export async function fetchSource(startUrl: string, opts: FetchOptions): Promise<FetchResult> {
  const deadlines = new Deadlines(opts);
  const connection = connectionFor(opts);
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
      if (parsed.username || parsed.password) throw new FetchError('network', `Request cannot be constructed from a URL that includes credentials: ${url}`);
      const refused = opts.addressPolicy && refusedLiteral(parsed, opts.addressPolicy);
      if (refused) throw new FetchError('address', `${parsed.hostname} ${refused}`);
      const res = await get(parsed, requestHeaders(opts.validators, opts.accept), deadlines, connection);
      const status = res.statusCode!;
      if (REDIRECTS.has(status)) {
        discard(res);
        const location = header(res, 'location');
        if (!location) throw new FetchError('redirect', `HTTP ${status} redirect without a Location header`);
        if (hop + 1 > MAX_REDIRECTS) throw new FetchError('redirect', `too many redirects (more than ${MAX_REDIRECTS})`);
        const next = new URL(location, url).toString();
        const refusal = await opts.mayFollow?.(next);
        if (refusal) {
          url = next;
          throw new FetchError(refusal.kind, refusal.error);
        }
        permanentSoFar &&= PERMANENT.has(status);
        if (permanentSoFar) movedTo = next;
        url = next;
        continue;
      }
      if (status === 304) {
        discard(res);
        return { ok: true, notModified: true, status: 304, url, movedTo, validators: validatorsOf(res), cache: cacheHeaders(res) };
      }
      if (status < 200 || status > 299) {
        discard(res);
        return httpFailure(res, url, movedTo);
      }
      const body = await readCapped(res, opts.maxBytes);
      return {
        ok: true,
        notModified: false,
        status,
        url,
        movedTo,
        contentType: header(res, 'content-type'),
        body,
        bodyHash: createHash('sha256').update(body).digest('hex'),
        validators: validatorsOf(res),
        cache: cacheHeaders(res),
      };
    }
  } catch (err) {
    const cause = deadlines.fired ?? err;
    const failure = cause instanceof BodyTooLarge ? new FetchError('too-large', `response body larger than ${opts.maxBytes} bytes (after decompression)`) : classifyNetworkError(cause);
    return { ok: false, kind: failure.kind, url, movedTo, error: failure.message, cache: {} };
  } finally {
    deadlines.clear();
  }
}
