/**
 * The reading rules the parse stage follows where feeds differ from the spec's happy
 * path (feedparser's behaviour is the reference): inline markup in text constructs,
 * prefixed and odd-cased names, RSS without a version, feed-level authors/id/dates,
 * author strings, extra date elements, permalink guids, base64 constructs and the
 * two XML repairs. Fixtures are small documents written for these tests.
 */
import { describe, expect, it } from 'vitest';
import { toArticle } from '../../src/normalize/index.js';
import { declaredEntities, expandInternalEntities, ParseError, parseFeed } from '../../src/parse/index.js';
import { escapeInlineMarkup } from '../../src/parse/inlineMarkup.js';
import { elementNameNormalizer, feedPrefixes } from '../../src/parse/names.js';
import { personName } from '../../src/lib/people.js';
import { atomLinkHrefFromText, closeTruncatedEndTag, escapeBareAmpersands } from '../../src/parse/repair.js';

const parse = (xml: string, url?: string) => parseFeed(Buffer.from(xml, 'utf8'), 'application/xml', url);
const ATOM = 'xmlns="http://www.w3.org/2005/Atom"';

describe('inline markup in text constructs', () => {
  it('an Atom xhtml title keeps its words in order, without the wrapper div', async () => {
    const feed = await parse(`<feed ${ATOM}><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Grid <em>power</em> deals &amp; more</div></title>
<entry><id>e</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Why &lt;GPU&gt; racks <b>overheat</b> in summer</div></title>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>First <a href="/x">link</a> then text.</p><p>Second.</p></div></content></entry></feed>`);
    expect(feed.title).toBe('Grid <em>power</em> deals &amp; more');
    const item = feed.items[0]!;
    expect(item.title).toBe('Why &lt;GPU&gt; racks <b>overheat</b> in summer');
    expect(item.contentHtml).toBe('<p>First <a href="/x">link</a> then text.</p><p>Second.</p>');
  });

  it('naked markup in a title and Atom 0.3 inline XML are read as HTML (0.3 keeps its div)', async () => {
    const feed = await parse(`<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Cooling <i>news</i> daily</title>
<entry><id>e</id><title type="application/xhtml+xml" mode="xml"><div xmlns="http://www.w3.org/1999/xhtml">Chip <b>fab</b> opens</div></title></entry></feed>`);
    expect(feed.title).toBe('Cooling <i>news</i> daily');
    expect(feed.items[0]!.title).toBe('<div>Chip <b>fab</b> opens</div>');
  });

  it('an Atom 1.0 plain-text title is escaped into the HTML the model carries; Atom 0.3 and RSS titles stay as written', async () => {
    const atom = await parse(`<feed ${ATOM}><title>Q&amp;A</title><entry><id>e</id><title type="text">Why &lt;GPU&gt; racks fail</title></entry>
<entry><id>f</id><title type="html">Bold &lt;b&gt;move&lt;/b&gt;</title></entry></feed>`);
    expect([atom.title, ...atom.items.map((i) => i.title)]).toEqual(['Q&amp;A', 'Why &lt;GPU&gt; racks fail', 'Bold <b>move</b>']);
    const atom03 = await parse(`<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old &lt;b&gt;style&lt;/b&gt;</title></feed>`);
    expect(atom03.title).toBe('Old <b>style</b>');
    const rss = await parse(`<rss version="2.0"><channel><title>R</title><item><title>Loose &lt;i&gt;html&lt;/i&gt;</title></item></channel></rss>`);
    expect(rss.items[0]!.title).toBe('Loose <i>html</i>');
  });

  it('an Atom 1.0 plain-text body is text: its brackets are escaped and blank lines make paragraphs; html bodies stay HTML', async () => {
    const feed = await parse(`<feed ${ATOM}><entry><id>e</id><title>t</title>
<summary>When load &lt; 40%, racks idle</summary><content type="text">Rack A &lt;B200&gt; runs hot.

Rack B &amp; C run cool.</content></entry>
<entry><id>f</id><title>u</title><summary type="html">&lt;p&gt;Two &lt;b&gt;GW&lt;/b&gt;&lt;/p&gt;</summary><content type="text/html">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>`);
    const [plain, html] = feed.items;
    expect(plain!.summaryHtml).toBe('When load &lt; 40%, racks idle');
    expect(plain!.contentHtml).toBe('<p>Rack A &lt;B200&gt; runs hot.</p><p>Rack B &amp; C run cool.</p>');
    expect([html!.summaryHtml, html!.contentHtml]).toEqual(['<p>Two <b>GW</b></p>', '<p>Body</p>']);
    // …and the model keeps the text a subscriber should read.
    const article = toArticle(plain!, { name: 'S', url: 'http://127.0.0.1/feed' }, new Date('2026-11-28T00:00:00Z'), { generateFaqs: false });
    expect(article?.paragraphs).toEqual(['Rack A <B200> runs hot.', 'Rack B & C run cool.']);
    // RSS bodies are HTML whatever they hold.
    const rss = await parse('<rss version="2.0"><channel><title>c</title><item><title>t</title><description>&lt;b&gt;bold&lt;/b&gt;</description></item></channel></rss>');
    expect(rss.items[0]!.contentHtml).toBe('<b>bold</b>');
  });

  it('escapeInlineMarkup: CDATA inside becomes text, XHTML prefixes go, attributes like xml:base stay', () => {
    const xml = `<feed ${ATOM} xmlns:h="http://www.w3.org/1999/xhtml"><summary xml:base="https://b.example/" type="xhtml"><h:div><h:p>a<![CDATA[ <raw> ]]>b</h:p></h:div></summary></feed>`;
    expect(escapeInlineMarkup(xml, 'atom')).toBe(
      `<feed ${ATOM} xmlns:h="http://www.w3.org/1999/xhtml"><summary xml:base="https://b.example/" type="html">&lt;p&gt;a &amp;lt;raw&amp;gt; b&lt;/p&gt;</summary></feed>`,
    );
  });

  it('escapeInlineMarkup leaves text, escaped HTML and CDATA constructs untouched (same string)', () => {
    const xml = `<rss version="2.0"><channel><title>A &amp; B</title><item><title>t</title><description><![CDATA[<p>x</p>]]></description><description>&lt;p&gt;y&lt;/p&gt;</description></item></channel></rss>`;
    expect(escapeInlineMarkup(xml, 'rss')).toBe(xml);
  });

  it('an RSS description with raw child elements keeps its order', async () => {
    const feed = await parse(`<rss version="2.0"><channel><title>R</title><item><title>t</title><description><p>One <b>two</b> three</p></description></item></channel></rss>`);
    expect(feed.items[0]!.contentHtml).toBe('<p>One <b>two</b> three</p>');
  });
});

describe('element names', () => {
  it('RSS 2.0 under its own prefix reads, and atom:link does not replace the channel link', async () => {
    const feed = await parse(`<x:rss version="2.0" xmlns:x="http://backend.userland.com/rss2" xmlns:atom="http://www.w3.org/2005/Atom"><x:channel>
<x:title>Prefixed</x:title><x:link>https://p.example/</x:link><atom:link rel="self" href="https://p.example/feed"/>
<x:item><x:title>One</x:title><x:link>https://p.example/1</x:link></x:item></x:channel></x:rss>`);
    expect([feed.format, feed.title, feed.link]).toEqual(['rss2', 'Prefixed', 'https://p.example/']);
    expect(feed.items.map((i) => [i.title, i.link])).toEqual([['One', 'https://p.example/1']]);
  });

  it('RSS 1.0 without a default namespace, and Atom under a prefix', async () => {
    const rdf = await parse(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:r1="http://purl.org/rss/1.0/">
<r1:channel rdf:about="https://r.example/"><r1:title>RDF</r1:title><r1:link>https://r.example/</r1:link></r1:channel>
<r1:item rdf:about="https://r.example/a"><r1:title>Item A</r1:title><r1:link>https://r.example/a</r1:link></r1:item></rdf:RDF>`);
    expect([rdf.title, rdf.items[0]?.title]).toEqual(['RDF', 'Item A']);
    const atom = await parse(`<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>Pre</a:title><a:entry><a:id>x</a:id><a:title>E</a:title></a:entry></a:feed>`);
    expect([atom.format, atom.title, atom.items[0]?.title, atom.items[0]?.guid]).toEqual(['atom', 'Pre', 'E', 'x']);
  });

  it('a prefix bound to the feed vocabulary below the root is that vocabulary, whatever its letters', async () => {
    // Atom entries under a prefix declared on the entry itself, in a default-namespace feed.
    const atom = await parse(`<feed ${ATOM}><title>Rackscale</title>
<r:entry xmlns:r="http://www.w3.org/2005/Atom"><r:id>tag:r,2026:1</r:id><r:title>Fjord GPU Cloud doubles its Bergen cluster</r:title>
<r:link href="https://rackscale.example/fjord"/></r:entry>
<entry><id>tag:r,2026:2</id><title>Plain entry</title><q:summary xmlns:q="http://www.w3.org/2005/Atom">Under its own prefix</q:summary></entry></feed>`);
    expect(atom.items.map((i) => [i.guid, i.title, i.link, i.summaryHtml])).toEqual([
      ['tag:r,2026:1', 'Fjord GPU Cloud doubles its Bergen cluster', 'https://rackscale.example/fjord', undefined],
      ['tag:r,2026:2', 'Plain entry', undefined, 'Under its own prefix'],
    ]);
    // RSS 1.0 items in the RSS 1.0 namespace under a prefix declared on each item.
    const rdf = await parse(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://grid.example/"><title>Grid</title><link>https://grid.example/</link></channel>
<g:item xmlns:g="http://purl.org/rss/1.0/" rdf:about="https://grid.example/a"><g:title>Substation approved</g:title><g:link>https://grid.example/a</g:link></g:item></rdf:RDF>`);
    expect(rdf.items.map((i) => [i.title, i.link])).toEqual([['Substation approved', 'https://grid.example/a']]);
    // RSS 2.0 items under a prefix bound to the RSS 2.0 namespace on the channel.
    const rss = await parse(`<rss version="2.0"><channel xmlns:u="http://backend.userland.com/rss2"><title>R</title><u:item><u:title>Prefixed item</u:title></u:item></channel></rss>`);
    expect(rss.items.map((i) => i.title)).toEqual(['Prefixed item']);
  });

  it('a prefix the document also binds to another namespace stays foreign below the root', async () => {
    const names = feedPrefixes(`<feed ${ATOM} xmlns:a="http://www.w3.org/2005/Atom"><entry xmlns:x="http://www.w3.org/2005/Atom"/><y xmlns:x="urn:other"/><z xmlns:b="urn:other"/></feed>`);
    expect([...names].sort()).toEqual(['a']);
    const feed = await parse(`<feed ${ATOM}><entry><id>e</id><title>Own title</title>
<x:meta xmlns:x="urn:vendor"><x:title>Vendor title</x:title></x:meta></entry><x:entry xmlns:x="http://www.w3.org/2005/Atom"><x:id>f</x:id></x:entry></feed>`);
    // x is bound both ways: its elements are not read as Atom (a vendor title never replaces the entry's).
    expect(feed.items.map((i) => [i.guid, i.title])).toEqual([['e', 'Own title']]);
  });

  it('core names match whatever their case; other names and foreign prefixes stay', () => {
    const normalize = elementNameNormalizer(feedPrefixes('<?xml version="1.0"?><r:rss xmlns:r="urn:any" xmlns:dc="http://purl.org/dc/elements/1.1/">'));
    expect(['r:rss', 'TiTlE', 'PUBDATE', 'dc:creator', 'Bogus', 'r:Item'].map(normalize)).toEqual(['rss', 'title', 'pubDate', 'dc:creator', 'Bogus', 'item']);
    expect([...feedPrefixes('<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">')]).toEqual([]);
  });

  it('RSS without a version attribute is read as RSS 2.0', async () => {
    const feed = await parse('<rss><channel><TITLE>No version</TITLE><item><title>i</title></item></channel></rss>');
    expect([feed.format, feed.title, feed.items[0]?.title]).toEqual(['rss2', 'No version', 'i']);
  });

  it('a CDF channel reads as RSS: HREF is the link, LASTMOD the last change, ABSTRACT the description', async () => {
    const feed = await parse(`<?xml version="1.0"?>
<CHANNEL HREF="https://cdf.example/" LASTMOD="2026-02-03T04:05:06Z"><TITLE>Old push channel</TITLE>
<ITEM HREF="https://cdf.example/story" LASTMOD="2026-02-02T00:00:00Z"><TITLE>Story</TITLE><ABSTRACT>What happened</ABSTRACT></ITEM></CHANNEL>`);
    expect([feed.format, feed.title, feed.link, feed.updated]).toEqual(['cdf', 'Old push channel', 'https://cdf.example/', '2026-02-03T04:05:06Z']);
    expect(feed.items.map((i) => [i.title, i.link, i.updated, i.contentHtml])).toEqual([['Story', 'https://cdf.example/story', '2026-02-02T00:00:00Z', 'What happened']]);
  });

  it('RSS without a channel is "not a feed", said plainly', async () => {
    await expect(parse('<rss version="2.0"><redirect/></rss>')).rejects.toThrow(/^not a feed: the RSS document has no <channel> element$/);
    await expect(parse('<rss version="2.0"><redirect/></rss>')).rejects.toBeInstanceOf(ParseError);
  });
});

describe('people, dates and links', () => {
  it('personName reads the author string forms', () => {
    expect(personName('Ada Byron (ada@example.com)')).toBe('Ada Byron');
    expect(personName('ada@example.com (Ada Byron)')).toBe('Ada Byron');
    expect(personName('Ada Byron <mailto:ada@example.com>')).toBe('Ada Byron');
    expect(personName('  ada@example.com ')).toBe('ada@example.com');
    expect(personName('The  Grid Desk')).toBe('The Grid Desk');
    expect(personName('  ')).toBeUndefined();
  });

  it('reads an Atom feed id, authors and dates; entries without authors take the feed\'s', async () => {
    const feed = await parse(`<feed ${ATOM}><id>urn:feed:1</id><title>F</title><updated>2026-03-02T10:00:00Z</updated>
<author><name>Desk One</name><email>desk@example.com</email></author><author><email>only@example.com</email></author>
<entry><id>a</id><title>A</title></entry><entry><id>b</id><title>B</title><author><name>Own</name></author></entry></feed>`);
    expect([feed.id, feed.authors, feed.updated, feed.published]).toEqual(['urn:feed:1', ['Desk One', 'only@example.com'], '2026-03-02T10:00:00Z', undefined]);
    expect(feed.items.map((i) => i.authors)).toEqual([['Desk One', 'only@example.com'], ['Own']]);
  });

  it('reads RSS channel authors and dates; items never take the channel\'s editor', async () => {
    const feed = await parse(`<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>R</title>
<managingEditor>ed@example.com (Eda Editor)</managingEditor><dc:creator>Crea Tor</dc:creator>
<pubDate>Mon, 02 Mar 2026 08:00:00 GMT</pubDate><lastBuildDate>Tue, 03 Mar 2026 08:00:00 GMT</lastBuildDate>
<item><title>i</title><dc:author>Dee Author</dc:author><itunes:author>Pod Caster</itunes:author><author>x@example.com (Ex Ample)</author>
<dcterms:issued>2026-03-01T00:00:00Z</dcterms:issued><dcterms:modified>2026-03-04T00:00:00Z</dcterms:modified></item>
<item><title>j</title><dcterms:created>2026-02-01T00:00:00Z</dcterms:created></item></channel></rss>`);
    expect([feed.authors, feed.published, feed.updated]).toEqual([['Crea Tor', 'Eda Editor'], 'Mon, 02 Mar 2026 08:00:00 GMT', 'Tue, 03 Mar 2026 08:00:00 GMT']);
    expect(feed.items.map((i) => [i.authors, i.published, i.updated])).toEqual([
      [['Ex Ample', 'Dee Author', 'Pod Caster'], '2026-03-01T00:00:00Z', '2026-03-04T00:00:00Z'],
      [[], '2026-02-01T00:00:00Z', undefined],
    ]);
  });

  it('a channel dc:date is its last change; an Atom 0.3 created dates an entry without issued; repeated dates: the last wins', async () => {
    const rss = await parse(`<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>R</title><dc:date>2026-01-05T00:00:00Z</dc:date></channel></rss>`);
    expect([rss.published, rss.updated]).toEqual([undefined, '2026-01-05T00:00:00Z']);
    const atom = await parse(`<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>A</title>
<entry><id>e</id><title>t</title><created>2026-01-01T00:00:00Z</created><modified>2026-01-09T00:00:00Z</modified></entry>
<entry><id>f</id><title>u</title><updated>2026-01-02T00:00:00Z</updated><updated>2026-01-03T00:00:00Z</updated></entry></feed>`);
    expect(atom.items.map((i) => [i.published, i.updated])).toEqual([
      ['2026-01-01T00:00:00Z', '2026-01-09T00:00:00Z'],
      ['2026-01-03T00:00:00Z', '2026-01-03T00:00:00Z'],
    ]);
  });

  it('xml:base on the RSS root, channel, item and content:encoded resolves links and bodies as in Atom', async () => {
    const feed = await parse(`<rss version="2.0" xml:base="https://powerline.example/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel xml:base="news/"><title>Powerline</title><link>./</link>
<item xml:base="2026/11/"><title>Basalt gas plant</title><link>basalt-texas-plant</link><description>&lt;a href="more"&gt;m&lt;/a&gt;</description></item>
<item><title>Kitewing solar</title><link>kitewing</link><content:encoded xml:base="https://media.powerline.example/charts/">&lt;img src="out.png"&gt;</content:encoded></item>
</channel></rss>`, 'http://127.0.0.1:9/feeds/powerline.rss');
    expect(feed.link).toBe('https://powerline.example/news/');
    expect(feed.items.map((i) => [i.link, i.baseUrl])).toEqual([
      ['https://powerline.example/news/2026/11/basalt-texas-plant', 'https://powerline.example/news/2026/11/'],
      ['https://powerline.example/news/kitewing', 'https://media.powerline.example/charts/'],
    ]);
    const article = toArticle(feed.items[1]!, { name: 'Powerline', url: 'http://127.0.0.1:9/feeds/powerline.rss' }, new Date('2026-11-28T00:00:00Z'), { generateFaqs: false });
    expect(article?.bodyHtml).toContain('src="https://media.powerline.example/charts/out.png"');
  });

  it('RSS 1.0 items take the root\'s xml:base, not the channel\'s (they are the root\'s children)', async () => {
    const feed = await parse(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xml:base="https://chips.example/">
<channel rdf:about="c" xml:base="channel/"><title>Chips</title><link>home</link></channel>
<item rdf:about="i" xml:base="2026/"><title>Fab news</title><link>fab</link></item></rdf:RDF>`, 'http://127.0.0.1:9/chips.rdf');
    expect([feed.link, feed.items[0]?.link, feed.items[0]?.baseUrl]).toEqual(['https://chips.example/channel/home', 'https://chips.example/2026/fab', 'https://chips.example/2026/']);
  });

  it('an RSS item without a link takes a permalink guid, never a guid marked isPermaLink="false" or a non-URL', async () => {
    const feed = await parse(`<rss version="2.0"><channel><title>R</title>
<item><title>a</title><guid>https://g.example/a</guid></item>
<item><title>b</title><guid isPermaLink="false">https://g.example/b</guid></item>
<item><title>c</title><guid>c-123</guid></item>
<item><title>d</title><link>https://g.example/own</link><guid>https://g.example/d</guid></item></channel></rss>`);
    expect(feed.items.map((i) => i.link)).toEqual(['https://g.example/a', undefined, undefined, 'https://g.example/own']);
  });

  it('keeps feedburner:origLink beside a feedproxy link, in RSS and Atom; toArticle publishes it and keeps the id of the link', async () => {
    const FB = 'xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"';
    const rss = await parse(`<rss version="2.0" ${FB}><channel><title>Infra Blog</title>
<item><title>CoreWeave raises $7 billion in debt</title><link>http://feedproxy.google.com/~r/InfraBlog/~3/aBcD123xyz/</link>
<feedburner:origLink>https://infrablog.example.com/2026/11/coreweave-raises-7-billion.html</feedburner:origLink></item>
<item><title>No feed service</title><link>https://infrablog.example.com/2026/11/plain.html</link></item></channel></rss>`);
    expect(rss.items.map((i) => [i.link, i.origLink])).toEqual([
      ['http://feedproxy.google.com/~r/InfraBlog/~3/aBcD123xyz/', 'https://infrablog.example.com/2026/11/coreweave-raises-7-billion.html'],
      ['https://infrablog.example.com/2026/11/plain.html', undefined],
    ]);
    const atom = await parse(`<feed ${ATOM} ${FB}><title>Infra Blog</title><entry><id>tag:infrablog.example.com,2026:7</id><title>Lambda adds 400 MW</title>
<link rel="alternate" href="http://feedproxy.google.com/~r/InfraBlog/~3/ZyX987/"/><feedburner:origLink>/2026/11/lambda-400-mw.html</feedburner:origLink></entry></feed>`, 'https://infrablog.example.com/feed.atom');
    expect(atom.items[0]?.origLink).toBe('https://infrablog.example.com/2026/11/lambda-400-mw.html');
    const source = { name: 'Infra Blog', url: 'https://infrablog.example.com/feed' };
    const article = toArticle(rss.items[0]!, source, new Date('2026-11-20T12:00:00Z'))!;
    expect(article.url).toBe('https://infrablog.example.com/2026/11/coreweave-raises-7-billion.html');
    expect(article.id).toBe(toArticle({ ...rss.items[0]!, origLink: undefined }, source, new Date('2026-11-20T12:00:00Z'))!.id);
  });

  it('decodes an Atom 1.0 title whose type is a binary media type (base64); media:title stands in for a missing title only', async () => {
    const b64 = Buffer.from('Rack <b>density</b>', 'utf8').toString('base64');
    const atom = await parse(`<feed ${ATOM}><entry><id>e</id><title type="application/octet-stream">${b64}</title></entry><entry><id>f</id><title type="text/plain">As is</title></entry></feed>`);
    expect(atom.items.map((i) => i.title)).toEqual(['Rack <b>density</b>', 'As is']);
    const rss = await parse(`<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>R</title>
<item><media:title>Media only</media:title></item><item><media:title>Media</media:title><title>Own</title></item></channel></rss>`);
    expect(rss.items.map((i) => i.title)).toEqual(['Media only', 'Own']);
  });
});

describe('JSON Feed versions', () => {
  const json = (version: unknown) => parseFeed(Buffer.from(JSON.stringify({ version, title: 'Compute Ledger', items: [{ id: '1', title: 'B300 instances at $4.20 an hour' }] })), 'application/json');

  it('reads a version given as the bare number, as some publishers write it', async () => {
    for (const version of ['1.1', '1.0', '1', 1, 1.1, 'https://jsonfeed.org/version/1.1', 'https://jsonfeed.org/version/1']) {
      const feed = await json(version);
      expect([feed.format, feed.items[0]?.title], String(version)).toEqual(['json', 'B300 instances at $4.20 an hour']);
    }
  });

  it('still refuses other versions', async () => {
    for (const version of ['2', '1.2', '11', 'https://jsonfeed.org/version/2', null]) await expect(json(version), String(version)).rejects.toThrow(/^not a feed/);
  });
});

describe('XML repairs', () => {
  it('closeTruncatedEndTag completes a final end tag cut before its ">", nothing else', () => {
    expect(closeTruncatedEndTag('<rss><channel/></rss\n')).toBe('<rss><channel/></rss>');
    expect(closeTruncatedEndTag('<rss><channel/></rss>')).toBe('<rss><channel/></rss>');
    expect(closeTruncatedEndTag('<rss><channel/></rs s')).toBe('<rss><channel/></rs s');
  });

  it('escapeBareAmpersands escapes only ampersands that start no reference, outside CDATA and comments', () => {
    const xml = '<a href="?x=1&y=2">R&D &amp; &#38; &#x26; &eacute;<![CDATA[a&b]]><!-- c&d --></a>';
    expect(escapeBareAmpersands(xml)).toBe('<a href="?x=1&amp;y=2">R&amp;D &amp; &#38; &#x26; &eacute;<![CDATA[a&b]]><!-- c&d --></a>');
    // Nothing to escape (only references, and `&` inside CDATA, comments, a PI): unchanged.
    const clean = `<rss>${'<item><description><![CDATA[R&D <b>x</b>]]></description><title>A &amp; B &#38;</title><!-- a&b --><?pi x&y?></item>'.repeat(50)}</rss>`;
    expect(escapeBareAmpersands(clean)).toBe(clean);
    // Bare ampersands after many sections are still found, and a later call starts from the beginning again.
    expect(escapeBareAmpersands(`${clean}<x>R&D</x>`)).toBe(`${clean}<x>R&amp;D</x>`);
    expect(escapeBareAmpersands('<x>a&b</x>')).toBe('<x>a&amp;b</x>');
  });

  it('atomLinkHrefFromText gives an attribute-less Atom link its text as href; other links stay', async () => {
    expect(atomLinkHrefFromText('<link> https://a.example/?q="x" </link><a:link>https://b.example/</a:link><link rel="self" href="s"/><media:link>m</media:link><![CDATA[<link>c</link>]]>', new Set(['a']))).toBe(
      '<link href="https://a.example/?q=&quot;x&quot;"/><a:link href="https://b.example/"/><link rel="self" href="s"/><media:link>m</media:link><![CDATA[<link>c</link>]]>',
    );
    const feed = await parse(`<feed ${ATOM}><title>A</title><link>https://a.example/</link><entry><id>e</id><title>t</title><link>https://a.example/1</link></entry></feed>`);
    expect([feed.link, feed.items[0]?.link]).toEqual(['https://a.example/', 'https://a.example/1']);
  });

  it('a document with a cut final tag and bare ampersands parses', async () => {
    const feed = await parse('<rss version="2.0"><channel><title>R&D</title><link>https://a.example/?p=1&q=2</link></channel></rss');
    expect([feed.title, feed.link]).toEqual(['R&D', 'https://a.example/?p=1&q=2']);
  });
});

describe('hostile shapes for the pre-parse passes', () => {
  // Each would take minutes if a pass rescanned the rest of the document per opener
  // (quadratic); linear passes end at once. The strict parse fails, and the lenient
  // reading (lenient.ts) keeps what comes before the damage, saying what it did.
  const shapes: [string, string, RegExp][] = [
    ['unclosed comments after an ampersand', `<rss version="2.0"><channel><title>&</title>${'<!--'.repeat(100_000)}`, /ended inside a comment/],
    ['unclosed CDATA sections', `<rss version="2.0"><channel><title>&</title>${'<![CDATA['.repeat(50_000)}`, /ended inside a CDATA section/],
    ['unclosed processing instructions', `<rss version="2.0"><channel><title>&</title>${'<?'.repeat(200_000)}`, /ended inside a processing instruction/],
    ['nested unclosed titles with markup', `<feed ${ATOM}>${'<title><b>'.repeat(40_000)}`, /made 79745 elements nested deeper than 256 empty/],
    ['a title start tag with endless attributes', `<feed ${ATOM}><title${' a="1"'.repeat(60_000)}`, /ended inside a start tag/],
  ];
  for (const [name, xml, note] of shapes) {
    it(`${name}: ends at once, read leniently up to the damage`, async () => {
      expect(xml.length).toBeGreaterThan(300_000);
      const feed = await parse(xml);
      expect(feed.items).toEqual([]);
      expect(feed.repaired?.[0]).toMatch(/^invalid XML at line 1: /);
      expect(feed.repaired?.join('\n')).toMatch(note);
    });
  }
});

describe('entities declared in the internal DTD subset', () => {
  it('are expanded (values may use earlier ones), CDATA stays literal, undeclared HTML entities still work', async () => {
    const xml = `<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY site "tag:grid.example,">
  <!ENTITY post "&site;2026:">
  <!ENTITY % param "ignored">
]>
<rss version="2.0"><channel><title>Caf&eacute; &amp; grid</title>
<item><title>t</title><guid isPermaLink="false">&post;42</guid><description><![CDATA[&site; stays]]></description></item></channel></rss>`;
    const feed = await parse(xml);
    expect(feed.title).toBe('Café & grid');
    expect(feed.items[0]).toMatchObject({ guid: 'tag:grid.example,2026:42', contentHtml: '&site; stays' });
    expect([...declaredEntities(xml)]).toEqual([['site', 'tag:grid.example,'], ['post', '&site;2026:']]);
    expect(expandInternalEntities('<rss><channel/></rss>')).toBe('<rss><channel/></rss>');
  });

  it('an entity bomb is a ParseError, not a memory blow-up', async () => {
    const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
    const bomb = `<!DOCTYPE rss [<!ENTITY l0 "lol">${levels}]><rss version="2.0"><channel><title>&l9;</title></channel></rss>`;
    await expect(parse(bomb)).rejects.toThrow(/^invalid XML: entity "l\d" grows by more than 64 KiB/);
    const wide = `<!DOCTYPE rss [<!ENTITY k "${'k'.repeat(60_000)}">]><rss version="2.0"><channel><title>${'&k;'.repeat(100)}</title></channel></rss>`;
    await expect(parse(wide)).rejects.toThrow(/^invalid XML: the document grows by more than 4096 KiB/);
  });
});
