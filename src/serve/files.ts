/**
 * Serving files from one directory over HTTP, safely.
 *
 * Rules:
 * - A request path is decoded once and must name a plain file inside `root`:
 *   no "..", no encoded slash or backslash, no NUL, no absolute path, no dotfile
 *   (temp files of atomic writes start with the feed name but end in .tmp-*).
 * - GET and HEAD only; ETag (content hash) and Last-Modified, answered with
 *   304 on If-None-Match / If-Modified-Since.
 */
import { createHash } from 'node:crypto';
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
export function isNotModified(req: IncomingMessage, etag: string, lastModified: Date): boolean {
  const inm = req.headers['if-none-match'];
  if (inm) return inm.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}` || t.trim() === '*');
  const ims = req.headers['if-modified-since'];
  if (ims) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
  }
  return false;
}

/** Serve one file (already checked with safeFilePath); 404 when it does not exist. */
export function serveFile(req: IncomingMessage, res: ServerResponse, path: string, extraHeaders: Record<string, string> = {}): void {
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
  const etag = etagOf(body);
  const headers = {
    'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    etag,
    'last-modified': mtime.toUTCString(),
    ...extraHeaders,
  };
  if (isNotModified(req, etag, mtime)) {
    res.writeHead(304, headers);
    return void res.end();
  }
  res.writeHead(200, { ...headers, 'content-length': body.byteLength });
  res.end(req.method === 'HEAD' ? undefined : body);
}

