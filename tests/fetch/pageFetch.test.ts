/**
 * Page fetching (src/fetch/pageFetch.ts, addresses.ts, robots.ts) against a real
 * publisher on 127.0.0.1 (tests/helpers/pageServer.ts): robots.txt honoured and
 * cached, addresses refused unless the source is on them (literal hosts, a DNS
 * name, and redirects), the size cap on a 50 MB page, a page that never ends,
 * a redirect loop, not-HTML, HTTP errors and validators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/parse/index.js';
import { extractPage } from '../../src/normalize/index.js';
import { fetchPage, guardedLookup, isNonPublicAddress, policyForSource, refusedAddress, RobotsCache, type AddressPolicy, type PageFetchOptions } from '../../src/fetch/index.js';
import { startPageServer, type PageServer } from '../helpers/pageServer.js';

let server: PageServer;
let local: AddressPolicy;
const PUBLIC: AddressPolicy = { allowed: new Set() };
const options = (policy: AddressPolicy, extra: Partial<PageFetchOptions> = {}): PageFetchOptions => ({ timeoutMs: 2000, connectTimeoutMs: 2000, maxBytes: 1024 * 1024, addressPolicy: policy, robots: new RobotsCache(), ...extra });

beforeAll(async () => {
  server = await startPageServer();
  local = await policyForSource(`${server.url}/feed.xml`);
});
afterAll(() => server.stop());

describe('which addresses a page may reach', () => {
  it.each(['127.0.0.1', '127.9.9.9', '::1', '10.0.0.1', '10.255.1.2', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '169.254.0.5', 'fe80::1', 'fc00::1', 'fd00:ec2::254', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '100.100.100.200', 'not-an-ip'])('%s is not public', (address) => {
    expect(isNonPublicAddress(address)).toBe(true);
  });
  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(isNonPublicAddress(address)).toBe(false);
  });
  it("allows a non-public address only when it is the source's own", () => {
    expect(refusedAddress('93.184.216.34', PUBLIC)).toBeUndefined();
    expect(refusedAddress('127.0.0.1', PUBLIC)).toMatch(/refused/);
    expect(refusedAddress('127.0.0.1', local)).toBeUndefined();
    expect(refusedAddress('127.0.0.2', local)).toMatch(/refused/);
    expect(refusedAddress('169.254.169.254', local)).toMatch(/refused/);
  });
  it('a DNS answer with a refused address is refused where the connection looks it up', async () => {
    const answers: Record<string, string[]> = { 'intranet.example': ['10.1.2.3'], 'mixed.example': ['93.184.216.34', '169.254.169.254'], 'public.example': ['93.184.216.34'] };
    const lookup = guardedLookup(PUBLIC, async (host) => answers[host] ?? []);
    const ask = (host: string) => new Promise<string>((resolve) => lookup(host, { all: true }, (err, result) => resolve(err ? `error: ${err.message}` : JSON.stringify(result))));
    expect(await ask('intranet.example')).toMatch(/^error: intranet\.example resolves to 10\.1\.2\.3/);
    expect(await ask('mixed.example')).toMatch(/^error: .*169\.254\.169\.254/);
    expect(await ask('public.example')).toBe(JSON.stringify([{ address: '93.184.216.34', family: 4 }]));
  });
});

describe('fetchPage', () => {
  it('fetches an allowed page of a source on the same loopback address', async () => {
    server.route('/article', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><p>ok</p></body></html>'));
    const page = await fetchPage(`${server.url}/article`, options(local));
    expect(page).toMatchObject({ ok: true, notModified: false, status: 200 });
  });

  it('refuses loopback, private and metadata pages for a source that is not on them, before any request', async () => {
    const before = server.paths.length;
    for (const url of [`${server.url}/article`, `http://localhost:${server.port}/article`, 'http://10.0.0.7/admin', 'http://169.254.169.254/latest/meta-data/', `http://127.0.0.2:${server.port}/article`]) {
      const page = await fetchPage(url, options(PUBLIC));
      expect(page, url).toMatchObject({ ok: false, kind: 'address' });
    }
    expect(server.paths.length).toBe(before);
  });

  it("asks the robots.txt of every redirect target: its own site's and another site's", async () => {
    const other = await startPageServer();
    try {
      const robots = new RobotsCache();
      server.route('/moved-to-other-private', (_req, res) => res.writeHead(302, { location: `${other.url}/private/page` }).end());
      server.route('/moved-to-own-private', (_req, res) => res.writeHead(301, { location: '/private/page' }).end());
      server.route('/moved-to-other-article', (_req, res) => res.writeHead(302, { location: `${other.url}/article` }).end());
      other.route('/article', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><p>moved</p></body></html>'));
      const toOther = await fetchPage(`${server.url}/moved-to-other-private`, options(local, { robots }));
      expect(toOther).toMatchObject({ ok: false, kind: 'robots', url: `${other.url}/private/page` });
      if (!toOther.ok) expect(toOther.error).toContain(`${other.url}/robots.txt`);
      expect(other.count('/private/page')).toBe(0);
      expect(await fetchPage(`${server.url}/moved-to-own-private`, options(local, { robots }))).toMatchObject({ ok: false, kind: 'robots' });
      expect(server.count('/private/page')).toBe(0);
      expect(await fetchPage(`${server.url}/moved-to-other-article`, options(local, { robots }))).toMatchObject({ ok: true, url: `${other.url}/article` });
      expect(other.count('/robots.txt')).toBe(1);
    } finally {
      await other.stop();
    }
  });

  it('refuses a redirect to a private, metadata or other loopback address (checked at every hop)', async () => {
    for (const path of ['/to-private', '/to-metadata', '/to-other-loopback']) {
      const page = await fetchPage(`${server.url}${path}`, options(local));
      expect(page, path).toMatchObject({ ok: false, kind: 'address' });
      if (!page.ok) expect(page.error).toMatch(/refused/);
    }
  });

  it('honours robots.txt and asks it once per origin', async () => {
    const robots = new RobotsCache();
    const before = server.count('/robots.txt');
    expect(await fetchPage(`${server.url}/private/page`, options(local, { robots }))).toMatchObject({ ok: false, kind: 'robots' });
    expect(await fetchPage(`${server.url}/article`, options(local, { robots }))).toMatchObject({ ok: true });
    expect(server.count('/robots.txt') - before).toBe(1);
    expect(server.count('/private/page')).toBe(0);
  });

  it('cuts a 50 MB page at the size cap', async () => {
    const page = await fetchPage(`${server.url}/huge`, options(local, { maxBytes: 2 * 1024 * 1024 }));
    expect(page).toMatchObject({ ok: false, kind: 'too-large' });
  });

  it('gives up on a page that never ends at the total deadline', async () => {
    const page = await fetchPage(`${server.url}/endless`, options(local, { timeoutMs: 500 }));
    expect(page).toMatchObject({ ok: false, kind: 'timeout' });
  });

  it('stops a redirect loop at the redirect limit', async () => {
    expect(await fetchPage(`${server.url}/loop-a`, options(local))).toMatchObject({ ok: false, kind: 'redirect' });
  });

  it('refuses what is not HTML and reports HTTP errors', async () => {
    expect(await fetchPage(`${server.url}/pdf`, options(local))).toMatchObject({ ok: false, kind: 'not-html' });
    expect(await fetchPage(`${server.url}/error`, options(local))).toMatchObject({ ok: false, kind: 'http', status: 500 });
    expect(await fetchPage(`${server.url}/missing`, options(local))).toMatchObject({ ok: false, kind: 'http', status: 404 });
  });

  it('sends validators back and reads a 304', async () => {
    const first = await fetchPage(`${server.url}/etag`, options(local));
    expect(first.ok && first.validators.etag).toBe('"page-1"');
    const second = await fetchPage(`${server.url}/etag`, options(local, { validators: first.ok ? first.validators : undefined }));
    expect(second).toMatchObject({ ok: true, notModified: true });
  });

  it('decodes a windows-1251 page by its meta charset', async () => {
    const page = await fetchPage(`${server.url}/cp1251`, options(local));
    if (!page.ok || page.notModified) throw new Error('expected a page');
    const { text, encoding } = decodeBody(page.body, page.contentType, 'html');
    expect(encoding).toBe('windows-1251');
    expect(extractPage(text, page.url).paragraphs.join(' ')).toContain('центр обработки данных мощностью 100 мегаватт');
  });

  it('reads a page 10,000 levels deep', async () => {
    const page = await fetchPage(`${server.url}/deep`, options(local));
    if (!page.ok || page.notModified) throw new Error('expected a page');
    expect(extractPage(decodeBody(page.body, page.contentType, 'html').text, page.url).paragraphs.join(' ')).toContain('campus of four halls');
  });
});
