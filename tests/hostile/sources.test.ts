/**
 * Hostile sources, each served by a real loopback server: every one must end
 * as a clear per-source error or as clean items, the cycle must complete, and
 * the published feed must stay valid and free of active content.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type LoadedConfig } from '../../src/config/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import type { CycleSummary } from '../../src/model/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { startServer, tempDir, validateAtom, type TestServer } from '../helpers/env.js';

const rss = (items: string, head = '') =>
  `<?xml version="1.0" encoding="utf-8"?>${head}<rss version="2.0"><channel><title>Hostile</title><link>http://hostile.example/</link><description>d</description>${items}</channel></rss>`;
const item = (slug: string, title: string, body: string) =>
  `<item><title>${title}</title><link>http://hostile.example/story/${slug}</link><guid>h-${slug}</guid><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate><description>${body}</description></item>`;

const XSS_BODY = [
  '<p>GPU cluster news.</p>',
  '<script>alert(1)</script>',
  '<img src=x onerror="alert(2)">',
  '<a href="javascript:alert(3)">click</a>',
  '<svg onload="alert(4)"><circle/></svg>',
  '<div style="width: expression(alert(5))">styled</div>',
  '<iframe src="https://evil.example/"><iframe src="javascript:alert(6)"></iframe></iframe>',
  '<p>unclosed <b>bold <i>italic',
]
  .join('')
  .replace(/&/g, '&amp;')
  .replace(/</g, '&lt;')
  .replace(/>/g, '&gt;');

const ROUTES: Record<string, (res: import('node:http').ServerResponse) => void> = {
  '/billion-laughs': (res) =>
    res.end(
      rss(
        item('lol', 'GPU &lol9; news', 'AI data center'),
        '<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>',
      ),
    ),
  '/quadratic': (res) => {
    const big = 'x'.repeat(100_000);
    res.end(rss(item('quadratic', `GPU ${'&big;'.repeat(1000)}`, 'AI data center'), `<!DOCTYPE rss [<!ENTITY big "${big}">]>`));
  },
  '/xxe-file': (res) => res.end(rss(item('xxe-file', 'GPU &xxe; news', 'AI data center &xxe;'), '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')),
  '/xxe-http': (res) => res.end(rss(item('xxe-http', 'GPU &xxe; news', 'AI data center'), '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/secret">]>')),
  '/invalid-utf8': (res) => {
    res.setHeader('content-type', 'application/rss+xml; charset=utf-8');
    const doc = Buffer.from(rss(item('utf8', 'GPU price \u0000war: NUL and bad bytes XX', 'AI data center with a NUL \u0000 byte')));
    const at = doc.indexOf('XX');
    doc[at] = 0xc3; // a lone lead byte
    doc[at + 1] = 0x28;
    res.end(doc);
  },
  '/huge-title': (res) => res.end(rss(item('huge', `GPU ${'very long title '.repeat(65_536)}`, 'AI data center'))),
  // Dated long ago so they sort below the other stories in the published feed.
  '/many-items': (res) => res.end(rss(Array.from({ length: 100_000 }, (_, i) => `<item><title>GPU ${i}</title><link>http://h.example/${i}</link><pubDate>2020-01-06</pubDate></item>`).join(''))),
  '/xss': (res) => res.end(rss(item('xss', 'GPU &lt;script&gt;alert(7)&lt;/script&gt; story', XSS_BODY))),
  // 20,000 nested elements in one item: rendering them recursively overflowed the stack and failed the whole feed.
  '/deep-nesting': (res) =>
    res.end(rss(item('deep', 'GPU story nested deep', `${'&lt;div&gt;&lt;b&gt;'.repeat(10_000)}AI data center`) + item('plain', 'GPU story beside it', 'AI data center'))),
  // 100,000 tags never closed: rss-parser's snippet regex alone would take minutes (quadratic), past pool.taskTimeoutMs.
  '/unclosed-tags': (res) => res.end(rss(item('unclosed', 'GPU story with broken markup', `AI data center ${'x&lt;p'.repeat(100_000)}`))),
  '/never-ends': (res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Forever</title>');
    const timer = setInterval(() => res.write(`<item><title>GPU ${'x'.repeat(60_000)}</title></item>`), 5);
    res.on('close', () => clearInterval(timer));
  },
  '/hang': () => {
    /* accept and never answer */
  },
  '/redirect-loop': (res) => {
    res.writeHead(302, { location: '/redirect-loop-2' });
    res.end();
  },
  '/redirect-loop-2': (res) => {
    res.writeHead(302, { location: '/redirect-loop' });
    res.end();
  },
  '/redirect-file': (res) => {
    res.writeHead(301, { location: 'file:///etc/passwd' });
    res.end();
  },
  '/redirect-gopher': (res) => {
    res.writeHead(302, { location: 'gopher://127.0.0.1/feed' });
    res.end();
  },
};

describe('hostile sources', () => {
  let server: Server;
  let served: TestServer;
  let base: string;
  let tmp: ReturnType<typeof tempDir>;
  let config: LoadedConfig;
  let summary: CycleSummary;
  let atom: string;
  const secretRequests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const route = ROUTES[req.url ?? ''];
      if (req.url === '/secret') secretRequests.push(req.url);
      if (route) return route(res);
      res.writeHead(404).end();
    });
    // The 100,000-item feed holds the client's event loop for seconds; a short keep-alive would let
    // this server close idle sockets the client is about to reuse (a reset that says nothing about the source).
    server.keepAliveTimeout = 60_000;
    served = await startServer(server);
    base = served.url;
    tmp = tempDir();
    config = parseConfig(
      {
        sources: Object.keys(ROUTES)
          .filter((p) => p !== '/redirect-loop-2')
          .map((p) => ({ name: p.slice(1), url: base + p })),
        watch: { keywords: ['GPU', 'AI', 'data center'] },
        feeds: [{ name: 'hostile', title: 'Hostile input' }],
        store: { path: 'store.db' },
        // Generous: parsing the 100,000-item feed holds the event loop, and the others' deadlines run meanwhile.
        fetch: { timeoutMs: 10_000, maxBytes: 16 * 1024 * 1024 },
      },
      join(tmp.dir, 'config.json'),
    );
    const store = SqliteStore.open(config.store.path);
    try {
      summary = await runCycle(config, store);
    } finally {
      await store.close();
    }
    atom = readFileSync(join(config.publish.dir, 'hostile.atom'), 'utf8');
  }, 120_000);

  afterAll(async () => {
    server.closeAllConnections();
    await served.stop();
    tmp.cleanup();
  });

  const report = (name: string) => summary.sources.find((s) => s.name === name)!;

  it('completes the cycle with a report for every source', () => {
    expect(summary.sources).toHaveLength(Object.keys(ROUTES).length - 1);
    for (const s of summary.sources) expect(s.ok || (typeof s.error === 'string' && s.error.length > 0)).toBe(true);
  });

  it('never expands internal entities (billion laughs, quadratic blow-up)', () => {
    for (const name of ['billion-laughs', 'quadratic']) {
      const r = report(name);
      if (r.ok) expect(atom).not.toContain('lollollol');
      else expect(r.error).toMatch(/invalid XML|entity|no root element/i);
    }
    expect(atom).not.toContain('x'.repeat(1000));
  });

  it('never resolves external entities (file and http)', () => {
    expect(atom).not.toMatch(/root:.*:0:0:/);
    expect(secretRequests).toEqual([]);
    for (const name of ['xxe-file', 'xxe-http']) {
      const r = report(name);
      if (!r.ok) expect(r.error).toMatch(/invalid XML|entity/i);
    }
  });

  it('cleans invalid UTF-8 and NUL bytes instead of failing or publishing them', () => {
    expect(report('invalid-utf8')).toMatchObject({ ok: true, itemsKept: 1 });
    expect(atom).toContain('GPU price');
    expect(atom).not.toContain('\u0000');
  });

  it('keeps a story with a 1 MB title without publishing a 1 MB title', () => {
    expect(report('huge-title')).toMatchObject({ ok: true, itemsKept: 1 });
    const titles = [...atom.matchAll(/<title type="html"><!\[CDATA\[([\s\S]*?)\]\]><\/title>/g)].map((m) => m[1]!);
    expect(Math.max(...titles.map((t) => t.length))).toBeLessThan(2000);
  });

  it('reads only the first fetch.maxItems of a feed with 100,000 items, and says so', () => {
    expect(report('many-items')).toMatchObject({ ok: true, itemsSeen: 500, truncated: 100_000 });
  });

  it('reads an item nested 20,000 elements deep, and the item beside it', () => {
    expect(report('deep-nesting')).toMatchObject({ ok: true, itemsSeen: 2, itemsNew: 2 });
  });

  it('reads a body of 100,000 unclosed tags like any other (no quadratic pass over it)', () => {
    expect(report('unclosed-tags')).toMatchObject({ ok: true, itemsSeen: 1, itemsNew: 1 });
  });

  it('publishes no script, event handler, javascript: link or CSS expression', () => {
    expect(report('xss')).toMatchObject({ ok: true, itemsKept: 1 });
    const decoded = atom.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    expect(decoded).not.toMatch(/<script/i);
    expect(decoded).not.toMatch(/<[^>]+\son\w+\s*=/i);
    expect(decoded).not.toMatch(/href\s*=\s*"?\s*javascript:/i);
    expect(decoded).not.toMatch(/expression\s*\(/i);
    expect(decoded).not.toMatch(/<iframe[^>]+evil\.example/i);
    expect(decoded).not.toMatch(/<svg/i);
  });

  it('ends an endless body and a silent server as per-source errors', () => {
    expect(report('never-ends')).toMatchObject({ ok: false });
    expect(report('never-ends').error).toMatch(/larger than \d+ bytes|timed out/);
    expect(report('hang')).toMatchObject({ ok: false });
    expect(report('hang').error).toMatch(/timed out/);
  });

  it('refuses redirect loops and redirects to other schemes', () => {
    expect(report('redirect-loop').error).toMatch(/too many redirects/);
    expect(report('redirect-file').error).toMatch(/refused to fetch file: URL/);
    expect(report('redirect-gopher').error).toMatch(/refused to fetch gopher: URL/);
  });

  it('still publishes a feed that validates', async () => {
    const result = await validateAtom(join(config.publish.dir, 'hostile.atom'));
    expect(result.code, result.output).toBe(0);
  });
});
