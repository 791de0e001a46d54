/**
 * What the rss-parser adapter (src/parse/rssParser.ts) assumes of rss-parser, asserted
 * so that an upstream change fails here, by name, instead of changing what infrawire
 * reads:
 * - the versions: package.json allows only the majors tested here, and they are installed;
 * - the shape of rss-parser's output for our options (its own fields, and which of
 *   them are snippets: the only fields computed from the placeholders);
 * - that setting the bodies aside changes nothing: the adapter's result equals
 *   rss-parser's plain reading on every fixture and on shapes where rss-parser
 *   serializes an element around a body, with text that needs escaping;
 * - that no body text rss-parser reads costs quadratic time: one that did would not
 *   end within the test timeout (200,000 unclosed tags take minutes).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/parse/decode.js';
import { elementNameNormalizer, feedPrefixes } from '../../src/parse/names.js';
import { parseFeed } from '../../src/parse/index.js';
import { readWithRssParser, rssParserOptions, type RssParserFeed } from '../../src/parse/rssParser.js';
import { ROOT } from '../helpers/env.js';

const require = createRequire(import.meta.url);
const reading = (xml: string) => ({ elementName: elementNameNormalizer(feedPrefixes(xml)) });

/** The adapter's result, or the failure's message: a failure must be the same failure. */
async function outcome(xml: string, placeholders: boolean): Promise<RssParserFeed | string> {
  try {
    return await readWithRssParser(xml, reading(xml), { placeholders });
  } catch (err) {
    return `${(err as Error).constructor.name}: ${(err as Error).message}`;
  }
}

async function expectSameAsPlain(xml: string): Promise<RssParserFeed> {
  const plain = await outcome(xml, false);
  expect(await outcome(xml, true)).toEqual(plain);
  expect(typeof plain).toBe('object');
  return plain as RssParserFeed;
}

describe('rss-parser versions', () => {
  it('package.json allows rss-parser 3 only, and 3 is installed (its xml2js too: 0.5, whose processors the adapter uses)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['rss-parser']).toMatch(/^\^3\.\d+\.\d+$/);
    const installed = require('rss-parser/package.json') as { version: string; dependencies: Record<string, string> };
    expect(installed.version).toMatch(/^3\./);
    const xml2js = createRequire(require.resolve('rss-parser'))('xml2js/package.json') as { version: string };
    expect(xml2js.version).toMatch(/^0\.5\./);
  });
});

describe("rss-parser's output for our options", () => {
  const opts = () => rssParserOptions({ elementName: (name: string) => name });
  const own = (o: object) => Object.keys(o).filter((k) => !k.startsWith('infrawire:')).sort();
  const shapes: [string, string, string[], string[]][] = [
    [
      'RSS 2.0',
      `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title><link>https://a.example/</link><description>D</description><ttl>5</ttl><item><title>I</title><link>https://a.example/1</link><guid>g</guid><description>d</description><content:encoded>e</content:encoded><summary>s</summary><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>`,
      ['description', 'items', 'link', 'title', 'ttl'],
      ['content', 'content:encoded', 'content:encodedSnippet', 'contentSnippet', 'guid', 'isoDate', 'link', 'pubDate', 'summary', 'title'],
    ],
    [
      'RSS 1.0',
      `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>T</title><link>https://a.example/</link></channel><item rdf:about="https://a.example/1"><title>I</title><link>https://a.example/1</link><description>d</description></item></rdf:RDF>`,
      ['items', 'link', 'title'],
      ['content', 'contentSnippet', 'link', 'rdf:about', 'title'],
    ],
    [
      'Atom',
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>f</id><updated>2026-11-02T10:00:00Z</updated><link href="https://a.example/"/><entry><title>I</title><id>e</id><link href="https://a.example/1"/><updated>2026-11-02T10:00:00Z</updated><content type="html">c</content><summary>s</summary><author><name>N</name></author></entry></feed>`,
      ['feedUrl', 'items', 'lastBuildDate', 'link', 'title'],
      ['author', 'content', 'contentSnippet', 'id', 'isoDate', 'link', 'pubDate', 'summary', 'title'],
    ],
  ];
  for (const [name, xml, feedKeys, itemKeys] of shapes) {
    it(`${name}: the fields rss-parser writes, snippets only of bodies the adapter sets aside, raw fields as requested`, async () => {
      const feed = (await new Parser(opts()).parseString(xml)) as unknown as Record<string, unknown> & { items: Record<string, unknown>[] };
      expect(own(feed)).toEqual(feedKeys);
      const item = feed.items[0]!;
      expect(own(item)).toEqual(itemKeys);
      // A snippet is computed from the field it extends: the adapter sets aside each such body (content is RSS's description or Atom's content).
      for (const key of Object.keys(item).filter((k) => k.endsWith('Snippet'))) expect(['contentSnippet', 'content:encodedSnippet']).toContain(key);
      // Raw fields: every occurrence, as xml2js nodes.
      expect(item['infrawire:title']).toEqual(['I']);
    });
  }

  it('the adapter hands over the fields it names and leaves the snippets behind', async () => {
    const feed = await readWithRssParser(shapes[0]![1], reading(shapes[0]![1]));
    expect(feed).toMatchObject({ title: 'T', link: 'https://a.example/', ttl: '5', raw: { title: ['T'] } });
    expect(feed.items[0]).toEqual({
      title: 'I',
      link: 'https://a.example/1',
      guid: 'g',
      id: undefined,
      rdfAbout: undefined,
      content: 'd',
      summary: 's',
      encoded: 'e',
      // Every link element is requested raw too (Atom's rel="enclosure" links are media).
      raw: { title: ['I'], guid: ['g'], content: undefined, encoded: ['e'], summary: ['s'], description: ['d'], pubDate: ['Mon, 02 Nov 2026 10:00:00 GMT'], links: ['https://a.example/1'] },
    });
  });
});

describe('bodies set aside', () => {
  function xmlFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? xmlFiles(path) : /\.(rss|rdf|atom|xml)$/.test(name) ? [path] : [];
    });
  }

  it('change nothing on any fixture feed', async () => {
    const files = xmlFiles(join(ROOT, 'fixtures'));
    expect(files.length).toBeGreaterThanOrEqual(20);
    let items = 0;
    for (const file of files) {
      const xml = decodeBody(readFileSync(file)).text;
      const plain = await outcome(xml, false);
      expect(await outcome(xml, true), file).toEqual(plain);
      if (typeof plain === 'object') items += plain.items.length;
    }
    expect(items).toBeGreaterThan(50);
  });

  // Text every escaping step treats: markup, references, a carriage return, quotes, CDATA's end, astral characters.
  const HOSTILE = 'a &amp; b &lt;c&gt; d\r\n"q" \'s\' ]]&gt; 😀 &#x2028;';
  const cases: [string, string][] = [
    ['RSS bodies of text, CDATA, attributes', `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title><description>${HOSTILE}</description><item><title>I</title><description type="x">${HOSTILE}</description><content:encoded><![CDATA[<p>${HOSTILE}</p>]]></content:encoded><summary>${HOSTILE}</summary></item></channel></rss>`],
    ['empty, blank and attribute-only bodies', `<rss version="2.0"><channel><title>T</title><item><description/></item><item><description>  \n </description></item><item><description a="1"/></item><item><description a="1"><![CDATA[]]></description></item></channel></rss>`],
    ['RSS bodies serialized by rss-parser (child elements only), holding body elements', `<rss version="2.0"><channel><title>T</title><item><Description><description>${HOSTILE}</description><b x="1">${HOSTILE}</b><content>${HOSTILE}</content></Description></item></channel></rss>`],
    ['a body with text beside child elements', `<rss version="2.0"><channel><title>T</title><item><Description>${HOSTILE}<summary>${HOSTILE}</summary></Description></item></channel></rss>`],
    ['Atom content and summary, serialized ones holding body elements', `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>I</title><content type="html">${HOSTILE}</content><summary>${HOSTILE}</summary></entry><entry><title>J</title><Content type="xhtml"><div><summary>${HOSTILE}</summary><p>${HOSTILE}</p></div></Content><Summary><content>${HOSTILE}</content></Summary></entry><entry><content type="html"/></entry></feed>`],
    ['body elements nested in other elements (titles, authors, channel)', `<rss version="2.0"><channel><title><description>${HOSTILE}</description></title><image><description>${HOSTILE}</description></image><item><title>x<summary>${HOSTILE}</summary></title><author><content>${HOSTILE}</content></author></item></channel></rss>`],
    ['text that looks like a placeholder', `<rss version="2.0"><channel><title>T</title><item><description>iw000000000000000000000000_0_</description><summary>iwffffffffffffffffffffffff_1_ and iw0_0_</summary></item></channel></rss>`],
  ];
  for (const [name, xml] of cases) {
    it(`change nothing: ${name}`, async () => {
      await expectSameAsPlain(xml);
    });
  }

  it('come back whole, serialized ones escaped as rss-parser escapes them', async () => {
    const feed = await expectSameAsPlain(cases[2]![1]);
    // The text as sax reads it (references resolved), in rss-parser's serialization escaped again.
    const text = 'a & b <c> d\r\n"q" \'s\' ]]> 😀 \u2028';
    expect(feed.items[0]!.content).toBe(
      `<div><description>a &amp; b &lt;c&gt; d&#xD;\n"q" 's' ]]&gt; 😀 \u2028</description><b x="1">a &amp; b &lt;c&gt; d&#xD;\n"q" 's' ]]&gt; 😀 \u2028</b><content>a &amp; b &lt;c&gt; d&#xD;\n"q" 's' ]]&gt; 😀 \u2028</content></div>`,
    );
    const rss = await readWithRssParser(cases[0]![1], reading(cases[0]![1]));
    expect(rss.items[0]).toMatchObject({ content: text, encoded: `<p>${HOSTILE}</p>`, summary: text, raw: { description: [{ _: text, $: { type: 'x' } }] } });
  });

  it('a failure is the failure rss-parser reports', async () => {
    for (const xml of ['<rss version="2.0"><channel><item><description>a</descr></item></channel></rss>', '<rss version="2.0"><item/></rss>', '<html/>']) {
      const plain = await outcome(xml, false);
      expect(typeof plain).toBe('string');
      expect(await outcome(xml, true)).toBe(plain);
    }
  });
});

describe('no text rss-parser reads costs quadratic time', () => {
  // 150,000 "x<p" in one element: rss-parser's snippet regex would take minutes on it (20,000 took ~3 s
  // on the 2-core test machine), well past the test timeout; read linearly it takes well under a second.
  // One element a test, so a quadratic one fails in minutes, not hours.
  const unclosed = 'x&lt;p'.repeat(150_000);
  const text = 'x<p'.repeat(150_000);
  const RSS = (channel: string, item: string) => `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>${channel}<item>${item}</item></channel></rss>`;
  const RDF = (item: string) => `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>T</title></channel><item>${item}</item></rdf:RDF>`;
  const ATOM = (feed: string, entry: string) => `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>${feed}<entry>${entry}</entry></feed>`;
  const cases: [string, string, Record<string, unknown>][] = [
    ['an RSS item title', RSS('', `<title>${unclosed}</title>`), { title: text }],
    ['an RSS description', RSS('', `<description>${unclosed}</description>`), { content: text }],
    ['an RSS content:encoded', RSS('', `<content:encoded>${unclosed}</content:encoded>`), { encoded: text }],
    ['an RSS summary', RSS('', `<summary>${unclosed}</summary>`), { summary: text }],
    ['an RSS channel description', RSS(`<description>${unclosed}</description>`, '<title>I</title>'), { title: 'I' }],
    ['an RSS 1.0 description', RDF(`<description>${unclosed}</description>`), { content: text }],
    ['an Atom entry title', ATOM('', `<title type="html">${unclosed}</title>`), { title: text }],
    ['an Atom content', ATOM('', `<content type="html">${unclosed}</content>`), { content: text }],
    ['an Atom summary', ATOM('', `<summary type="html">${unclosed}</summary>`), { summary: text }],
    ['an Atom subtitle', ATOM(`<subtitle>${unclosed}</subtitle>`, '<title>I</title>'), { title: 'I' }],
  ];
  for (const [name, xml, expected] of cases) {
    it(`${name} of 150,000 unclosed tags is read whole`, async () => {
      expect((await readWithRssParser(xml, reading(xml))).items[0]).toMatchObject(expected);
    });
  }

  it('through parseFeed too', async () => {
    const xml = RSS('', `<title>I</title><description>${unclosed}</description>`);
    expect((await parseFeed(Buffer.from(xml))).items[0]?.contentHtml).toBe(text);
  });
});
