/**
 * A publisher of article pages on 127.0.0.1 for the page-fetch and full-text
 * tests: a feed, its articles, robots.txt, and hostile pages (a 50 MB page
 * streamed in chunks, a page that never ends, a redirect loop, redirects to
 * private and other loopback addresses, a windows-1251 page, a page 10,000
 * levels deep, a PDF, a 500). Every request is recorded by path.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import iconv from 'iconv-lite';
import { close, listen } from '../../src/serve/index.js';

export const HUGE_PAGE_BYTES = 50 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, '<p>filler text</p>\n');

export interface PageServer {
  url: string;
  port: number;
  /** Requests by path, in order. */
  paths: string[];
  count(path: string): number;
  /** Set a route's response (the tests' feeds and articles). */
  route(path: string, handler: (req: IncomingMessage, res: ServerResponse) => void): void;
  stop(): Promise<void>;
}

export function articleHtml(title: string, paragraphs: string[], extra = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${extra}</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><main><article><h1>${title}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('')}</article></main><aside><h2>Most read</h2><ul><li><a href="/x">Another story</a></li></ul></aside><footer>© 2026 Example News</footer></body></html>`;
}

/** Write `total` bytes in chunks, honouring back-pressure; stops when the client goes away. */
function stream(res: ServerResponse, total: number): void {
  let sent = 0;
  const more = (): void => {
    while (sent < total && !res.destroyed) {
      sent += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once('drain', more);
    }
    if (!res.destroyed) res.end();
  };
  more();
}

export async function startPageServer(): Promise<PageServer> {
  const paths: string[] = [];
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  const timers = new Set<NodeJS.Timeout>();
  let base = '';
  const html = { 'content-type': 'text/html; charset=utf-8' };
  const builtIn = (path: string, req: IncomingMessage, res: ServerResponse): boolean => {
    switch (path) {
      case '/robots.txt':
        res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private/\n');
        return true;
      case '/huge':
        res.writeHead(200, html);
        stream(res, HUGE_PAGE_BYTES);
        return true;
      case '/endless': {
        res.writeHead(200, html);
        res.write('<html><body>');
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('<p>more</p>')), 20);
        timers.add(timer);
        return true;
      }
      case '/loop-a':
        res.writeHead(302, { location: '/loop-b' }).end();
        return true;
      case '/loop-b':
        res.writeHead(302, { location: '/loop-a' }).end();
        return true;
      case '/to-private':
        res.writeHead(301, { location: 'http://10.0.0.7/admin' }).end();
        return true;
      case '/to-metadata':
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
        return true;
      case '/to-other-loopback':
        res.writeHead(302, { location: base.replace('127.0.0.1', '127.0.0.2') + '/article' }).end();
        return true;
      case '/cp1251': {
        const page = `<html><head><meta charset="windows-1251"><title>Новости</title></head><body><article><h1>Новый центр обработки данных</h1><p>Компания построит новый центр обработки данных мощностью 100 мегаватт под Москвой, сообщили в пресс-службе в понедельник утром.</p><p>Первая очередь будет запущена в следующем году, а полная мощность будет достигнута через три года после начала строительства.</p></article></body></html>`;
        res.writeHead(200, { 'content-type': 'text/html' }).end(iconv.encode(page, 'windows-1251'));
        return true;
      }
      case '/deep':
        res.writeHead(200, html).end(`<html><body>${'<div>'.repeat(10_000)}<p>Deep inside, a paragraph about a campus of four halls that goes on long enough to be read as the article body by the extractor.</p>${'</div>'.repeat(10_000)}</body></html>`);
        return true;
      case '/pdf':
        res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7');
        return true;
      case '/error':
        res.writeHead(500).end('oops');
        return true;
      case '/private/page':
        res.writeHead(200, html).end(articleHtml('Private', ['Not for robots.']));
        return true;
      case '/etag': {
        const etag = '"page-1"';
        if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end(), true;
        res.writeHead(200, { ...html, etag }).end(articleHtml('Cached page', ['A page with a validator, long enough to be an article body for the extractor to find and keep as it is.']));
        return true;
      }
      default:
        return false;
    }
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    paths.push(path);
    const custom = routes.get(path);
    if (custom) return custom(req, res);
    if (!builtIn(path, req, res)) res.writeHead(404).end('not found');
  });
  base = await listen(server, '127.0.0.1', 0);
  return {
    url: base,
    port: Number(new URL(base).port),
    paths,
    count: (path) => paths.filter((p) => p === path).length,
    route: (path, handler) => void routes.set(path, handler),
    stop: async () => {
      for (const t of timers) clearInterval(t);
      await close(server);
    },
  };
}
