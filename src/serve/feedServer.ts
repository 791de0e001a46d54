/**
 * The HTTP server subscribers reach: the published feeds at stable URLs
 * (`/feeds/NAME.atom`, `.rss`, `.json`), the status page at `/`, `/healthz`,
 * `/metrics`, `/sources.opml` and the feed icon.
 *
 * Rules:
 * - Feeds are files from the output directory (through safeFilePath), so it
 *   always serves the last complete publish; compressed by Accept-Encoding,
 *   with Cache-Control from the schedule (a feed cannot change before the next
 *   cycle).
 * - Only GET and HEAD; everything else is 405, unknown paths 404.
 * - The status page and /healthz read live state through callbacks the
 *   daemon passes in; without them they show what the config alone knows.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ICON_PATH } from '../publish/index.js';
import { CompressedBodies, safeFilePath, sendRepresentation, sendText, serveFile, CONTENT_TYPES } from './files.js';
import type { SourceHealth } from '../fetch/index.js';
import type { HealthReport } from './health.js';
import { sourcesOpml } from './opml.js';
import { statusPage, type StatusFeed } from './statusPage.js';

export interface FeedServerOptions {
  dir: string;
  feeds: StatusFeed[];
  /** Configured sources (status page rows, OPML). */
  sources?: { name: string; url: string }[];
  /** Public base URL, no trailing slash; defaults to relative links. */
  baseUrl?: string;
  /** Cache-Control max-age for feeds in seconds, or a function giving it per request. */
  maxAge?: number | (() => number);
  /** Every configured source's health (`sourceHealths` in fetch/health.ts). */
  sourceStates?: () => Promise<readonly SourceHealth[]>;
  health?: () => HealthReport;
  metrics?: { contentType(): string; text(): Promise<string> };
}

const ICON_SVG = `<?xml version="1.0" encoding="utf-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64"><rect width="64" height="64" rx="12" fill="#0b5cad"/><path d="M14 46h36M14 32h36M14 18h36" stroke="#fff" stroke-width="6" stroke-linecap="round"/><circle cx="22" cy="32" r="6" fill="#f6b73c"/></svg>
`;

const NO_CACHE = { 'cache-control': 'no-cache' };

function maxAgeOf(opts: FeedServerOptions): number {
  const value = typeof opts.maxAge === 'function' ? opts.maxAge() : (opts.maxAge ?? 300);
  return Math.max(0, Math.floor(value));
}

function sendPage(req: IncomingMessage, res: ServerResponse, compress: CompressedBodies, body: string, contentType: string, headers: Record<string, string> = NO_CACHE): void {
  sendRepresentation(req, res, { body: Buffer.from(body), contentType, headers, compress });
}

function sendHealth(req: IncomingMessage, res: ServerResponse, opts: FeedServerOptions): void {
  if (!opts.health) return sendText(res, 404, 'not found\n');
  const report = opts.health();
  const body = `${JSON.stringify(report)}\n`;
  // Only a daemon whose cycles stopped is unhealthy to a supervisor; one that cannot reach its sources is degraded, not broken.
  res.writeHead(report.status === 'failing' ? 503 : 200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...NO_CACHE });
  res.end(req.method === 'HEAD' ? undefined : body);
}

async function sendMetrics(req: IncomingMessage, res: ServerResponse, opts: FeedServerOptions, compress: CompressedBodies): Promise<void> {
  if (!opts.metrics) return sendText(res, 404, 'not found\n');
  sendPage(req, res, compress, await opts.metrics.text(), opts.metrics.contentType());
}

async function route(req: IncomingMessage, res: ServerResponse, opts: FeedServerOptions, compress: CompressedBodies): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  const sources = opts.sources ?? [];
  if (path === '/') {
    const page = statusPage({ title: 'infrawire', baseUrl: opts.baseUrl ?? '', feeds: opts.feeds, sources, states: (await opts.sourceStates?.()) ?? [], health: opts.health?.() });
    return sendPage(req, res, compress, page, CONTENT_TYPES['.html']!);
  }
  if (path === '/healthz') return sendHealth(req, res, opts);
  if (path === '/metrics') return sendMetrics(req, res, opts, compress);
  if (path === '/sources.opml') return sendPage(req, res, compress, sourcesOpml('infrawire sources', sources), CONTENT_TYPES['.opml']!);
  if (path === ICON_PATH) return sendPage(req, res, compress, ICON_SVG, CONTENT_TYPES['.svg']!, { 'cache-control': 'public, max-age=86400' });
  const m = path.match(/^\/feeds\/([^/]+)$/);
  const file = m ? safeFilePath(opts.dir, m[1]!) : undefined;
  if (!file) return sendText(res, 404, 'not found\n');
  serveFile(req, res, file, { 'cache-control': `public, max-age=${maxAgeOf(opts)}` }, { compress });
}

export function createFeedServer(opts: FeedServerOptions): Server {
  // The server's own: what it compressed, for as long as it serves.
  const compress = new CompressedBodies();
  return createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendText(res, 405, 'method not allowed\n');
    }
    Promise.resolve()
      .then(() => route(req, res, opts, compress))
      .catch((err) => {
        if (!res.headersSent) sendText(res, 500, `internal error: ${(err as Error).message}\n`);
        else res.destroy();
      });
  });
}

/** Listen and resolve with the URL actually bound (port 0 picks a free port). */
export function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolvePromise(`http://${h}:${addr.port}`);
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((r) => {
    server.close(() => r());
    server.closeAllConnections?.();
  });
}
