/**
 * Serving files from one directory over HTTP, safely.
 *
 * Rules:
 * - A request path is decoded once and must name a plain file inside `root`:
 *   no "..", no encoded slash or backslash, no NUL, no absolute path, no dotfile
 *   (temp files of atomic writes start with the feed name but end in .tmp-*).
 * - GET and HEAD only; ETag (content hash) and Last-Modified, answered with
 *   304 on If-None-Match / If-Modified-Since. HTTP dates have whole seconds, so
 *   a file changed during the current second gets no Last-Modified (and its
 *   If-Modified-Since is not trusted): a second write in that same second
 *   would carry the same date, and a reader holding the first version would
 *   be told 304 and miss the second.
 * - Compression (when the caller asks for it) follows Accept-Encoding: br,
 *   then gzip, else identity. Each encoding is its own representation with
 *   its own ETag ("…-br", "…-gzip") and `Vary: Accept-Encoding`, so caches
 *   and conditional requests never mix them up. Compressed bodies are kept by
 *   content hash in the caller's `CompressedBodies` (one per server), so an
 *   unchanged feed is compressed once.
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

export const CONTENT_TYPES: Record<string, string> = {
  '.atom': 'application/atom+xml; charset=utf-8',
  '.rss': 'application/rss+xml; charset=utf-8',
  '.rdf': 'application/rdf+xml; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.json': 'application/feed+json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.opml': 'text/x-opml; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
};

/** The file a URL path names inside root, or undefined when it names anything else. */
export function safeFilePath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (/[\0\\]/.test(decoded) || /%2f|%5c/i.test(urlPath)) return undefined;
  const segments = decoded.split('/').filter(Boolean);
  if (!segments.length || segments.some((s) => s.startsWith('.') || s.includes('.tmp-'))) return undefined;
  const base = resolve(root);
  const path = resolve(base, ...segments);
  return path.startsWith(base + sep) ? path : undefined;
}

export function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(res.req?.method === 'HEAD' ? undefined : text);
}

export function etagOf(body: Buffer | string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** True when the request's validators say the client already has this version. */
export function isNotModified(req: IncomingMessage, etag: string, lastModified?: Date): boolean {
  const inm = req.headers['if-none-match'];
  if (inm) return inm.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}` || t.trim() === '*');
  const ims = req.headers['if-modified-since'];
  if (ims && lastModified) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
  }
  return false;
}

export type ContentCoding = 'br' | 'gzip' | 'identity';

/** The best coding the client accepts (RFC 9110 12.5.3: q-values, "*", q=0 refuses). */
export function chooseEncoding(acceptEncoding: string | undefined): ContentCoding {
  const q = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (!coding) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(coding, Number.isFinite(value) ? value : 0);
  }
  const accepts = (coding: string) => (q.get(coding) ?? q.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip') || accepts('x-gzip')) return 'gzip';
  return 'identity';
}

const COMPRESSED_CACHE_SIZE = 32;

/** The last COMPRESSED_CACHE_SIZE compressed bodies, by encoding and content hash: a server keeps one for its life. */
export class CompressedBodies {
  private readonly bodies = new Map<string, Buffer>();

  /** `body` (whose ETag is `etag`) in `coding`, compressed once. */
  of(body: Buffer, etag: string, coding: Exclude<ContentCoding, 'identity'>): Buffer {
    const key = `${coding}:${etag}`;
    const cached = this.bodies.get(key);
    if (cached) return cached;
    const out = coding === 'br' ? brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 9, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } }) : gzipSync(body, { level: 9 });
    if (this.bodies.size >= COMPRESSED_CACHE_SIZE) this.bodies.delete(this.bodies.keys().next().value!);
    this.bodies.set(key, out);
    return out;
  }
}

export interface Representation {
  body: Buffer;
  contentType: string;
  lastModified?: Date;
  headers?: Record<string, string>;
  /** Negotiate br/gzip by Accept-Encoding, keeping the compressed bodies here. */
  compress?: CompressedBodies;
}

/** A modification time that is safe to send as Last-Modified: one from a second that has ended. */
export function settledDate(mtime: Date | undefined, now = Date.now()): Date | undefined {
  return mtime && Math.floor(mtime.getTime() / 1000) < Math.floor(now / 1000) ? mtime : undefined;
}

/** Send a body with ETag, optional Last-Modified, conditional 304 and content negotiation; HEAD sends headers only. */
export function sendRepresentation(req: IncomingMessage, res: ServerResponse, rep: Representation): void {
  const lastModified = settledDate(rep.lastModified);
  const baseTag = etagOf(rep.body);
  const coding = rep.compress ? chooseEncoding(req.headers['accept-encoding']) : 'identity';
  const etag = coding === 'identity' ? baseTag : `${baseTag.slice(0, -1)}-${coding}"`;
  const headers: Record<string, string> = { 'content-type': rep.contentType, etag, ...rep.headers };
  if (lastModified) headers['last-modified'] = lastModified.toUTCString();
  if (rep.compress) headers.vary = 'Accept-Encoding';
  if (coding !== 'identity') headers['content-encoding'] = coding;
  if (isNotModified(req, etag, lastModified)) {
    res.writeHead(304, headers);
    return void res.end();
  }
  const body = coding === 'identity' || !rep.compress ? rep.body : rep.compress.of(rep.body, baseTag, coding);
  res.writeHead(200, { ...headers, 'content-length': body.byteLength });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Serve one file (already checked with safeFilePath); 404 when it does not exist. */
export function serveFile(req: IncomingMessage, res: ServerResponse, path: string, extraHeaders: Record<string, string> = {}, opts: { compress?: CompressedBodies } = {}): void {
  let body: Buffer;
  let mtime: Date;
  try {
    const st = statSync(path);
    if (!st.isFile()) return sendText(res, 404, 'not found\n');
    body = readFileSync(path);
    mtime = st.mtime;
  } catch {
    return sendText(res, 404, 'not found\n');
  }
  const contentType = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
  sendRepresentation(req, res, { body, contentType, lastModified: mtime, headers: extraHeaders, compress: opts.compress });
}

