import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders, type Server } from 'node:http';
import { join, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, createFeedServer, etagOf, listen, safeFilePath } from '../../src/serve/index.js';
import { FIXTURES, startFixtureServer, tempDir } from '../helpers/env.js';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request with the path sent byte for byte (fetch and URL would normalize "..", "%2e" and "//"). */
function raw(base: string, path: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: hostname, port: Number(port), path, method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

const FEED = 'ai-infrastructure';
const SECRET = 'TOP-SECRET-do-not-serve';

describe('createFeedServer', () => {
  let root: { dir: string; cleanup: () => void };
  let outDir: string;
  let server: Server;
  let base: string;
  const bodies: Record<string, Buffer> = {};

  beforeAll(async () => {
    root = tempDir();
    outDir = join(root.dir, 'feeds');
    mkdirSync(outDir);
    bodies.atom = Buffer.from(`<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Café “T”</title></feed>\n`);
    bodies.rss = Buffer.from('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title></channel></rss>\n');
    bodies.json = Buffer.from(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'T', items: [] }));
    for (const ext of ['atom', 'rss', 'json']) writeFileSync(join(outDir, `${FEED}.${ext}`), bodies[ext]!);
    // Things that must never be served.
    writeFileSync(join(root.dir, 'secret.txt'), SECRET);
    writeFileSync(join(outDir, `${FEED}.atom.tmp-1-abc`), SECRET);
    writeFileSync(join(outDir, '.hidden'), SECRET);
    mkdirSync(join(outDir, 'sub'));
    writeFileSync(join(outDir, 'sub', 'x.atom'), SECRET);
    // Fixed mtimes in the past, so Last-Modified is predictable (a file from
    // the current second gets none: see settledDate).
    const mtime = new Date('2026-11-27T10:00:00Z');
    for (const ext of ['atom', 'rss', 'json']) utimesSync(join(outDir, `${FEED}.${ext}`), mtime, mtime);
    server = createFeedServer({ dir: outDir, feeds: [{ name: FEED, title: 'T' }] });
    base = await listen(server, '127.0.0.1', 0);
  });

  afterAll(async () => {
    if (server) await close(server);
    root?.cleanup();
  });

  it('binds to the loopback address and reports the real port', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(base).port)).toBeGreaterThan(0);
  });

  it.each([
    ['atom', 'application/atom+xml; charset=utf-8'],
    ['rss', 'application/rss+xml; charset=utf-8'],
    ['json', 'application/feed+json; charset=utf-8'],
  ])('GET /feeds/%s serves the file bytes as %s with validators', async (ext, type) => {
    // identity: the raw file bytes and their ETag (compressed answers are tested in tests/serve)
    const res = await fetch(`${base}/feeds/${FEED}.${ext}`, { headers: { 'accept-encoding': 'identity' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(bodies[ext]!)).toBe(true);
    expect(res.headers.get('content-length')).toBe(String(bodies[ext]!.byteLength));
    expect(res.headers.get('etag')).toBe(etagOf(bodies[ext]!));
    expect(res.headers.get('etag')).toMatch(/^"[\w-]{27}"$/);
    const lm = res.headers.get('last-modified');
    expect(lm).toBeTruthy();
    expect(Number.isNaN(Date.parse(lm!))).toBe(false);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('Last-Modified is the file mtime', async () => {
    const res = await fetch(`${base}/feeds/${FEED}.atom`);
    await res.arrayBuffer();
    expect(res.headers.get('last-modified')).toBe('Fri, 27 Nov 2026 10:00:00 GMT');
  });

  it('ignores a query string', async () => {
    const res = await fetch(`${base}/feeds/${FEED}.atom?utm_source=x`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bodies.atom!)).toBe(true);
  });

  it('If-None-Match with the ETag answers 304 with no body', async () => {
    const first = await raw(base, `/feeds/${FEED}.atom`);
    const etag = first.headers.etag!;
    expect(etag).toBeTruthy();
    const res = await raw(base, `/feeds/${FEED}.atom`, { headers: { 'if-none-match': etag } });
    expect(res.status).toBe(304);
    expect(res.body.byteLength).toBe(0);
    expect(res.headers.etag).toBe(etag);
    // Weak and listed forms match too; another tag does not.
    expect((await raw(base, `/feeds/${FEED}.atom`, { headers: { 'if-none-match': `"other", W/${etag}` } })).status).toBe(304);
    const miss = await raw(base, `/feeds/${FEED}.atom`, { headers: { 'if-none-match': '"nope"' } });
    expect(miss.status).toBe(200);
    expect(miss.body.equals(bodies.atom!)).toBe(true);
    // The ETag of one file does not validate another.
    expect((await raw(base, `/feeds/${FEED}.rss`, { headers: { 'if-none-match': etag } })).status).toBe(200);
  });

  it('If-Modified-Since with Last-Modified answers 304; an older date gets the body', async () => {
    const first = await raw(base, `/feeds/${FEED}.atom`);
    const lm = first.headers['last-modified']!;
    const res = await raw(base, `/feeds/${FEED}.atom`, { headers: { 'if-modified-since': lm } });
    expect(res.status).toBe(304);
    expect(res.body.byteLength).toBe(0);
    const older = await raw(base, `/feeds/${FEED}.atom`, { headers: { 'if-modified-since': 'Thu, 26 Nov 2026 10:00:00 GMT' } });
    expect(older.status).toBe(200);
    expect(older.body.equals(bodies.atom!)).toBe(true);
    const garbage = await raw(base, `/feeds/${FEED}.atom`, { headers: { 'if-modified-since': 'yesterday-ish' } });
    expect(garbage.status).toBe(200);
  });

  it('HEAD answers the headers without a body', async () => {
    const res = await raw(base, `/feeds/${FEED}.rss`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(res.headers['content-length']).toBe(String(bodies.rss!.byteLength));
    expect(res.headers.etag).toBe(etagOf(bodies.rss!));
    expect(res.body.byteLength).toBe(0);
    const index = await raw(base, '/', { method: 'HEAD' });
    expect(index.status).toBe(200);
    expect(index.body.byteLength).toBe(0);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s answers 405 with Allow', async (method) => {
    const res = await raw(base, `/feeds/${FEED}.atom`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.body.toString()).not.toContain('<feed');
  });

  it('an unknown feed is 404', async () => {
    for (const path of ['/feeds/nope.atom', `/feeds/${FEED}.xml`, `/feeds/${FEED}`, '/feeds/', '/feeds', `/${FEED}.atom`, '/favicon.ico']) {
      const res = await raw(base, path);
      expect(res.status, path).toBe(404);
      expect(res.body.toString(), path).toBe('not found\n');
    }
  });

  it('/ is an HTML index with an Atom autodiscovery link and links to every format', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain(`<link rel="alternate" type="application/atom+xml" title="T (Atom)" href="/feeds/${FEED}.atom">`);
    for (const ext of ['atom', 'rss', 'json']) expect(html).toContain(`href="/feeds/${FEED}.${ext}"`);
  });

  it('escapes feed titles on the index page', async () => {
    const s = createFeedServer({ dir: outDir, feeds: [{ name: 'x', title: '<script>alert("x")</script> & co' }] });
    const url = await listen(s, '127.0.0.1', 0);
    try {
      const html = await (await fetch(`${url}/`)).text();
      expect(html).not.toContain('<script>');
      expect(html).toContain('title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co (Atom)"');
    } finally {
      await close(s);
    }
  });

  it.each([
    '/feeds/../secret.txt',
    '/feeds/%2e%2e/secret.txt',
    '/feeds/..%2fsecret.txt',
    '/feeds/%2e%2e%2fsecret.txt',
    '/feeds/%2E%2E%2Fsecret.txt',
    '/feeds/..%5csecret.txt',
    '/feeds/..%5Csecret.txt',
    '/feeds/%252e%252e%252fsecret.txt',
    '/feeds/%00',
    '/feeds/secret.txt%00.atom',
    '/feeds/..',
    '/feeds/%2e%2e',
    '/feeds/.',
    '//etc/passwd',
    '/feeds//etc/passwd',
    '/feeds/%2fetc%2fpasswd',
    '/feeds/%2Fetc%2Fpasswd',
    `/feeds/${FEED}.atom.tmp-1-abc`,
    `/feeds/${FEED}.atom%2etmp-1-abc`,
    '/feeds/.hidden',
    '/feeds/%2ehidden',
    '/feeds/sub/x.atom',
    '/feeds/sub%2fx.atom',
    '/feeds/sub',
    '/feeds/%',
    '/../secret.txt',
    '/feeds/../feeds/../../secret.txt',
  ])('path traversal %s is 404 and leaks nothing', async (path) => {
    const res = await raw(base, path);
    expect(res.status).toBe(404);
    expect(res.body.toString()).not.toContain(SECRET);
    expect(res.body.toString()).not.toContain('root:');
  });
});

describe('safeFilePath', () => {
  const root = resolve('/srv/infrawire/feeds');

  it('maps a plain name to a file inside root', () => {
    expect(safeFilePath(root, 'ai-infrastructure.atom')).toBe(join(root, 'ai-infrastructure.atom'));
    expect(safeFilePath(root, '/ai-infrastructure.atom')).toBe(join(root, 'ai-infrastructure.atom'));
    expect(safeFilePath(root, 'a%20b.rss')).toBe(join(root, 'a b.rss'));
    expect(safeFilePath(root, '/sub/x.json')).toBe(join(root, 'sub', 'x.json'));
    expect(safeFilePath('/srv/infrawire/feeds/', 'x.atom')).toBe(join(root, 'x.atom'));
    expect(safeFilePath('relative/dir', 'x.atom')).toBe(resolve('relative/dir', 'x.atom'));
  });

  it('refuses anything that could leave root or name a hidden or temp file', () => {
    for (const p of [
      '..',
      '../secret.txt',
      '/../secret.txt',
      'a/../../secret.txt',
      '%2e%2e/secret.txt',
      '..%2fsecret.txt',
      '..%2Fsecret.txt',
      '%2e%2e%2fsecret.txt',
      '..%5csecret.txt',
      '..\\secret.txt',
      'a\\b',
      '%00',
      'x.atom%00',
      'x\0.atom',
      '%',
      '%E0%A4%A',
      '',
      '/',
      '//',
      '.hidden',
      '%2ehidden',
      'sub/.git/config',
      'ai-infrastructure.atom.tmp-1-abc',
      'ai-infrastructure.atom.tmp-123-xyz',
      'sub/x.atom.tmp-1-a',
    ]) {
      expect(safeFilePath(root, p), JSON.stringify(p)).toBeUndefined();
    }
  });

  it('never returns a path outside root', () => {
    const candidates = ['x', '/x', '//x', '/etc/passwd', '//etc/passwd', 'a/b/c', '%2fetc%2fpasswd', 'C:/x', 'a//b', '%252e%252e%252f'];
    for (const p of candidates) {
      const out = safeFilePath(root, p);
      if (out !== undefined) expect(out.startsWith(root + sep), `${p} → ${out}`).toBe(true);
    }
    expect(safeFilePath(root, '/etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(safeFilePath(root, '%2fetc%2fpasswd')).toBeUndefined();
  });
});

describe('createFixtureServer (through startFixtureServer)', () => {
  let fx: Awaited<ReturnType<typeof startFixtureServer>>;

  beforeAll(async () => {
    fx = await startFixtureServer();
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it('answers /status/NNN with that status', async () => {
    for (const code of [500, 404, 503, 429, 204]) {
      const res = await fetch(`${fx.url}/status/${code}`);
      expect(res.status).toBe(code);
      const text = await res.text();
      if (code !== 204) expect(text).toBe(`status ${code}\n`);
    }
    expect((await raw(fx.url, '/status/600')).status).toBe(404);
    expect((await raw(fx.url, '/status/50')).status).toBe(404);
  });

  it.each([
    ['dcwire.rss', 'application/rss+xml; charset=utf-8'],
    ['gpucloud.atom', 'application/atom+xml; charset=utf-8'],
    ['chipletter.rdf', 'application/rdf+xml; charset=utf-8'],
    ['wire.json', 'application/feed+json; charset=utf-8'],
    ['error-page.html', 'text/html; charset=utf-8'],
  ])('serves %s byte for byte as %s', async (name, type) => {
    const res = await fetch(`${fx.url}/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(FIXTURES, name)))).toBe(true);
  });

  it('does not serve files outside the fixture folder', async () => {
    for (const path of ['/../README.md', '/%2e%2e/README.md', '/..%2fREADME.md', '/missing.rss']) {
      const res = await raw(fx.url, path);
      expect(res.status, path).toBe(404);
      expect(res.body.toString()).not.toContain('# Fixtures');
    }
  });
});
