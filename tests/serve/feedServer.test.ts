/**
 * The feed server over real HTTP on 127.0.0.1: conditional GET, HEAD,
 * compression, Cache-Control, path traversal, the status page, /healthz,
 * /metrics and /sources.opml.
 */
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { DomUtils, parseDocument } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedSchema } from '../../src/config/schema.js';
import { Metrics } from '../../src/metrics/index.js';
import { renderFeeds, writeChangedFiles } from '../../src/publish/index.js';
import type { CycleSummary } from '../../src/model/index.js';
import { chooseEncoding, settledDate, createFeedServer, healthReport, type HealthReport } from '../../src/serve/index.js';
import { startServer, tempDir, type TestServer } from '../helpers/env.js';
import { entry, makeArticle } from '../helpers/articles.js';
import { get, rawGet } from '../helpers/http.js';

const SECRET = 'TOPSECRET-do-not-serve';
const feedConfig = feedSchema.parse({ name: 'ai', title: 'AI infra', subtitle: 'Chips & power' });
const site = { baseUrl: 'https://wire.example', author: 'infrawire' };

let tmp: ReturnType<typeof tempDir>;
let feedsDir: string;
let server: TestServer;
let base: string;
let health: HealthReport;
let maxAge = 1234;
const metrics = new Metrics({ processMetrics: false });

function publish(n: number) {
  const entries = Array.from({ length: n }, (_, i) => entry(makeArticle(i + 1)));
  const rendered = renderFeeds(feedConfig, site, entries);
  return writeChangedFiles(feedsDir, { 'ai.atom': rendered.atom, 'ai.rss': rendered.rss, 'ai.json': rendered.json });
}

beforeAll(async () => {
  tmp = tempDir();
  feedsDir = join(tmp.dir, 'feeds');
  mkdirSync(feedsDir);
  writeFileSync(join(tmp.dir, 'secret.txt'), SECRET);
  writeFileSync(join(feedsDir, '.hidden'), SECRET);
  writeFileSync(join(feedsDir, 'ai.atom.tmp-1-abc'), SECRET);
  publish(3);
  // Published a minute ago: a file from the current second has no Last-Modified.
  const past = new Date(Date.now() - 60_000);
  for (const ext of ['atom', 'rss', 'json']) utimesSync(join(feedsDir, `ai.${ext}`), past, past);
  health = healthReport({ startedAt: new Date(), lastCycleFinishedAt: new Date(), lastCycleOk: true, intervalMs: 1_800_000 }, new Date());
  server = await startServer(createFeedServer({
    dir: feedsDir,
    feeds: [feedConfig],
    sources: [
      { name: 'DC Wire', url: 'https://dcwire.example/feed.rss' },
      { name: 'Broken <b>Server</b>', url: 'https://broken.example/feed?a=1&b=2' },
      { name: 'New Source', url: 'https://new.example/feed' },
    ],
    baseUrl: site.baseUrl,
    maxAge: () => maxAge,
    sourceStates: async () => [
      { name: 'DC Wire', state: 'ok', configuredUrl: 'https://dcwire.example/feed.rss', url: 'https://dcwire.example/feed.rss', lastFetchAt: '2026-11-28T10:00:00.000Z', lastSuccessAt: '2026-11-28T10:00:00.000Z', lastError: null, lastStatus: 200, consecutiveFailures: 0, failingSince: null, alert: false, nextCheckAt: '2026-11-28T10:30:00.000Z', itemsSeen: 5, itemsKept: 3 },
      { name: 'Broken <b>Server</b>', state: 'failing', configuredUrl: 'https://broken.example/feed?a=1&b=2', url: 'https://broken.example/feed?a=1&b=2', lastFetchAt: '2026-11-28T10:00:00.000Z', lastSuccessAt: null, lastError: 'HTTP 500 <script>', lastStatus: 500, consecutiveFailures: 4, failingSince: '2026-11-28T08:00:00.000Z', alert: false, nextCheckAt: '2026-11-28T12:00:00.000Z', itemsSeen: 0, itemsKept: 0 },
      { name: 'New Source', state: 'never-checked', configuredUrl: 'https://new.example/feed', url: 'https://new.example/feed', lastFetchAt: null, lastSuccessAt: null, lastError: null, lastStatus: null, consecutiveFailures: 0, failingSince: null, alert: false, nextCheckAt: null, itemsSeen: 0, itemsKept: 0 },
    ],
    health: () => health,
    metrics,
  }));
  base = server.url;
});
afterAll(async () => {
  await server.stop();
  tmp.cleanup();
});

describe('feeds over HTTP', () => {
  it('serves each format with its Content-Type and charset, ETag, Last-Modified and Cache-Control', async () => {
    const types = { atom: 'application/atom+xml; charset=utf-8', rss: 'application/rss+xml; charset=utf-8', json: 'application/feed+json; charset=utf-8' };
    for (const [ext, type] of Object.entries(types)) {
      const res = await get(base, `/feeds/ai.${ext}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(type);
      expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
      expect(new Date(res.headers['last-modified'] as string).getTime()).toBeGreaterThan(0);
      expect(res.headers['cache-control']).toBe('public, max-age=1234');
      expect(res.body.equals(readFileSync(join(feedsDir, `ai.${ext}`)))).toBe(true);
    }
  });

  it('takes Cache-Control max-age from the schedule function at request time', async () => {
    maxAge = 42;
    expect((await get(base, '/feeds/ai.atom')).headers['cache-control']).toBe('public, max-age=42');
    maxAge = 1234;
  });

  it('answers If-None-Match and If-Modified-Since with 304 and no body', async () => {
    const first = await get(base, '/feeds/ai.atom');
    const etag = first.headers.etag as string;
    const byEtag = await get(base, '/feeds/ai.atom', { 'if-none-match': etag });
    expect(byEtag.status).toBe(304);
    expect(byEtag.body.length).toBe(0);
    expect(byEtag.headers.etag).toBe(etag);
    const byDate = await get(base, '/feeds/ai.atom', { 'if-modified-since': first.headers['last-modified'] as string });
    expect(byDate.status).toBe(304);
    expect((await get(base, '/feeds/ai.atom', { 'if-none-match': '"other"' })).status).toBe(200);
    expect((await get(base, '/feeds/ai.atom', { 'if-modified-since': new Date(0).toUTCString() })).status).toBe(200);
  });

  it('sends no Last-Modified for a feed rewritten this second, so a second rewrite in that second is not hidden by a 304', async () => {
    writeFileSync(join(feedsDir, 'fresh.atom'), '<feed>one</feed>');
    const first = await get(base, '/feeds/fresh.atom');
    expect(first.status).toBe(200);
    expect(first.headers['last-modified']).toBeUndefined();
    writeFileSync(join(feedsDir, 'fresh.atom'), '<feed>two</feed>');
    // A reader that made up a date from this second still gets the new bytes.
    const second = await get(base, '/feeds/fresh.atom', { 'if-modified-since': new Date().toUTCString() });
    expect([second.status, second.body.toString()]).toEqual([200, '<feed>two</feed>']);
    expect(settledDate(new Date(10_500), 10_999)).toBeUndefined();
    expect(settledDate(new Date(10_500), 11_000)).toEqual(new Date(10_500));
  });

  it('answers HEAD with the headers and no body', async () => {
    const get200 = await get(base, '/feeds/ai.rss');
    const head = await get(base, '/feeds/ai.rss', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(get200.body.length));
    expect(head.headers.etag).toBe(get200.headers.etag);
  });

  it('compresses with br or gzip by Accept-Encoding, each with its own ETag and Vary', async () => {
    const plain = readFileSync(join(feedsDir, 'ai.atom'));
    const gz = await get(base, '/feeds/ai.atom', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(gz.body).equals(plain)).toBe(true);
    expect(gz.body.length).toBeLessThan(plain.length);
    const br = await get(base, '/feeds/ai.atom', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain)).toBe(true);
    const identity = await get(base, '/feeds/ai.atom', { 'accept-encoding': 'identity' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(new Set([gz.headers.etag, br.headers.etag, identity.headers.etag]).size).toBe(3);
    const notModified = await get(base, '/feeds/ai.atom', { 'accept-encoding': 'gzip', 'if-none-match': gz.headers.etag as string });
    expect(notModified.status).toBe(304);
    expect(notModified.headers['content-encoding']).toBe('gzip');
  });

  it('negotiates codings by q-value', () => {
    expect(chooseEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*;q=0')).toBe('identity');
    expect(chooseEncoding('gzip;q=0, deflate')).toBe('identity');
    expect(chooseEncoding(undefined)).toBe('identity');
  });

  it('keeps the ETag of an unchanged feed across a republish and changes it when the content changes', async () => {
    const before = (await get(base, '/feeds/ai.atom')).headers;
    expect(publish(3)).toEqual([]);
    const same = (await get(base, '/feeds/ai.atom')).headers;
    expect([same.etag, same['last-modified']]).toEqual([before.etag, before['last-modified']]);
    expect(publish(4)).toHaveLength(3);
    const changed = await get(base, '/feeds/ai.atom', { 'if-none-match': before.etag as string });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(before.etag);
  });

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    expect((await get(base, '/feeds/nope.atom')).status).toBe(404);
    expect((await get(base, '/nope')).status).toBe(404);
    const post = await get(base, '/feeds/ai.atom', {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });
});

describe('path traversal', () => {
  const attempts = [
    '/feeds/../secret.txt',
    '/feeds/../../secret.txt',
    '/../secret.txt',
    '/feeds/%2e%2e/secret.txt',
    '/feeds/%2E%2E/secret.txt',
    '/feeds/%2e%2e%2fsecret.txt',
    '/feeds/..%2fsecret.txt',
    '/feeds/..%2Fsecret.txt',
    '/feeds/..%5csecret.txt',
    '/feeds/%252e%252e%252fsecret.txt',
    '/feeds/%2fetc%2fpasswd',
    '/feeds//etc/passwd',
    '/etc/passwd',
    'http://127.0.0.1/feeds/../secret.txt',
    '/feeds/.hidden',
    '/feeds/%2ehidden',
    '/feeds/ai.atom.tmp-1-abc',
    '/feeds/ai.atom%00.txt',
    '/feeds/ai.atom%00',
  ];

  it.each(attempts)('refuses %s', async (path) => {
    const res = await get(base, path);
    expect([400, 404]).toContain(res.status);
    expect(res.body.toString()).not.toContain(SECRET);
    expect(res.body.toString()).not.toContain('root:');
  });

  it('refuses the absolute path of the secret file and a raw NUL byte', async () => {
    const absolute = await get(base, `/feeds/${encodeURIComponent(join(tmp.dir, 'secret.txt'))}`);
    expect(absolute.status).toBe(404);
    for (const target of ['/feeds/ai.atom\u0000', '/feeds/..\u0000/secret.txt', `/feeds/${join(tmp.dir, 'secret.txt')}`]) {
      const res = await rawGet(base, target);
      expect([400, 404]).toContain(res.status);
      expect(res.text).not.toContain(SECRET);
    }
  });
});

describe('status page, healthz, metrics, OPML', () => {
  it('lists the feeds with subscribe links and autodiscovery for all three formats', async () => {
    const res = await get(base, '/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const doc = parseDocument(res.body.toString());
    const discovery = DomUtils.getElementsByTagName('link', doc).filter((l) => l.attribs.rel === 'alternate');
    expect(discovery.map((l) => [l.attribs.type, l.attribs.href])).toEqual([
      ['application/atom+xml', 'https://wire.example/feeds/ai.atom'],
      ['application/rss+xml', 'https://wire.example/feeds/ai.rss'],
      ['application/feed+json', 'https://wire.example/feeds/ai.json'],
    ]);
    const subscribe = DomUtils.getElementsByTagName('a', doc).filter((a) => a.attribs.class === 'sub');
    expect(subscribe.map((a) => a.attribs.href)).toEqual(discovery.map((l) => l.attribs.href));
    expect(DomUtils.getElementsByTagName('meta', doc).some((m) => m.attribs.name === 'viewport')).toBe(true);
  });

  it('shows one row per configured source with its health and every state field, escaped', async () => {
    const html = (await get(base, '/')).body.toString();
    const doc = parseDocument(html);
    const rows = DomUtils.getElementsByTagName('tr', doc).filter((r) => r.attribs['data-source']);
    const health = Object.fromEntries(rows.map((r) => [r.attribs['data-source'], DomUtils.textContent(DomUtils.getElementsByTagName('td', r)[0]!)]));
    expect(health).toEqual({ 'DC Wire': 'ok', 'Broken <b>Server</b>': 'failing', 'New Source': 'not fetched yet' });
    expect(html).toContain('Broken &lt;b&gt;Server&lt;/b&gt;');
    const headers = DomUtils.getElementsByTagName('th', doc).map((th) => DomUtils.textContent(th));
    expect(headers).toEqual(['Health', 'Source', 'Last fetch', 'Last success', 'Last error', 'HTTP status', 'Failures in a row', 'Failing since', 'Alert', 'Next check at', 'Items seen', 'Items kept']);
    expect(html).not.toContain('<script>');
    expect(html).toContain('HTTP 500 &lt;script&gt;');
    expect(html).toContain('2 of 3 sources healthy');
  });

  it('/healthz is 200 while cycles run (ok, starting, degraded) and 503 only when none finished within two intervals', async () => {
    const ok = await get(base, '/healthz');
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(ok.body.toString())).toMatchObject({ status: 'ok', lastCycleOk: true, intervalSeconds: 1800 });
    const now = new Date('2026-11-28T12:00:00Z');
    const at = (iso: string) => new Date(`2026-11-28T${iso}Z`);
    const status = async () => {
      const res = await get(base, '/healthz');
      return [res.status, JSON.parse(res.body.toString()).status];
    };
    health = healthReport({ startedAt: at('10:00:00'), lastCycleFinishedAt: at('10:59:00'), intervalMs: 1_800_000 }, now);
    expect(await status()).toEqual([503, 'failing']);
    expect(health.reason).toBe('no cycle has finished for 61 min, though one should run every 30 min');
    health = healthReport({ startedAt: at('10:00:00'), lastCycleFinishedAt: at('11:01:00'), lastCycleOk: true, intervalMs: 1_800_000 }, now);
    expect(await status()).toEqual([200, 'ok']);
    health = healthReport({ startedAt: at('11:30:00'), intervalMs: 1_800_000 }, now);
    expect(await status()).toEqual([200, 'starting']);
    expect(health).toMatchObject({ lastCycleFinishedAt: null, reason: 'the first cycle has not finished yet' });
    health = healthReport({ startedAt: at('10:00:00'), intervalMs: 1_800_000 }, now);
    expect(await status()).toEqual([503, 'failing']);
    // Every source unreachable: degraded, yet 200, so a supervisor does not restart a daemon for the network's sake.
    const offline = { polled: 14, answered: 0, firstError: 'getaddrinfo ENOTFOUND dcwire.example' };
    health = healthReport({ startedAt: at('11:00:00'), lastCycleFinishedAt: at('11:50:00'), lastCycleOk: true, lastReach: offline, intervalMs: 1_800_000 }, now);
    expect(await status()).toEqual([200, 'degraded']);
    expect(health).toMatchObject({ sourcesPolled: 14, sourcesReached: 0 });
    expect(health.reason).toContain('reached none of the 14 sources it polled (getaddrinfo ENOTFOUND dcwire.example)');
    const page = (await get(base, '/')).body.toString();
    expect(page).toContain('Daemon: <strong>degraded</strong>: the last cycle reached none of the 14 sources');
    health = healthReport({ startedAt: at('11:00:00'), lastCycleFinishedAt: at('11:50:00'), lastCycleOk: false, intervalMs: 1_800_000 }, now);
    expect(await status()).toEqual([200, 'degraded']);
    health = healthReport({ startedAt: at('11:00:00'), lastCycleFinishedAt: at('11:50:00'), lastCycleOk: true, lastReach: { polled: 14, answered: 1 }, intervalMs: 1_800_000 }, now);
    expect(await status()).toEqual([200, 'ok']);
    expect(health.reason).toBe('the last cycle that polled sources reached 1 of 14');
  });

  it('/metrics reports cycles, fetches by outcome, bytes, items, duration and failing sources', async () => {
    const summary: CycleSummary = {
      startedAt: '2026-11-28T10:00:00.000Z',
      finishedAt: '2026-11-28T10:00:03.000Z',
      sources: [
        { name: 'a', url: 'x', ok: true, status: 200, itemsSeen: 5, itemsNew: 2, itemsKept: 1, bytes: 1000 },
        { name: 'b', url: 'x', ok: false, status: 500, error: 'HTTP 500', itemsSeen: 0, itemsNew: 0, itemsKept: 0 },
        { name: 'c', url: 'x', ok: false, error: 'connection refused', itemsSeen: 0, itemsNew: 0, itemsKept: 0 },
        { name: 'd', url: 'x', ok: false, status: 200, error: 'not a feed', itemsSeen: 0, itemsNew: 0, itemsKept: 0, bytes: 24 },
      ],
      feeds: [{ name: 'ai', entries: 3, changed: ['a.atom', 'a.rss'] }],
      itemsSeen: 5,
      itemsNew: 2,
      itemsKept: 1,
    };
    metrics.recordCycle(summary, 3);
    metrics.setFailingSources(3);
    const res = await get(base, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body.toString();
    for (const line of [
      'infrawire_cycles_total{result="ok"} 1',
      'infrawire_fetches_total{outcome="ok"} 1',
      'infrawire_fetches_total{outcome="http_error"} 1',
      'infrawire_fetches_total{outcome="network_error"} 1',
      'infrawire_fetches_total{outcome="parse_error"} 1',
      'infrawire_fetched_bytes_total 1024',
      'infrawire_items_total{kind="seen"} 5',
      'infrawire_items_total{kind="new"} 2',
      'infrawire_items_total{kind="kept"} 1',
      'infrawire_cycle_duration_seconds_count 1',
      'infrawire_cycle_duration_seconds_bucket{le="5"} 1',
      'infrawire_failing_sources 3',
      'infrawire_feed_files_written_total 2',
    ])
      expect(text).toContain(line);
  });

  it('/sources.opml lists the configured sources as OPML 2.0', async () => {
    const res = await get(base, '/sources.opml');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/x-opml; charset=utf-8');
    expect(res.body.toString()).toContain('text="Broken &lt;b&gt;Server&lt;/b&gt;"');
    const doc = parseDocument(res.body.toString(), { xmlMode: true });
    expect(DomUtils.getElementsByTagName('opml', doc)[0]!.attribs.version).toBe('2.0');
    const outlines = DomUtils.getElementsByTagName('outline', doc).map((o) => [o.attribs.text, o.attribs.xmlUrl, o.attribs.type]);
    expect(outlines).toEqual([
      ['DC Wire', 'https://dcwire.example/feed.rss', 'rss'],
      ['Broken <b>Server</b>', 'https://broken.example/feed?a=1&b=2', 'rss'],
      ['New Source', 'https://new.example/feed', 'rss'],
    ]);
  });

  it('serves the feed icon the feeds point at', async () => {
    const res = await get(base, '/icon.svg');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(res.body.toString()).toContain('<svg');
  });
});
