import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedFeed } from '../../src/model/index.js';
import { charsetFromContentType, charsetFromProlog, decodeBody, ParseError, parseFeed, sniffFormat } from '../../src/parse/index.js';
import { FIXTURES } from '../helpers/env.js';

const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const parseFixture = (name: string): Promise<ParsedFeed> => parseFeed(fixture(name));

/** The ParseError parseFeed rejects with; fails the test when it resolves or throws anything else. */
async function parseError(body: Uint8Array | string, contentType?: string): Promise<ParseError> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  let caught: unknown;
  try {
    const feed = await parseFeed(bytes, contentType);
    expect.fail(`expected a ParseError, got a ${feed.format} feed with ${feed.items.length} items`);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ParseError);
  expect((caught as Error).name).toBe('ParseError');
  return caught as ParseError;
}

/** windows-1252 encoder for the few non-ASCII characters these tests use. */
const CP1252: Record<string, number> = { '€': 0x80, '“': 0x93, '”': 0x94, '—': 0x97, '’': 0x92, à: 0xe0, é: 0xe9, ü: 0xfc, ñ: 0xf1 };
function cp1252(text: string): Buffer {
  return Buffer.from(
    [...text].map((ch) => {
      const code = ch.charCodeAt(0);
      if (code < 0x80) return code;
      const b = CP1252[ch];
      if (b === undefined) throw new Error(`no windows-1252 byte for ${ch}`);
      return b;
    }),
  );
}

describe('parseFeed on the fixture feeds', () => {
  it('dcwire.rss: RSS 2.0 with content:encoded and dc:creator', async () => {
    const feed = await parseFixture('dcwire.rss');
    expect(feed.format).toBe('rss2');
    expect(feed.title).toBe('DC Wire');
    expect(feed.link).toBe('https://dcwire.example/');
    expect(feed.items).toHaveLength(5);
    expect(feed.items.map((i) => i.title)).toEqual([
      'Microsoft plans 300 MW data center campus near Skogheim, Norway',
      'Nscale raises $1.9 billion at $14.6 billion valuation, adds two board members',
      'Harbour Street bakery wins regional sourdough prize for second year',
      'Great Plains Electric signs 1 GW supply deal for three new data center sites',
      'Riverside Rovers edge Millbrook 2-1 in county cup replay',
    ]);
    expect(feed.items.map((i) => i.guid)).toEqual(['dcwire-7f3a9c21-0b44', 'dcwire-2d81e6f0-91ac', 'dcwire-c4402b7d-5e10', 'dcwire-9b17e3d2-aa07', 'dcwire-51fe08aa-3c62']);
    expect(feed.items.map((i) => i.authors)).toEqual([['Ingrid Solvang'], ['Marcus Hale'], ['Ellen Marsh'], ['Dana Whitfield'], ['Tom Okafor']]);
    expect(feed.items.map((i) => i.categories)).toEqual([['Hyperscale'], ['Funding'], ['Local'], ['Power'], ['Sport']]);
    expect(feed.items.map((i) => i.published)).toEqual([
      'Fri, 27 Nov 2026 07:40:00 GMT',
      'Thu, 26 Nov 2026 14:05:00 GMT',
      'Wed, 25 Nov 2026 16:30:00 GMT',
      'Tue, 24 Nov 2026 11:20:00 GMT',
      'Sun, 22 Nov 2026 19:45:00 GMT',
    ]);
    const first = feed.items[0]!;
    expect(first.link).toBe('https://dcwire.example/news/2026/11/microsoft-skogheim-norway-campus');
    expect(feed.items[4]!.link).toBe('https://dcwire.example/local/2026/11/riverside-rovers-millbrook-cup-replay');
    // content:encoded is the body (HTML, CDATA unwrapped), description is the summary.
    expect(first.contentHtml).toMatch(/^<p>Microsoft has filed zoning documents with the municipality of Skogheim/);
    expect(first.contentHtml).toContain('A public consultation on the plans runs until the end of January.</p>');
    expect(first.contentHtml!.match(/<p>/g)).toHaveLength(4);
    expect(first.summaryHtml).toBe(
      'The hyperscaler has filed zoning papers for a four-building campus on a former aluminium smelter site, drawing on hydro power from the regional grid.',
    );
    expect(first.updated).toBeUndefined();
  });

  it('powerdesk-faq.rss: RSS 2.0, one item with content:encoded, one with description only', async () => {
    const feed = await parseFixture('powerdesk-faq.rss');
    expect(feed.format).toBe('rss2');
    expect(feed.title).toBe('PowerDesk');
    expect(feed.items).toHaveLength(2);
    const [helios, lambda] = feed.items;
    expect(helios!.title).toBe('Helios Data signs 500 MW nuclear power purchase agreement for Ohio AI campus');
    expect(helios!.guid).toBe('pd-2026-11-0481');
    expect(helios!.link).toBe('https://powerdesk.example/deals/2026/11/helios-data-nuclear-ppa');
    expect(helios!.contentHtml).toContain('<p>FAQ</p>');
    expect(helios!.contentHtml).toContain('<p>Q: How much power does the agreement cover?</p><p>A: 500 MW from the Lakeshore station');
    expect(helios!.summaryHtml).toMatch(/^The 20-year contract with Buckeye Nuclear/);
    expect(helios!.authors).toEqual(['Laura Chen']);
    expect(helios!.categories).toEqual(['Deals']);
    expect(helios!.published).toBe('Thu, 26 Nov 2026 08:30:00 GMT');
    expect(lambda!.title).toBe('Lambda lines up 400 MW of solar and storage for Arizona data center');
    expect(lambda!.guid).toBe('pd-2026-11-0466');
    // With no content:encoded the description is the body and there is no separate summary.
    expect(lambda!.contentHtml).toMatch(/^Lambda has agreed to buy the output of a 400 MW solar farm/);
    expect(lambda!.contentHtml).toContain('\nFAQs\nQ: How large is the solar project?\nA: 400 MW of solar panels');
    expect(lambda!.summaryHtml).toBeUndefined();
    expect(lambda!.published).toBe('Mon, 23 Nov 2026 13:15:00 GMT');
  });

  it('gpucloud.atom: Atom 1.0 with entry authors, content and summary', async () => {
    const feed = await parseFixture('gpucloud.atom');
    expect(feed.format).toBe('atom');
    expect(feed.title).toBe('GPU Cloud Report');
    expect(feed.link).toBe('https://gpucloud-report.example/');
    expect(feed.items).toHaveLength(4);
    expect(feed.items.map((i) => i.title)).toEqual([
      'Orbital Compute switches on 100,000 H100s in single Texas GPU cluster',
      'Inference chip startup Vectrix Silicon tapes out first 3nm design',
      'CoreWeave expands in the Nordics with two new sites in Sweden and Finland',
      'In the garden: planting bare-root roses before the first hard frost',
    ]);
    expect(feed.items.map((i) => i.guid)).toEqual([
      'urn:uuid:3f6c2a8e-1d4b-4c7e-9a51-0e2b7d8c4f19',
      'urn:uuid:b81e4d07-6a2c-4f35-8e90-5c1d3a7b2e64',
      'tag:gpucloud-report.example,2026-11-23:/coreweave-nordics',
      'urn:uuid:0d9e7c55-2b18-4a6f-b3c4-7f81e2a9d630',
    ]);
    expect(feed.items.map((i) => i.link)).toEqual([
      'https://gpucloud-report.example/2026/11/orbital-compute-100k-h100-cluster',
      'https://gpucloud-report.example/2026/11/vectrix-silicon-tape-out',
      'https://gpucloud-report.example/2026/11/coreweave-nordic-expansion',
      'https://gpucloud-report.example/weekend/2026/11/bare-root-roses',
    ]);
    // The entry's own <author><name>, not the feed-level author.
    expect(feed.items.map((i) => i.authors)).toEqual([['Priya Raman'], ['Jonas Weber'], ['Priya Raman'], ['Hazel Whitcombe']]);
    expect(feed.items.map((i) => i.published)).toEqual(['2026-11-26T15:00:00Z', '2026-11-25T09:45:00Z', '2026-11-23T12:10:00Z', '2026-11-21T07:00:00Z']);
    expect(feed.items.map((i) => i.updated)).toEqual(['2026-11-26T18:30:00Z', '2026-11-25T09:45:00Z', '2026-11-24T08:00:00Z', '2026-11-21T07:00:00Z']);
    const orbital = feed.items[0]!;
    // <content type="html"> arrives as HTML (entities decoded once), the <ul> included.
    expect(orbital.contentHtml).toMatch(/^<p>Orbital Compute says it has brought 100,000 Nvidia H100 GPUs online/);
    expect(orbital.contentHtml).toContain('<ul>\n<li>12,500 eight-GPU servers spread over four data halls</li>');
    expect(orbital.contentHtml).not.toContain('&lt;');
    expect(orbital.summaryHtml).toBe(
      'The cluster, built in Abilene, links 100,000 Nvidia H100 GPUs on one network fabric and is rented almost entirely to a single model developer.',
    );
    expect(feed.items.every((i) => i.categories.length === 0)).toBe(true);
  });

  it('chipletter.rdf: RSS 1.0 with dc:date and dc:creator', async () => {
    const feed = await parseFixture('chipletter.rdf');
    expect(feed.format).toBe('rss1');
    expect(feed.title).toBe('The Chip Letter');
    expect(feed.link).toBe('https://chipletter.example/');
    expect(feed.items).toHaveLength(3);
    expect(feed.items.map((i) => i.title)).toEqual([
      'Arcadia Semiconductor commits $22 billion to new fab in central Ohio',
      'OpenInfer 3.1 results: AMD and Nvidia trade blows on accelerator inference benchmark',
      'Corner typewriter repair shop marks fifty years in business',
    ]);
    const links = [
      'https://chipletter.example/p/arcadia-ohio-fab',
      'https://chipletter.example/p/openinfer-3-1-results',
      'https://chipletter.example/p/typewriter-shop-fifty-years',
    ];
    expect(feed.items.map((i) => i.link)).toEqual(links);
    expect(feed.items.map((i) => i.guid)).toEqual(links); // rdf:about
    expect(feed.items.map((i) => i.authors)).toEqual([['Ravi Sundaram'], ['Ravi Sundaram'], ['Nora Quill']]);
    expect(feed.items.map((i) => i.published)).toEqual(['2026-11-25T10:00:00Z', '2026-11-23T14:30:00Z', '2026-11-20T08:00:00Z']);
    // First description is escaped HTML, unescaped once; the others are plain text.
    expect(feed.items[0]!.contentHtml).toMatch(/^<p>Arcadia Semiconductor will build a leading-edge fab near Columbus, Ohio/);
    expect(feed.items[0]!.contentHtml).toContain('</p><p>The $22 billion plant');
    expect(feed.items[1]!.contentHtml).toMatch(/^The latest round of the OpenInfer benchmark shows Nvidia's B300/);
    expect(feed.items.every((i) => i.summaryHtml === undefined)).toBe(true);
  });

  it('wire.json: JSON Feed 1.1 with authors and tags', async () => {
    const feed = await parseFixture('wire.json');
    expect(feed.format).toBe('json');
    expect(feed.title).toBe('Compute Wire');
    expect(feed.link).toBe('https://computewire.example/');
    expect(feed.items).toHaveLength(3);
    expect(feed.items.map((i) => i.title)).toEqual([
      'Nscale wins Microsoft contract for 52,000 GPUs at new Texas site',
      'Tessellate Cloud opens on-demand B200 GPU instances at $3.10 an hour',
      'City council approves protected bike lanes on Elm Avenue',
    ]);
    expect(feed.items.map((i) => i.guid)).toEqual(['cw-2026-11-27-0012', 'cw-2026-11-24-0007', 'cw-2026-11-21-0003']);
    expect(feed.items[0]!.link).toBe('https://computewire.example/2026/11/27/nscale-microsoft-texas-contract');
    expect(feed.items.map((i) => i.authors)).toEqual([['Hannah Ortiz'], ['Kofi Mensah'], ['Grace Whitman']]);
    expect(feed.items.map((i) => i.categories)).toEqual([
      ['Nscale', 'Microsoft', 'GPU cloud', 'Texas'],
      ['GPU cloud', 'Nvidia', 'pricing'],
      ['local', 'transport', 'cycling'],
    ]);
    expect(feed.items.map((i) => i.published)).toEqual(['2026-11-27T06:50:00Z', '2026-11-24T17:20:00Z', '2026-11-21T09:05:00Z']);
    expect(feed.items[0]!.contentHtml).toMatch(/^<p>Nscale has signed a five-year agreement/);
    expect(feed.items[0]!.summaryHtml).toBe("The five-year deal, worth an estimated $9 billion, is the AI cloud builder's first in the United States.");
  });
});

describe('parseFeed on hand-written documents', () => {
  it('reads every Atom author and category term', async () => {
    const atom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2026-01-02T00:00:00Z</updated>
<entry><id>urn:e1</id><title>Entry one</title><link rel="alternate" href="https://a.example/1"/>
<updated>2026-01-02T00:00:00Z</updated>
<author><name>Ann One</name></author><author><name>Bob Two</name></author>
<category term="GPUs"/><category term="Power" label="Power &amp; grid"/><category term="GPUs"/>
<summary>S</summary></entry></feed>`;
    const feed = await parseFeed(Buffer.from(atom));
    expect(feed.format).toBe('atom');
    expect(feed.items).toHaveLength(1);
    const item = feed.items[0]!;
    expect(item.authors).toEqual(['Ann One', 'Bob Two']);
    expect(item.categories).toEqual(['GPUs', 'Power']);
    // No <published>: the updated date stands in.
    expect(item.published).toBe('2026-01-02T00:00:00Z');
    expect(item.summaryHtml).toBe('S');
    expect(item.contentHtml).toBe('S');
  });

  it('reads several RSS categories and dc:subject', async () => {
    const rss = `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>R</title>
<item><title>t</title><link>https://r.example/1</link><guid>g1</guid><category>Chips</category><category>Power</category><dc:subject>Grid</dc:subject>
<description>d</description><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>`;
    const item = (await parseFeed(Buffer.from(rss))).items[0]!;
    expect(item.categories).toEqual(['Chips', 'Power', 'Grid']);
    expect(item.guid).toBe('g1');
    expect(item.contentHtml).toBe('d');
    expect(item.summaryHtml).toBeUndefined();
  });

  it('resolves Atom xml:base document URL → feed → entry → content, and relative entry links', async () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="/blog/"><title>A</title>
<entry xml:base="posts/"><id>e1</id><title>one</title><link href="one.html"/><content type="html" xml:base="../media/">c</content></entry>
<entry><id>e2</id><title>two</title><link href="two.html"/><summary type="html">s</summary></entry>
<entry xml:base="javascript:alert(1)//"><id>e3</id><title>three</title><summary>s</summary></entry></feed>`;
    const items = (await parseFeed(Buffer.from(atom), undefined, 'https://a.example/feeds/atom.xml')).items;
    expect(items.map((i) => i.baseUrl)).toEqual(['https://a.example/blog/media/', 'https://a.example/blog/', 'https://a.example/blog/']);
    expect(items.map((i) => i.link)).toEqual(['https://a.example/blog/posts/one.html', 'https://a.example/blog/two.html', undefined]);
  });

  it('leaves baseUrl unset without any base, and keeps a relative xml:base only once a document URL anchors it', async () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="/blog/"><title>A</title><entry><id>e</id><title>t</title><link href="t.html"/><summary>s</summary></entry></feed>`;
    const item = (await parseFeed(Buffer.from(atom))).items[0]!;
    expect(item.baseUrl).toBeUndefined();
    expect(item.link).toBe('t.html');
  });

  it('resolves relative feed and item links against the document URL when no xml:base is set', async () => {
    const rss = `<rss version="2.0"><channel><title>R</title><link>/home</link>
<item><title>t</title><link>../story/1</link><description>d</description></item>
<item><title>u</title><link>HTTPS://Abs.example/x</link><description>d</description></item></channel></rss>`;
    const feed = await parseFeed(Buffer.from(rss), undefined, 'https://r.example/feeds/main.rss');
    expect(feed.link).toBe('https://r.example/home');
    expect(feed.items.map((i) => [i.link, i.baseUrl])).toEqual([
      ['https://r.example/story/1', undefined],
      ['HTTPS://Abs.example/x', undefined],
    ]);
  });

  it('decodes Atom 0.3 base64 titles on the feed and the entry', async () => {
    const b64 = (t: string): string => Buffer.from(t, 'utf8').toString('base64');
    const atom = `<feed xmlns="http://purl.org/atom/ns#" version="0.3"><title mode="base64">${b64('Grid – news')}</title>
<entry><id>e</id><title type="text/html" mode="base64">${b64('Example <b>GPU</b>')}</title><summary>s</summary></entry>
<entry><id>f</id><title mode="escaped">Plain</title><summary>s</summary></entry></feed>`;
    const feed = await parseFeed(Buffer.from(atom));
    expect(feed.title).toBe('Grid – news');
    expect(feed.items.map((i) => i.title)).toEqual(['Example <b>GPU</b>', 'Plain']);
  });

  it('reads Atom 0.3 issued and modified as published and updated', async () => {
    const atom = `<feed xmlns="http://purl.org/atom/ns#" version="0.3"><title>A</title>
<entry><id>e</id><title>t</title><issued>2004-01-01T19:48:21Z</issued><modified>2004-01-02T08:00:00Z</modified><summary>s</summary></entry>
<entry><id>f</id><title>u</title><modified>2004-01-03T08:00:00Z</modified><summary>s</summary></entry></feed>`;
    const items = (await parseFeed(Buffer.from(atom))).items;
    expect(items.map((i) => [i.published, i.updated])).toEqual([
      ['2004-01-01T19:48:21Z', '2004-01-02T08:00:00Z'],
      ['2004-01-03T08:00:00Z', '2004-01-03T08:00:00Z'],
    ]);
  });

  it('reads xml:base on an RSS channel and item', async () => {
    const rss = `<rss version="2.0"><channel xml:base="https://r.example/news/"><title>R</title>
<item xml:base="2026/"><title>t</title><link>t.html</link><description>d</description></item>
<item><title>u</title><description>d</description></item></channel></rss>`;
    const items = (await parseFeed(Buffer.from(rss), undefined, 'https://other.example/rss')).items;
    expect(items.map((i) => i.baseUrl)).toEqual(['https://r.example/news/2026/', 'https://r.example/news/']);
    expect(items[0]!.link).toBe('https://r.example/news/2026/t.html');
  });

  it('reads JSON Feed 1.0 author, numeric ids, content_text and ignores wrongly typed fields', async () => {
    const json = {
      version: 'https://jsonfeed.org/version/1',
      title: 'J',
      items: [
        { id: 42, title: 'n', content_text: 'a < b & c', author: { name: 'Solo' }, tags: ['x', 7, 'y'] },
        { id: 'b', title: 5, url: 'https://j.example/b', summary: '<b>bold</b>' },
        'not an item',
      ],
    };
    const feed = await parseFeed(Buffer.from(JSON.stringify(json)));
    expect(feed.format).toBe('json');
    expect(feed.items).toHaveLength(3);
    expect(feed.items[0]).toMatchObject({ guid: '42', title: 'n', contentHtml: 'a &lt; b &amp; c', authors: ['Solo'], categories: ['x', 'y'] });
    expect(feed.items[1]).toMatchObject({ guid: 'b', title: undefined, link: 'https://j.example/b', summaryHtml: '&lt;b&gt;bold&lt;/b&gt;', authors: [], categories: [] });
    // Not an object: an empty item, which the cycle counts as skipped instead of losing it silently.
    expect(feed.items[2]).toEqual({ authors: [], categories: [] });
  });
});

describe('parseFeed refuses what is not a feed', () => {
  it('error-page.html is "not a feed" and says it is HTML', async () => {
    const err = await parseError(fixture('error-page.html'), 'text/html; charset=utf-8');
    expect(err.message).toMatch(/^not a feed/);
    expect(err.message).toMatch(/HTML/);
  });

  it('an HTML page without a doctype is also recognized', async () => {
    const err = await parseError('<html><head><title>x</title></head><body>hi</body></html>');
    expect(err.message).toMatch(/^not a feed.*HTML/);
  });

  it('an empty or blank body is refused', async () => {
    expect((await parseError(new Uint8Array(0))).message).toMatch(/^not a feed.*empty/);
    expect((await parseError('   \n\t ')).message).toMatch(/^not a feed/);
  });

  it('an unknown XML root is named', async () => {
    const err = await parseError('<foo/>');
    expect(err.message).toMatch(/^not a feed/);
    expect(err.message).toContain('<foo>');
    const withProlog = await parseError('<?xml version="1.0"?>\n<!-- hi -->\n<sitemap:urlset xmlns:sitemap="x"/>');
    expect(withProlog.message).toContain('<sitemap:urlset>');
  });

  it('broken XML is a ParseError saying invalid XML', async () => {
    // An undefined entity is beyond the lenient reading (tests/parse/lenient.test.ts reads mismatched tags).
    const err = await parseError('<rss version="2.0"><channel><item><title>R&bogus;D</title></item></channel></rss>');
    expect(err.message).toMatch(/^invalid XML/);
  });

  it('JSON that is not a JSON Feed is refused', async () => {
    expect((await parseError('{"title":"x","items":[]}')).message).toMatch(/^not a feed.*jsonfeed/);
    expect((await parseError('{"version":"https://jsonfeed.org/version/2","items":[]}')).message).toMatch(/^not a feed/);
    expect((await parseError('{"version":"https://jsonfeed.org/version/1.1"}')).message).toMatch(/^not a feed/);
    expect((await parseError('[1,2,3]')).message).toMatch(/^not a feed/);
    expect((await parseError('{"version": ')).message).toMatch(/^invalid JSON/);
  });

  it('plain text names the Content-Type', async () => {
    const err = await parseError('Service Unavailable', 'text/plain');
    expect(err.message).toMatch(/^not a feed/);
    expect(err.message).toContain('text/plain');
  });
});

describe('sniffFormat', () => {
  it('looks past the prolog, comments and doctype', () => {
    expect(sniffFormat('\uFEFF<?xml version="1.0"?><!-- c --><!DOCTYPE rss [<!ENTITY x "y">]><rss version="2.0"/>')).toEqual({ kind: 'rss2', root: 'rss' });
    expect(sniffFormat('<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"/>')).toEqual({ kind: 'atom', root: 'atom:feed' });
    expect(sniffFormat('<rdf:RDF/>')).toEqual({ kind: 'rss1', root: 'rdf:RDF' });
    expect(sniffFormat('<!DOCTYPE html><html>')).toEqual({ kind: 'html', root: 'html' });
    expect(sniffFormat('  {"a":1}')).toEqual({ kind: 'json' });
    expect(sniffFormat('hello')).toEqual({ kind: 'unknown' });
  });
});

// windows-1252 maps 0x80–0x9F to printable characters (€ “ ” — ’ …), unlike ISO-8859-1's C1 controls.
// Node's TextDecoder('windows-1252') decodes them as C1 controls since v20.18.3 / v22.13.0
// (nodejs/node#56542, #60888); decode.ts relies on it, so these tests catch the regression.
describe('decodeBody', () => {
  it('uses the Content-Type charset for latin1 bytes', () => {
    const bytes = new Uint8Array([0x43, 0x61, 0x66, 0xe9]);
    expect(decodeBody(bytes, 'text/xml; charset=iso-8859-1').text).toBe('Café');
    expect(decodeBody(bytes, 'text/xml; charset="ISO-8859-1"').text).toBe('Café');
  });

  it('uses the XML prolog encoding when the header says nothing', () => {
    const bytes = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="windows-1252"?><t>'), Buffer.from([0x93]), Buffer.from('hi'), Buffer.from([0x94]), Buffer.from('</t>')]);
    const decoded = decodeBody(bytes, 'text/xml');
    expect(decoded.text).toBe('<?xml version="1.0" encoding="windows-1252"?><t>\u201Chi\u201D</t>');
    expect(decoded.encoding).toBe('windows-1252');
  });

  it('prefers the Content-Type charset over the prolog', () => {
    // 0xB1 is "ą" in ISO-8859-2 and "±" in windows-1252.
    const bytes = Buffer.concat([Buffer.from("<?xml version='1.0' encoding='windows-1252'?><t>"), Buffer.from([0xb1]), Buffer.from('</t>')]);
    expect(decodeBody(bytes, 'application/xml; charset=iso-8859-2')).toEqual({ text: "<?xml version='1.0' encoding='windows-1252'?><t>ą</t>", encoding: 'iso-8859-2' });
    expect(decodeBody(bytes).text).toContain('<t>±</t>');
  });

  it('decodes valid UTF-8 as UTF-8 whatever the prolog or header says', () => {
    const bytes = Buffer.from('<?xml version="1.0" encoding="iso-8859-1"?><t>Café “x”</t>', 'utf8');
    expect(bytes.includes(Buffer.from([0xc3, 0xa9]))).toBe(true);
    const viaProlog = decodeBody(bytes);
    expect(viaProlog.text).toBe('<?xml version="1.0" encoding="iso-8859-1"?><t>Café “x”</t>');
    expect(viaProlog.encoding).toBe('utf-8');
    expect(decodeBody(bytes, 'text/xml; charset=iso-8859-1').text).toContain('Café “x”');
  });

  it('follows a byte-order mark', () => {
    const text = '<rss><t>Café — 日本</t></rss>';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(decodeBody(le)).toEqual({ text, encoding: 'utf-16le' });
    expect(decodeBody(le, 'text/xml; charset=iso-8859-1').text).toBe(text);
    const be = Buffer.from(le);
    be.swap16(); // FF FE + LE units → FE FF + BE units
    expect(be[0]).toBe(0xfe);
    expect(decodeBody(be)).toEqual({ text, encoding: 'utf-16be' });
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    expect(decodeBody(utf8)).toEqual({ text, encoding: 'utf-8' });
  });

  it('falls back to windows-1252 for undeclared or unknown legacy charsets', () => {
    const bytes = Buffer.from([0x80, 0x35, 0x20, 0x93, 0x6f, 0x6b, 0x94]);
    expect(decodeBody(bytes).text).toBe('€5 “ok”');
    expect(decodeBody(bytes, 'text/xml; charset=x-no-such-charset').text).toBe('€5 “ok”');
  });

  it('reads charset labels from headers and prologs', () => {
    expect(charsetFromContentType('text/xml; Charset = "UTF-8"')).toBe('utf-8');
    expect(charsetFromContentType('application/rss+xml')).toBeUndefined();
    expect(charsetFromContentType(undefined)).toBeUndefined();
    expect(charsetFromProlog(Buffer.from("  <?xml version='1.0' encoding='Shift_JIS' ?><x/>"))).toBe('shift_jis');
    expect(charsetFromProlog(Buffer.from('<x encoding="utf-8"/>'))).toBeUndefined();
  });
});

describe('parseFeed on legacy-encoded documents', () => {
  const title = 'Café “Grand” opens — €5 coffee, Zürich’s señor';
  const doc = (prolog: string) =>
    `${prolog}<rss version="2.0"><channel><title>${title}</title><link>https://l.example/</link>` +
    `<item><title>${title}</title><link>https://l.example/1</link><guid>l1</guid><description>Déjà “vu”</description></item></channel></rss>`;

  it('a windows-1252 RSS document declared in its prolog parses with the right title', async () => {
    const bytes = cp1252(doc('<?xml version="1.0" encoding="windows-1252"?>\n'));
    expect(bytes.includes(0x93)).toBe(true);
    const feed = await parseFeed(bytes);
    expect(feed.format).toBe('rss2');
    expect(feed.title).toBe(title);
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]!.title).toBe(title);
    expect(feed.items[0]!.contentHtml).toBe('Déjà “vu”');
  });

  it('a windows-1252 RSS document declared only by the Content-Type parses with the right title', async () => {
    const bytes = cp1252(doc(''));
    const feed = await parseFeed(bytes, 'application/rss+xml; charset=windows-1252');
    expect(feed.items[0]!.title).toBe(title);
  });
});
