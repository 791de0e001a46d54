/**
 * Real non-UTF-8 sources end to end: served on 127.0.0.1 with their HTTP
 * headers, fetched, decoded, parsed, normalized, published; the published
 * Atom and JSON Feed must carry the right characters, and the Atom must validate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareHtmlEntities, decodeBody, parseFeed } from '../../src/parse/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import type { CycleSummary } from '../../src/model/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { ROOT, startServer, tempDir, testConfig, validateAtom, type TestServer } from '../helpers/env.js';
import { needs, SHARED } from '../helpers/tools.js';

const DIR = join(ROOT, 'fixtures/encoding');

/** file → the Content-Type it is served with, and what decoding must pick */
const CASES = [
  { name: 'Latin-1 by header', file: 'latin1-charset-header.rss', type: 'application/rss+xml; charset=ISO-8859-1', encoding: 'windows-1252', title: 'Café Nørrebro becomes a data center: Zürich operator pays nothing', text: 'José Müller, calls it «a first».' },
  { name: 'cp1252 by prolog', file: 'windows-1252-prolog.rss', type: 'application/rss+xml', encoding: 'windows-1252', title: '“Gigawatt” campus: €2.4 bn data center plan – Köln council says yes', text: 'the GPU halls would be “quiet neighbours”.' },
  { name: 'UTF-8, wrong prolog', file: 'utf8-wrong-prolog.rss', type: 'text/xml', encoding: 'utf-8', title: 'Tromsø GPU hall opens — 24 MW, “naïve” cooling, ½ the water', text: '東京 and São Paulo sites follow.' },
  { name: 'UTF-16 with BOM', file: 'utf16-bom.atom', type: 'application/atom+xml', encoding: 'utf-16le', title: '大阪 data center adds 8,000 GPUs — Ōsaka’s largest', text: 'the Ōsaka hall draws 30 MW.' },
];

describe('non-UTF-8 sources, end to end', () => {
  let server: TestServer;
  let url: string;
  let tmp: ReturnType<typeof tempDir>;
  let summary: CycleSummary;
  let publishDir: string;

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const c = CASES.find((x) => req.url === `/${x.file}`);
      if (!c) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': c.type }).end(readFileSync(join(DIR, c.file)));
    });
    url = server.url;
    tmp = tempDir();
    const config = testConfig(tmp.dir, url, CASES.map((c) => [c.name, `/${c.file}`]));
    publishDir = config.publish.dir;
    const store = SqliteStore.open(config.store.path);
    try {
      summary = await runCycle(config, store);
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    if (server) await server.stop();
    tmp?.cleanup();
  });

  it.each(CASES)('decodes $file as $encoding', (c) => {
    const decoded = decodeBody(readFileSync(join(DIR, c.file)), c.type);
    expect(decoded.encoding).toBe(c.encoding);
    expect(decoded.text).toContain(c.title);
  });

  it('decodes all of windows-1252, including 0x80-0x9F that Node 20\'s TextDecoder drops; latin1 labels mean windows-1252 (WHATWG)', () => {
    const bytes = Buffer.from([0x41, 0x80, 0x85, 0x93, 0x94, 0x96, 0x9f, 0xe9, 0xff, 0x81]);
    for (const label of ['windows-1252', 'ISO-8859-1', 'latin1', 'us-ascii', 'cp1252']) {
      expect(decodeBody(bytes, `text/xml; charset=${label}`), label).toEqual({ text: 'A€…“”–Ÿéÿ\ufffd', encoding: 'windows-1252' });
    }
    expect(decodeBody(new Uint8Array(20_000).fill(0x80)).text).toBe('€'.repeat(20_000));
  });

  it('decodes other legacy charsets through iconv-lite, by HTTP label or prolog, and labels only iconv-lite knows', () => {
    const koi8 = Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]); // "Привет"
    expect(decodeBody(koi8, 'application/rss+xml; charset=KOI8-R')).toEqual({ text: 'Привет', encoding: 'koi8-r' });
    const sjis = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="Shift_JIS"?><t>'), Buffer.from([0x93, 0xfa, 0x96, 0x7b]), Buffer.from('</t>')]); // 日本
    expect(decodeBody(sjis).text).toBe('<?xml version="1.0" encoding="Shift_JIS"?><t>日本</t>');
    expect(decodeBody(Buffer.from([0x41, 0x82, 0xe9]), 'text/xml; charset=cp437')).toEqual({ text: 'AéΘ', encoding: 'cp437' });
    // An unknown label falls back to windows-1252.
    expect(decodeBody(Buffer.from([0x93, 0x41, 0x94]), 'text/xml; charset=x-no-such-charset')).toEqual({ text: '“A”', encoding: 'windows-1252' });
  });

  const corpusFiles = needs('corpus/feedparser');
  corpusFiles.it('detects UTF-16 and UTF-32, with or without a byte-order mark (the feedparser corpus files)', () => {
    const corpus = join(SHARED, 'corpus/feedparser/encoding');
    const expected: Record<string, string> = {
      'utf-16le-bom.xml': 'utf-16le', 'utf-16le-autodetect.xml': 'utf-16le', 'utf-16be-bom.xml': 'utf-16be', 'utf-16be-autodetect.xml': 'utf-16be',
      'utf-32le-bom.xml': 'utf-32le', 'utf-32le-autodetect.xml': 'utf-32le', 'utf-32be-bom.xml': 'utf-32be', 'utf-32be-autodetect.xml': 'utf-32be',
    };
    for (const [file, encoding] of Object.entries(expected)) {
      const decoded = decodeBody(readFileSync(join(corpus, file)));
      expect([file, decoded.encoding], file).toEqual([file, encoding]);
      expect(decoded.text, file).toMatch(/^<\?xml version="1.0" encoding="[^"]+"\?>\s*<!--[\s\S]*Expect:[\s\S]*<rss>\s*<\/rss>\s*$/);
    }
  });

  it('turns undeclared HTML entities into numeric references, so a strict XML parser reads them', async () => {
    expect(declareHtmlEntities('<t>caf&eacute; &amp; &nbsp;&lt;b&gt; &bogus; &#233;</t>')).toBe('<t>caf&#xe9; &amp; &#xa0;&lt;b&gt; &bogus; &#233;</t>');
    expect(declareHtmlEntities('<!DOCTYPE x [<!ENTITY eacute "e">]><t>&eacute;</t>')).toContain('<t>&eacute;</t>');
    const feed = await parseFeed(Buffer.from('<rss version="2.0"><channel><title>Caf&eacute; &mdash; news</title><item><title>GPU &ndash; news</title><link>https://x.example/1</link></item></channel></rss>'));
    expect([feed.title, feed.items[0]!.title]).toEqual(['Café — news', 'GPU – news']);
  });

  it('every source is read and kept', () => {
    expect(summary.sources.map((s) => [s.name, s.ok, s.itemsKept])).toEqual(CASES.map((c) => [c.name, true, 1]));
  });

  it('the published JSON Feed and Atom carry the exact titles and text', async () => {
    const json = JSON.parse(readFileSync(join(publishDir, 'ai-infrastructure.json'), 'utf8')) as { items: { title: string; content_html?: string; content_text?: string; summary?: string }[] };
    const atom = readFileSync(join(publishDir, 'ai-infrastructure.atom'), 'utf8');
    for (const c of CASES) {
      const item = json.items.find((i) => i.title === c.title);
      expect(item, c.title).toBeDefined();
      expect(JSON.stringify(item)).toContain(c.text);
      expect(atom).toContain(c.title.replace(/&/g, '&amp;'));
    }
    expect(atom).not.toContain('\uFFFD');
    const result = await validateAtom(join(publishDir, 'ai-infrastructure.atom'));
    expect(result.code, result.output).toBe(0);
  });
});
