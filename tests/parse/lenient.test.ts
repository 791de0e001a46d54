/**
 * The lenient reading of broken XML (src/parse/lenient.ts): what balancing the tags
 * changes and what it leaves, that a feed with mismatched or unclosed tags keeps its
 * well-formed items and says it was repaired, that it stays linear on hostile input,
 * and what it makes of the W3C validator's broken documents (read from the shared
 * corpus, not copied).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError, parseFeed } from '../../src/parse/index.js';
import { balanceTags, MAX_DEPTH } from '../../src/parse/lenient.js';
import { ROOT } from '../helpers/env.js';
import { needs, SHARED } from '../helpers/tools.js';

const parse = (xml: string | Buffer, url?: string) => parseFeed(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml, 'application/xml', url);
const balanced = (xml: string) => balanceTags(xml)?.text;
const RSS = (body: string) => `<rss version="2.0"><channel><title>Gridline</title>${body}</channel></rss>`;

describe('balanceTags', () => {
  it('leaves a well-formed document alone (nothing to report)', () => {
    expect(balanceTags('<?xml version="1.0"?>\n<!-- x --><rss version="2.0"><channel><title>a &amp; b</title><item><title><![CDATA[<b>]]></title></item></channel></rss>\n')).toBeUndefined();
  });

  it('an end tag closes the elements opened inside its element; one that closes nothing is dropped', () => {
    const text = '<?xml version="1.0"?>\n<rss><channel><item><title>A</title><description>x<b>y</description></item></rss>';
    const reading = balanceTags(text)!;
    expect(reading.text).toBe('<?xml version="1.0"?>\n<rss><channel><item><title>A</title><description>x<b>y</b></description></item></channel></rss>');
    expect(reading.notes).toEqual(['closed 2 unclosed elements (<b>, <channel>)']);
    expect(balanceTags('<feed><entry><id>1</id></entry></rights></feed>')).toEqual({ text: '<feed><entry><id>1</id></entry></feed>', notes: ['dropped 1 end tag that closed nothing (</rights>)'], items: 1 });
  });

  it('matches an end tag to an element named in another case, writing it as opened', () => {
    expect(balanced('<rss><channel><pubDate>Tue, 24 Nov 2026</pubdate></channel></rss>')).toBe('<rss><channel><pubDate>Tue, 24 Nov 2026</pubDate></channel></rss>');
  });

  it('HTML void elements and Atom-style links left open are empty; an explicitly closed one stays', () => {
    expect(balanced('<rss><channel><description>a<br>b<img src="x.png"><hr></hr></description></channel></rss>')).toBe('<rss><channel><description>a<br/>b<img src="x.png"/><hr></hr></description></channel></rss>');
    expect(balanced('<feed><entry><link href="https://a.example/1"><id>1</id></entry></feed>')).toBe('<feed><entry><link href="https://a.example/1"/><id>1</id></entry></feed>');
    // An RSS link holds its URL as text: left open, it is closed like any element.
    expect(balanced('<rss><channel><link>https://a.example/</channel></rss>')).toBe('<rss><channel><link>https://a.example/</link></channel></rss>');
  });

  it('an item or entry start tag closes the open one of the same name, but not across a foreign container', () => {
    expect(balanced('<rss><channel><item><title>A</title><description>d<item><title>B</title></item></channel></rss>')).toBe(
      '<rss><channel><item><title>A</title><description>d</description></item><item><title>B</title></item></channel></rss>',
    );
    const nested = '<feed><entry><sx:sync><sx:conflicts><entry><title>older</title></entry></sx:conflicts></sx:sync></entry></rights></feed>';
    expect(balanced(nested)).toBe(nested.replace('</rights>', ''));
  });

  it('a "<" that starts no tag is text; unquoted and valueless attributes are quoted', () => {
    const reading = balanceTags('<rss><channel><title>PUE < 1.2 at 3 < 4 sites</title><description><img src=chart.png alt="a&b" hidden></description></channel></rss>')!;
    expect(reading.text).toBe('<rss><channel><title>PUE &lt; 1.2 at 3 &lt; 4 sites</title><description><img src="chart.png" alt="a&b" hidden="hidden"/></description></channel></rss>');
    expect(reading.notes).toEqual(['read 1 HTML void element as empty', 'read 2 "<"s starting no tag as text', 'quoted the attributes of 1 tag']);
  });

  it('text cut off inside a tag, comment or CDATA section is cut before it; an item it ended inside is dropped whole', () => {
    expect(balanced(RSS('<item><title>A</title></item>').replace('</channel></rss>', '<image><url>https://a.example/logo.png</url><tit'))).toBe(
      '<rss version="2.0"><channel><title>Gridline</title><item><title>A</title></item><image><url>https://a.example/logo.png</url></image></channel></rss>',
    );
    const reading = balanceTags('<rss version="2.0"><channel><title>Gridline</title><item><title>A</title></item><item><title>B</title><link>https://a.example/b-cut')!;
    expect(reading.text).toBe('<rss version="2.0"><channel><title>Gridline</title><item><title>A</title></item></channel></rss>');
    expect(reading.notes).toEqual(['dropped the <item> the text ended inside (from character 80)', 'closed 2 unclosed elements (<channel>, <rss>)']);
    expect(balanceTags('<rss><channel><title>T</title><!-- never closed')?.notes[0]).toBe('the text ended inside a comment: cut at character 30');
    expect(balanced('<rss><channel><title>T</title><![CD')).toBe('<rss><channel><title>T</title></channel></rss>');
  });

  it('drops what follows the root element, but keeps comments and white space there', () => {
    expect(balanced('<rss><channel/></rss>\n<!-- generated -->\n<rss><channel/></rss>')).toBe('<rss><channel/></rss>\n<!-- generated -->');
    expect(balanceTags('<rss><channel/></rss> trailing junk')?.notes).toEqual(['dropped what followed the root element (from character 21)']);
  });

  it(`makes elements nested deeper than ${MAX_DEPTH} empty, keeping their content beside them`, () => {
    const reading = balanceTags(`<rss><channel>${'<div>'.repeat(MAX_DEPTH)}deep</channel></rss>`)!;
    expect(reading.text).toBe(`<rss><channel>${'<div>'.repeat(MAX_DEPTH - 2)}<div/><div/>deep${'</div>'.repeat(MAX_DEPTH - 2)}</channel></rss>`);
    expect(reading.notes).toContain(`made 2 elements nested deeper than ${MAX_DEPTH} empty`);
  });
});

describe('a feed with broken tags through parseFeed', () => {
  const fixture = readFileSync(join(ROOT, 'fixtures/lenient/broken-tags.rss'));

  it('keeps the well-formed items, drops the one cut off, and says what was repaired', async () => {
    const feed = await parse(fixture, 'http://127.0.0.1:9/broken-tags.rss');
    expect([feed.format, feed.title, feed.link]).toEqual(['rss2', 'Gridline: AI infrastructure wire', 'https://gridline.example/']);
    expect(feed.items.map((i) => [i.title, i.link, i.published])).toEqual([
      ['Helio Compute signs 400 MW power purchase agreement for its Nevada GPU campus', 'https://gridline.example/2026/11/helio-nevada-ppa', 'Tue, 24 Nov 2026 09:00:00 GMT'],
      ['Cobalt Cloud opens an H200 region in Oslo', 'https://gridline.example/2026/11/cobalt-oslo-region', 'Tue, 24 Nov 2026 07:30:00 GMT'],
      ['Northern Virginia data center vacancy falls to a record low', 'https://gridline.example/2026/11/nova-vacancy', 'Mon, 23 Nov 2026 16:00:00 GMT'],
    ]);
    expect(feed.items[1]!.contentHtml).toBe('<p>The region adds 8,000 GPUs behind a new liquid cooling loop.<br/>Capacity is sold by the hour and on one-year terms.</p>');
    expect(feed.repaired).toEqual([
      'invalid XML at line 11: Unexpected close tag',
      'dropped the <item> the text ended inside (from character 1447)',
      'closed 4 unclosed elements (<p>, <item>, <channel>, …)',
      'dropped 1 end tag that closed nothing (</div>)',
      'matched 1 end tag to an element named in another case',
      'read 1 HTML void element as empty',
    ]);
  });

  it('an unclosed channel (the W3C validator\'s example, in our words) reads as a feed without items', async () => {
    const feed = await parse('<rss version="2.0">\n<channel>\n<title>Verdant Grid newsroom</title>\n<description>Substations for AI campuses</description>\n</rss>');
    expect([feed.title, feed.items.length, feed.repaired]).toEqual(['Verdant Grid newsroom', 0, ['invalid XML at line 5: Unexpected close tag', 'closed 1 unclosed element (<channel>)']]);
  });

  it('an unclosed Atom entry is closed by the next one; both are read', async () => {
    const feed = await parse(`<feed xmlns="http://www.w3.org/2005/Atom"><title>Rackscale</title>
<entry><id>tag:r,1</id><title>Tidewater offtake</title><link href="https://rackscale.example/1">
<entry><id>tag:r,2</id><title>Fjord expansion</title></entry></feed>`);
    expect(feed.items.map((i) => [i.guid, i.title, i.link])).toEqual([
      ['tag:r,1', 'Tidewater offtake', 'https://rackscale.example/1'],
      ['tag:r,2', 'Fjord expansion', undefined],
    ]);
    expect(feed.repaired?.slice(1)).toEqual(['closed 1 unclosed element (<entry>)', 'read 1 HTML void element as empty']);
  });

  it('a reading that keeps none of the document\'s items is no reading: the strict error stands', async () => {
    // Served whole, this source would otherwise pass for an empty feed forever.
    const cut = '<?xml version="1.0"?><rss version="2.0"><channel><title>Gridline</title><item><title>Helio Compute signs a 400 MW';
    await expect(parse(cut)).rejects.toThrow(/^invalid XML: Unclosed root tag$/);
    // One complete item before the cut is worth reading.
    const feed = await parse(cut.replace('<item>', '<item><title>Cobalt opens Oslo region</title></item><item>'));
    expect(feed.items.map((i) => i.title)).toEqual(['Cobalt opens Oslo region']);
  });

  it('damage the lenient reading cannot mend keeps the strict parser\'s error', async () => {
    const err = await parse(RSS('<item><title>R&bogus;D</title><description>x<b>y</description></item>')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect((err as Error).message).toBe('invalid XML: Invalid character entity');
  });
});

describe('hostile shapes for the lenient reading', () => {
  // Each ends at once when every character is scanned a bounded number of times; a
  // rescan per tag (quadratic) would take minutes. Each is over 300,000 characters.
  const shapes: [string, string, RegExp][] = [
    ['many stray end tags', RSS('</x>'.repeat(100_000)), /dropped 100000 end tags that closed nothing \(<\/x>\)/],
    ['stray end tags under deep nesting', RSS(`${'<p>'.repeat(300)}${'</q>'.repeat(80_000)}`), /dropped 80000 end tags/],
    ['many "<" in text', RSS(`<item><title>${'a < b '.repeat(60_000)}</title></item>`), /read 60000 "<"s starting no tag as text/],
    ['unterminated attribute quotes', RSS('<a x="'.repeat(60_000)), /read 60000 "<"s starting no tag as text/],
    ['unquoted attributes without end', RSS('<a x=1 y '.repeat(40_000)), /read 40000 "<"s starting no tag as text/],
    ['items never closed', RSS('<item><title>x</title><description>d<p>'.repeat(8_000)), /closed 24000 unclosed elements/],
    ['a start tag cut off after endless attributes', `<rss version="2.0"><channel><title>t</title><a${' x=1'.repeat(80_000)}`, /ended inside a start tag/],
    ['entries nested under a foreign container', `<feed xmlns="http://www.w3.org/2005/Atom"><entry><v:x>${'<entry><title>t</title><v:y>'.repeat(12_000)}</feed>`, /nested deeper than 256/],
  ];
  for (const [name, xml, note] of shapes) {
    it(`${name}: ends at once`, async () => {
      expect(xml.length).toBeGreaterThan(300_000);
      const feed = await parse(xml);
      expect(feed.repaired?.join('\n')).toMatch(note);
    });
  }

  it('items never closed: each is read', async () => {
    const feed = await parse(RSS('<item><title>x</title><description>d<p>'.repeat(8_000)));
    expect(feed.items).toHaveLength(8_000);
  });
});

needs('corpus/w3c-feedvalidator').describe('the W3C validator\'s broken documents', () => {
  const corpus = join(SHARED, 'corpus/w3c-feedvalidator/testcases');
  const read = (path: string) => parse(readFileSync(join(corpus, path)), `http://127.0.0.1:9/${path}`);

  it('unclosed feed and channel elements and stray end tags are read, and say so', async () => {
    for (const path of ['atom/must/invalid_xml.xml', 'rss/must/invalid_xml.xml', 'atom/must/feed_copyright_is_inline.xml', 'atom/must/feed_copyright_is_inline_2.xml', 'ext/feedsync/sharing_until_rfc822.xml']) {
      const feed = await read(path);
      expect(feed.repaired?.[0], path).toMatch(/^invalid XML at line \d+: Un(expected close|closed root) tag$/);
    }
    const sharing = await read('ext/feedsync/sharing_until_rfc822.xml');
    expect([sharing.title, sharing.repaired?.slice(1)]).toEqual(['To Do List', ['dropped 1 end tag that closed nothing (</sx:sharing>)']]);
  });

  it('Atom under a prefix other than the default reads its entries', async () => {
    const feed = await read('atom/3.1.1.3/atom_namespace_prefix.xml');
    expect(feed.items.map((i) => i.guid)).toEqual(['urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a']);
  });
});
