/**
 * A misbehaving publisher on 127.0.0.1 for the fetch tests: validators and
 * 304, permanent and temporary redirects, 410, 429/503 with Retry-After, 500,
 * a server that hangs, one that trickles, one that closes mid-body, and
 * compression bombs built with node:zlib. It records every request so tests
 * can check what infrawire sent and how often.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import { startServer } from './env.js';

export const BOMB_BYTES = 16 * 1024 * 1024; // 16 MiB of zeros, a few KiB compressed

export function rssFeed(titles: string[], ttl?: number): string {
  const items = titles.map((t, i) => `<item><title>${t}</title><link>https://news.example/${i}-${encodeURIComponent(t)}</link><description>${t}</description><pubDate>Fri, 27 Nov 2026 0${i % 10}:00:00 GMT</pubDate></item>`).join('');
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test wire</title><link>https://news.example/</link>${ttl ? `<ttl>${ttl}</ttl>` : ''}${items}</channel></rss>`;
}

export const FEED = rssFeed(['GPU cluster goes live in Texas', 'New data center campus announced']);

export interface RequestLog {
  path: string;
  headers: IncomingMessage['headers'];
}

export interface Publisher {
  url: string;
  requests: RequestLog[];
  count(path: string): number;
  /** Most requests in flight at once, per path prefix ("/slow"). */
  maxInFlight: Map<string, number>;
  stop(): Promise<void>;
}

const bombs: Record<string, [string, (b: Buffer) => Buffer]> = {
  '/bomb-gzip': ['gzip', gzipSync],
  '/bomb-deflate': ['deflate', deflateSync],
  '/bomb-br': ['br', (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } })],
};

export async function startPublisher(): Promise<Publisher> {
  const requests: RequestLog[] = [];
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const zeros = Buffer.alloc(BOMB_BYTES);
  const compressed = new Map(Object.entries(bombs).map(([path, [, compress]]) => [path, compress(zeros)]));
  const bomb = (path: string) => compressed.get(path)!;

  const handle = (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void => {
    const xml = { 'content-type': 'application/rss+xml; charset=utf-8' };
    switch (true) {
      case path === '/etag': {
        const etag = 'W/"rev-1"';
        if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
        return void res.writeHead(200, { ...xml, etag, 'last-modified': 'Fri, 27 Nov 2026 10:00:00 GMT' }).end(FEED);
      }
      case path === '/last-modified': {
        const lm = 'Fri, 27 Nov 2026 10:00:00 GMT';
        if (req.headers['if-modified-since'] === lm) return void res.writeHead(304).end();
        return void res.writeHead(200, { ...xml, 'last-modified': lm }).end(FEED);
      }
      case path === '/plain':
        return void res.writeHead(200, xml).end(FEED);
      case path === '/changing':
        return void res.writeHead(200, xml).end(rssFeed([`GPU story number ${requests.length}`]));
      case path === '/cached':
        return void res.writeHead(200, { ...xml, 'cache-control': 'public, max-age=7200' }).end(rssFeed(['GPU cached story'], 45));
      case path === '/ttl':
        return void res.writeHead(200, xml).end(rssFeed(['GPU ttl story'], 180));
      case path === '/moved-301':
        return void res.writeHead(301, { location: '/etag' }).end();
      case path === '/moved-308':
        return void res.writeHead(308, { location: `${query.get('to') ?? '/plain'}` }).end();
      case path === '/temporary':
        return void res.writeHead(302, { location: '/plain' }).end();
      case path === '/permanent-then-temporary':
        return void res.writeHead(301, { location: '/temporary' }).end();
      case path.startsWith('/loop/'):
        return void res.writeHead(301, { location: `/loop/${Number(path.slice(6)) + 1}` }).end();
      case path === '/to-file':
        return void res.writeHead(302, { location: 'file:///etc/passwd' }).end();
      case path === '/gone':
        return void res.writeHead(410).end('gone');
      case path === '/rate-limited':
        return void res.writeHead(429, { 'retry-after': '7200' }).end('slow down');
      case path === '/unavailable':
        return void res.writeHead(503, { 'retry-after': new Date(Date.now() + 3 * 3_600_000).toUTCString() }).end('maintenance');
      case path === '/error':
        return void res.writeHead(500).end('boom');
      case path === '/not-a-feed':
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>news</body></html>');
      case path === '/invalid-xml':
        return void res.writeHead(200, xml).end('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>broken');
      case path === '/hang':
        return; // accept, read, never answer
      case path === '/trickle': {
        res.writeHead(200, xml);
        res.write('<'); // the headers go out now; the body never ends
        let sent = 0;
        const timer = setInterval(() => {
          if (sent++ > 600 || res.destroyed) return clearInterval(timer);
          res.write(' ');
        }, 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case path === '/mid-body':
        res.writeHead(200, { ...xml, 'content-length': String(FEED.length * 2) });
        res.write(FEED.slice(0, 100));
        return void setTimeout(() => res.socket?.destroy(), 20);
      case path === '/reset':
        return void req.socket.destroy();
      case path in bombs:
        return void res.writeHead(200, { ...xml, 'content-encoding': bombs[path]![0] }).end(bomb(path));
      case path.startsWith('/slow'): {
        return void setTimeout(() => res.writeHead(200, xml).end(rssFeed([`GPU slow story ${path}`])), 150);
      }
      default:
        return void res.writeHead(404).end('not found');
    }
  };

  const { url, stop } = await startServer((req, res) => {
    const { pathname: path, searchParams } = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path, headers: req.headers });
    const group = path.startsWith('/slow') ? '/slow' : path;
    inFlight.set(group, (inFlight.get(group) ?? 0) + 1);
    maxInFlight.set(group, Math.max(maxInFlight.get(group) ?? 0, inFlight.get(group)!));
    res.on('close', () => inFlight.set(group, inFlight.get(group)! - 1));
    handle(req, res, path, searchParams);
  });
  return {
    url,
    requests,
    maxInFlight,
    count: (path) => requests.filter((r) => r.path === path).length,
    stop,
  };
}
