/**
 * fetchSource against a real misbehaving publisher on 127.0.0.1: validators
 * and 304, redirects, error statuses, hangs, trickles, resets, bombs.
 */
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyNetworkError, fetchSource, MAX_REDIRECTS, USER_AGENT, type FetchResult } from '../../src/fetch/index.js';
import { VERSION } from '../../src/model/version.js';
import { closedPort } from '../helpers/env.js';
import { BOMB_BYTES, FEED, startPublisher, type Publisher } from '../helpers/publisher.js';

const OPTS = { timeoutMs: 3000, connectTimeoutMs: 1500, maxBytes: 1024 * 1024 };

function failure(r: FetchResult) {
  if (r.ok) throw new Error(`expected a failure, got HTTP ${r.status}`);
  return r;
}

describe('fetchSource', () => {
  let pub: Publisher;
  beforeAll(async () => {
    pub = await startPublisher();
  });
  afterAll(async () => {
    await pub?.stop();
  });

  it('returns validators, body hash and caching headers, and sends a User-Agent naming infrawire', async () => {
    const r = await fetchSource(`${pub.url}/etag`, OPTS);
    expect(r).toMatchObject({ ok: true, notModified: false, status: 200, validators: { etag: 'W/"rev-1"', lastModified: 'Fri, 27 Nov 2026 10:00:00 GMT' } });
    if (!r.ok || r.notModified) throw new Error('unreachable');
    expect(r.body.toString()).toBe(FEED);
    expect(r.bodyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(USER_AGENT).toBe(`infrawire/${VERSION} (+https://github.com/infrawire/infrawire)`);
    expect(pub.requests.at(-1)!.headers['user-agent']).toBe(USER_AGENT);
    const cached = await fetchSource(`${pub.url}/cached`, OPTS);
    expect(cached.cache.cacheControl).toBe('public, max-age=7200');
  });

  it('sends stored validators verbatim and turns a 304 into "not modified"', async () => {
    const r = await fetchSource(`${pub.url}/etag`, { ...OPTS, validators: { etag: 'W/"rev-1"', lastModified: 'Fri, 27 Nov 2026 10:00:00 GMT' } });
    expect(r).toMatchObject({ ok: true, notModified: true, status: 304 });
    expect(pub.requests.at(-1)!.headers).toMatchObject({ 'if-none-match': 'W/"rev-1"', 'if-modified-since': 'Fri, 27 Nov 2026 10:00:00 GMT' });
    const lm = await fetchSource(`${pub.url}/last-modified`, { ...OPTS, validators: { lastModified: 'Fri, 27 Nov 2026 10:00:00 GMT' } });
    expect(lm).toMatchObject({ ok: true, notModified: true });
    expect(pub.requests.at(-1)!.headers['if-none-match']).toBeUndefined();
  });

  it('reports 301 and 308 as permanent moves, a 302 on the way as no move', async () => {
    expect(await fetchSource(`${pub.url}/moved-301`, OPTS)).toMatchObject({ ok: true, url: `${pub.url}/etag`, movedTo: `${pub.url}/etag` });
    expect(await fetchSource(`${pub.url}/moved-308`, OPTS)).toMatchObject({ ok: true, url: `${pub.url}/plain`, movedTo: `${pub.url}/plain` });
    const temp = await fetchSource(`${pub.url}/temporary`, OPTS);
    expect(temp).toMatchObject({ ok: true, url: `${pub.url}/plain` });
    expect(temp.movedTo).toBeUndefined();
    // a permanent hop then a temporary one: only the permanent part is a move
    expect(await fetchSource(`${pub.url}/permanent-then-temporary`, OPTS)).toMatchObject({ ok: true, movedTo: `${pub.url}/temporary` });
  });

  it(`follows at most ${MAX_REDIRECTS} redirects and only to http(s)`, async () => {
    const loop = failure(await fetchSource(`${pub.url}/loop/0`, OPTS));
    expect(loop).toMatchObject({ kind: 'redirect' });
    expect(loop.error).toMatch(/too many redirects/);
    expect(pub.count('/loop/5')).toBe(1);
    expect(pub.count('/loop/6')).toBe(0);
    expect(failure(await fetchSource(`${pub.url}/to-file`, OPTS))).toMatchObject({ kind: 'url', error: expect.stringMatching(/file: URL .*only http and https/) });
    expect(failure(await fetchSource('ftp://127.0.0.1/feed', OPTS))).toMatchObject({ kind: 'url' });
  });

  it('classifies 410, 429 and 503 with Retry-After, and 500', async () => {
    expect(failure(await fetchSource(`${pub.url}/gone`, OPTS))).toMatchObject({ kind: 'gone', status: 410, error: expect.stringMatching(/410.*polling stopped/) });
    expect(failure(await fetchSource(`${pub.url}/rate-limited`, OPTS))).toMatchObject({ kind: 'http', status: 429, cache: { retryAfter: '7200' }, error: expect.stringMatching(/429.*Retry-After: 7200/) });
    const busy = failure(await fetchSource(`${pub.url}/unavailable`, OPTS));
    expect(busy).toMatchObject({ kind: 'http', status: 503 });
    expect(Date.parse(busy.cache.retryAfter!)).toBeGreaterThan(Date.now());
    expect(failure(await fetchSource(`${pub.url}/error`, OPTS))).toMatchObject({ kind: 'http', status: 500, error: 'HTTP 500 Internal Server Error' });
  });

  it('gives up on a server that never sends headers after the connect/header timeout', async () => {
    const r = failure(await fetchSource(`${pub.url}/hang`, { ...OPTS, connectTimeoutMs: 300 }));
    expect(r).toMatchObject({ kind: 'timeout', error: 'no response headers within 300 ms (connect/header timeout)' });
  });

  it('gives up on a server that trickles the body after the total timeout', async () => {
    const r = failure(await fetchSource(`${pub.url}/trickle`, { ...OPTS, timeoutMs: 1500, connectTimeoutMs: 1400 }));
    expect(r).toMatchObject({ kind: 'timeout', error: 'timed out after 1500 ms (total timeout)' });
  });

  it('reports a connection closed mid-body or reset, and a TLS failure', async () => {
    expect(failure(await fetchSource(`${pub.url}/mid-body`, OPTS))).toMatchObject({ kind: 'reset' });
    expect(failure(await fetchSource(`${pub.url}/reset`, OPTS))).toMatchObject({ kind: 'reset' });
    // https to a plain-HTTP port: the TLS handshake fails for real
    const tls = failure(await fetchSource(`${pub.url.replace('http:', 'https:')}/plain`, OPTS));
    expect(tls.kind).toBe('tls');
    expect(tls.error).toMatch(/^TLS error/);
  });

  it('names DNS failures and refused connections', async () => {
    // DNS: the errno shape undici gives, then a real lookup that fails. A label of 64
    // octets is over DNS's limit of 63, so the system resolver refuses the name
    // without sending a query: nothing leaves this machine.
    expect(classifyNetworkError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }))).toMatchObject({ kind: 'dns', message: 'DNS lookup failed (host not found)' });
    const unresolvable = await fetchSource(`http://${'a'.repeat(64)}.invalid/feed`, OPTS);
    expect(failure(unresolvable)).toMatchObject({ kind: 'dns', error: 'DNS lookup failed (host not found)' });
    const closed = await fetchSource(`http://127.0.0.1:${await closedPort()}/feed`, OPTS);
    expect(failure(closed)).toMatchObject({ kind: 'refused', error: 'connection refused' });
  });

  it.each(['/bomb-gzip', '/bomb-deflate', '/bomb-br'])('caps the decompressed body of %s', async (path) => {
    const r = failure(await fetchSource(pub.url + path, OPTS));
    expect(r).toMatchObject({ kind: 'too-large', error: `response body larger than ${OPTS.maxBytes} bytes (after decompression)` });
    // the same bomb with a cap above its size decompresses fine: the cap is what stopped it
    const big = await fetchSource(pub.url + path, { ...OPTS, maxBytes: BOMB_BYTES + 1 });
    expect(big.ok && !big.notModified && big.body.length).toBe(BOMB_BYTES);
  });

  it('keeps the connection alive between fetches, and sends once more when the server dropped the idle connection it was reused for', async () => {
    // A raw server: every connection answers its first request (keep-alive) and is
    // then closed without an answer when a second request comes on it, as a server
    // whose idle timeout fires just as the request leaves.
    const connections: Socket[] = [];
    const server = createTcpServer((socket) => {
      connections.push(socket);
      let requests = 0;
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        while (buffered.includes('\r\n\r\n')) {
          buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
          if (++requests > 1) return void socket.destroy();
          socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/rss+xml\r\ncontent-length: ${Buffer.byteLength(FEED)}\r\nconnection: keep-alive\r\n\r\n${FEED}`);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const first = await fetchSource(`${url}/feed`, OPTS);
      expect(first).toMatchObject({ ok: true, status: 200 });
      const second = await fetchSource(`${url}/feed`, OPTS);
      expect(second).toMatchObject({ ok: true, status: 200 });
      // the second fetch went out on the first connection, was dropped there, and was sent again on a new one
      expect(connections).toHaveLength(2);
    } finally {
      for (const c of connections) c.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
