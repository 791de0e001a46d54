/**
 * The HTTP server subscribers reach: the published feeds at stable URLs
 * (`/feeds/NAME.atom`, `.rss`, `.json`) and an index page at `/`.
 *
 * Rules: serves only the output directory (through safeFilePath), only GET
 * and HEAD; everything else is 404 or 405. It reads files, never the store,
 * so it always serves the last complete publish.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeHtml } from '../publish/index.js';
import { safeFilePath, sendText, serveFile } from './files.js';

export interface FeedServerOptions {
  dir: string;
  feeds: { name: string; title: string }[];
  /** Cache-Control max-age for feeds, in seconds. */
  maxAge?: number;
}

function indexPage(feeds: FeedServerOptions['feeds']): string {
  const links = feeds
    .map((f) => `<link rel="alternate" type="application/atom+xml" title="${escapeHtml(f.title)}" href="/feeds/${f.name}.atom">`)
    .join('\n');
  const items = feeds
    .map((f) => `<li>${escapeHtml(f.title)}: <a href="/feeds/${f.name}.atom">Atom</a> · <a href="/feeds/${f.name}.rss">RSS</a> · <a href="/feeds/${f.name}.json">JSON Feed</a></li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>infrawire</title>
${links}
</head><body><h1>infrawire</h1><ul>
${items}
</ul></body></html>
`;
}

export function createFeedServer(opts: FeedServerOptions): Server {
  return createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendText(res, 405, 'method not allowed\n');
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/') return sendText(res, 200, indexPage(opts.feeds), 'text/html; charset=utf-8');
    const m = path.match(/^\/feeds\/([^/]+)$/);
    const file = m ? safeFilePath(opts.dir, m[1]!) : undefined;
    if (!file) return sendText(res, 404, 'not found\n');
    serveFile(req, res, file, { 'cache-control': `public, max-age=${opts.maxAge ?? 300}` });
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
