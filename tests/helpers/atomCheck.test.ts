/**
 * The own Atom check, proven by mutation: a fully valid feed (every construct
 * RFC 4287 has) gives no problem, and each mutation below breaks one rule in
 * that feed; the check must report exactly the rules expected, the broken one
 * at the line of the element it is about, at its level. Every rule has one
 * mutation at least. Then the W3C Feed Validator's own Atom test cases (in
 * ../shared/corpus; skipped where absent, not under CI=true): every document
 * labelled "no error" is accepted, and at least 95% of those labelled with an
 * error are rejected (the external validator's README reports 317 of 322).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAtom, checkAtomBytes, RULES, type AtomProblem, type AtomRule } from './atomCheck.js';
import { tempDir, validateAtom } from './env.js';
import { needs, SHARED } from './tools.js';

const NOW = new Date('2026-03-05T00:00:00Z');
const check = (xml: string) => checkAtom(xml, { now: NOW });

const VALID = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:iw="https://infrawire.invalid/ns/1" xml:lang="en">
  <id>tag:infrawire.invalid,2026:feed/ai-infrastructure</id>
  <title type="text">AI infrastructure wire</title>
  <subtitle type="html">Data centers, GPUs &amp;amp; the power behind them</subtitle>
  <updated>2026-03-04T09:30:00Z</updated>
  <author><name>infrawire desk</name><uri>https://infrawire.invalid/desk</uri><email>desk@infrawire.invalid</email></author>
  <generator uri="https://infrawire.invalid/" version="0.1.0">infrawire</generator>
  <icon>https://infrawire.invalid/icon.png</icon>
  <logo>https://infrawire.invalid/logo.png</logo>
  <rights>© 2026 the infrawire contributors</rights>
  <link rel="self" type="application/atom+xml" href="https://infrawire.invalid/feeds/ai.atom"/>
  <link rel="alternate" type="text/html" href="https://infrawire.invalid/"/>
  <link rel="hub" href="https://hub.infrawire.invalid/"/>
  <category term="gpu" scheme="https://infrawire.invalid/terms" label="GPU"/>
  <iw:curation>keywords</iw:curation>
  <entry>
    <id>tag:infrawire.invalid,2026:nordlys-ppa</id>
    <title type="html">Nordlys Compute signs a 300 MW power purchase agreement for its Tromsø campus</title>
    <link href="https://grid.example/nordlys-ppa"/>
    <link rel="related" href="https://other.example/nordlys" title="Nordlys deal (Other Wire)"/>
    <link rel="enclosure" type="application/pdf" length="48213" href="https://grid.example/nordlys-ppa.pdf"/>
    <published>2026-03-03T07:15:00+01:00</published>
    <updated>2026-03-04T09:30:00Z</updated>
    <category term="power purchase agreement"/>
    <summary>The hydro contract covers the second hall, which will hold 96,000 GPUs.</summary>
    <content type="html">&lt;p&gt;Nordlys said the ten-year contract starts when the second hall opens.&lt;/p&gt;</content>
    <source>
      <id>https://grid.example/feed.xml</id>
      <title>Grid Example News</title>
      <updated>2026-03-04T08:00:00Z</updated>
      <author><name>Grid Example newsroom</name></author>
      <link rel="self" href="https://grid.example/feed.xml"/>
    </source>
  </entry>
  <entry xml:base="https://wire.example/2026/">
    <id>urn:uuid:5f0c2a8e-8d5b-4a53-9a57-0d4f5c1e7a21</id>
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Liquid cooling retrofit at <em>Halden</em> ends early</div></title>
    <link rel="alternate" type="text/html" hreflang="en" href="halden-cooling"/>
    <updated>2026-03-02T16:45:30.250-05:00</updated>
    <author><name>Ingrid Vold</name></author>
    <contributor><name>Sam Okafor</name></contributor>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>The 40 MW hall now runs rear-door heat exchangers.</p></div></content>
  </entry>
  <entry>
    <id>https://wire.example/2026/filings/permit</id>
    <title>Permit filing for a 1.2 GW campus near the substation</title>
    <updated>2026-03-01T12:00:00Z</updated>
    <summary type="text">The filing names the date of the grid connection.</summary>
    <content type="application/pdf" src="https://wire.example/2026/filings/permit.pdf"/>
  </entry>
  <entry>
    <id>tag:infrawire.invalid,2026:accelerator-chart</id>
    <title>Accelerator generations, as a chart</title>
    <updated>2026-02-28T10:00:00Z</updated>
    <summary>Each accelerator generation announced so far, by year.</summary>
    <content type="image/svg+xml"><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg></content>
  </entry>
  <entry>
    <id>tag:infrawire.invalid,2026:rack-power</id>
    <title>Rack power figures, attached</title>
    <updated>2026-02-27T10:00:00Z</updated>
    <summary>The rack densities quoted at the colocation summit.</summary>
    <content type="application/octet-stream">SW5mcmF3aXJlIHJhY2sgcG93ZXI=</content>
  </entry>
</feed>
`;

interface Mutation {
  /** What is broken, in words. */
  what: string;
  rule: AtomRule;
  level?: 'error' | 'warning';
  /** Exact replacements; each `from` must occur once in the document. */
  edit: [from: string, to: string][];
  /** The expected line: the first line of the mutated document holding this text, plus `offset`. */
  at: string;
  offset?: number;
  /** Other rules the same change breaks as a consequence. */
  also?: AtomRule[];
}

const ENTRY3_ID = '    <id>https://wire.example/2026/filings/permit</id>';
const ENTRY4_ID = '    <id>tag:infrawire.invalid,2026:accelerator-chart</id>';
const ENTRY5_ID = '    <id>tag:infrawire.invalid,2026:rack-power</id>';
const FEED_AUTHOR = '  <author><name>infrawire desk</name><uri>https://infrawire.invalid/desk</uri><email>desk@infrawire.invalid</email></author>\n';

const MUTATIONS: Mutation[] = [
  { what: 'an end tag that does not match', rule: 'well-formed', edit: [['Each accelerator generation announced so far, by year.</summary>', 'Each accelerator generation announced so far, by year.</sumary>']], at: '</sumary>' },
  { what: 'an unbound namespace prefix', rule: 'well-formed', edit: [['<iw:curation>keywords</iw:curation>', '<ix:curation>keywords</ix:curation>']], at: '<ix:curation>' },
  { what: 'the Atom 0.3 namespace', rule: 'namespace', edit: [['<feed xmlns="http://www.w3.org/2005/Atom"', '<feed xmlns="http://purl.org/atom/ns#"']], at: '<feed ' },
  { what: 'a root element that is not feed or entry', rule: 'root-element', edit: [['<feed xmlns=', '<channel xmlns='], ['</feed>', '</channel>']], at: '<channel ' },
  { what: 'atom:summary directly in the feed', rule: 'undefined-element', edit: [['  <rights>', '  <summary>Daily digest</summary>\n  <rights>']], at: '<summary>Daily digest' },
  { what: 'an atom:entry inside an entry', rule: 'undefined-element', edit: [['    <contributor><name>Sam Okafor</name></contributor>\n', '    <contributor><name>Sam Okafor</name></contributor>\n    <entry><id>urn:x:nested</id></entry>\n']], at: '<entry><id>urn:x:nested' },
  { what: 'loose text in the feed', rule: 'unexpected-text', edit: [['  <rights>', '  Curated every morning.\n  <rights>']], at: '<feed ' },
  { what: 'a child element inside atom:id', rule: 'simple-content', edit: [[ENTRY4_ID, '    <id><iw:v>tag:infrawire.invalid,2026:accelerator-chart</iw:v></id>']], at: '<id><iw:v>' },
  { what: 'an unqualified attribute RFC 4287 does not define', rule: 'undefined-attribute', edit: [['<link rel="hub" href=', '<link rel="hub" class="push" href=']], at: 'class="push"' },
  { what: 'an entry without updated', rule: 'missing-element', edit: [['    <updated>2026-03-01T12:00:00Z</updated>\n', '']], at: ENTRY3_ID, offset: -1 },
  { what: 'a feed without id', rule: 'missing-element', edit: [['  <id>tag:infrawire.invalid,2026:feed/ai-infrastructure</id>\n', '']], at: '<feed ' },
  { what: 'a contributor without name', rule: 'missing-element', edit: [['<contributor><name>Sam Okafor</name></contributor>', '<contributor><uri>https://wire.example/sam</uri></contributor>']], at: '<contributor>' },
  { what: 'a second feed title', rule: 'duplicate-element', edit: [['  <subtitle type="html">', '  <title>AI infra, again</title>\n  <subtitle type="html">']], at: '<title>AI infra, again' },
  { what: 'a second summary in an entry', rule: 'duplicate-element', edit: [['    <summary>The rack densities', '    <summary>Rack densities, again.</summary>\n    <summary>The rack densities']], at: '<summary>The rack densities' },
  { what: 'feed metadata after the entries', rule: 'misplaced-metadata', edit: [['  <rights>© 2026 the infrawire contributors</rights>\n', ''], ['</feed>', '  <rights>© 2026 the infrawire contributors</rights>\n</feed>']], at: '<rights>' },
  { what: 'no feed author, and entries without their own', rule: 'missing-author', edit: [[FEED_AUTHOR, '']], at: ENTRY3_ID, offset: -1 },
  { what: 'no author anywhere for an entry whose author was in its atom:source', rule: 'missing-author', edit: [[FEED_AUTHOR, ''], ['      <author><name>Grid Example newsroom</name></author>\n', '']], at: '<id>tag:infrawire.invalid,2026:nordlys-ppa', offset: -1 },
  { what: 'an entry with neither content nor an alternate link', rule: 'missing-alternate', edit: [['    <content type="image/svg+xml">', '    <iw:chart type="image/svg+xml">'], ['</svg></content>', '</svg></iw:chart>']], at: ENTRY4_ID, offset: -1 },
  { what: 'out-of-line content without a summary', rule: 'missing-summary', edit: [['    <summary type="text">The filing names the date of the grid connection.</summary>\n', '']], at: ENTRY3_ID, offset: -1 },
  { what: 'Base64 content without a summary', rule: 'missing-summary', edit: [['    <summary>The rack densities quoted at the colocation summit.</summary>\n', '']], at: ENTRY5_ID, offset: -1 },
  { what: 'a space instead of T', rule: 'date', edit: [['<updated>2026-03-01T12:00:00Z</updated>', '<updated>2026-03-01 12:00:00Z</updated>']], at: '2026-03-01 12:00:00Z' },
  { what: 'a date without time zone', rule: 'date', edit: [['<updated>2026-03-01T12:00:00Z</updated>', '<updated>2026-03-01T12:00:00</updated>']], at: '2026-03-01T12:00:00<' },
  { what: 'the 30th of February', rule: 'date', edit: [['<updated>2026-02-28T10:00:00Z</updated>', '<updated>2026-02-30T10:00:00Z</updated>']], at: '2026-02-30' },
  { what: 'a lower-case t', rule: 'date', edit: [['<published>2026-03-03T07:15:00+01:00</published>', '<published>2026-03-03t07:15:00+01:00</published>']], at: '<published>' },
  { what: 'white space around a date', rule: 'date', edit: [['<updated>2026-02-27T10:00:00Z</updated>', '<updated> 2026-02-27T10:00:00Z</updated>']], at: '<updated> 2026' },
  { what: 'an RFC 822 date', rule: 'date', edit: [['<updated>2026-02-27T10:00:00Z</updated>', '<updated>Fri, 27 Feb 2026 10:00:00 GMT</updated>']], at: 'Fri, 27 Feb' },
  { what: 'updated at the zero Unix time', rule: 'implausible-date', level: 'warning', edit: [['<updated>2026-02-27T10:00:00Z</updated>', '<updated>1970-01-01T00:00:00Z</updated>']], at: '1970-01-01' },
  { what: 'updated five years ahead', rule: 'implausible-date', level: 'warning', edit: [['<updated>2026-02-27T10:00:00Z</updated>', '<updated>2031-02-27T10:00:00Z</updated>']], at: '2031-02-27' },
  { what: 'a relative atom:id', rule: 'absolute-iri', edit: [[ENTRY4_ID, '    <id>accelerator-chart</id>']], at: '<id>accelerator-chart' },
  { what: 'a relative category scheme', rule: 'absolute-iri', edit: [['scheme="https://infrawire.invalid/terms"', 'scheme="terms"']], at: 'scheme="terms"' },
  { what: 'a space in an atom:id', rule: 'iri-characters', edit: [[ENTRY5_ID, '    <id>tag:infrawire.invalid,2026:rack power</id>']], at: 'rack power</id>' },
  { what: 'a space in link/@href', rule: 'iri-characters', edit: [['href="https://grid.example/nordlys-ppa"', 'href="https://grid.example/nordlys ppa"']], at: 'nordlys ppa' },
  { what: 'a brace in atom:icon', rule: 'iri-characters', edit: [['<icon>https://infrawire.invalid/icon.png</icon>', '<icon>https://infrawire.invalid/{icon}.png</icon>']], at: '<icon>' },
  { what: 'a space in atom:uri', rule: 'iri-characters', edit: [['<uri>https://infrawire.invalid/desk</uri>', '<uri>https://infrawire.invalid/news desk</uri>']], at: 'news desk' },
  { what: 'a caret in xml:base', rule: 'iri-characters', edit: [['xml:base="https://wire.example/2026/"', 'xml:base="https://wire.example/^2026/"']], at: 'xml:base=' },
  { what: 'a bare % in content/@src', rule: 'iri-characters', edit: [['src="https://wire.example/2026/filings/permit.pdf"', 'src="https://wire.example/2026/filings/100%permit.pdf"']], at: '100%permit' },
  { what: 'a quote in generator/@uri', rule: 'iri-characters', edit: [['<generator uri="https://infrawire.invalid/"', '<generator uri="https://infrawire.invalid/&quot;"']], at: '<generator' },
  { what: 'a space in atom:logo', rule: 'iri-characters', edit: [['<logo>https://infrawire.invalid/logo.png</logo>', '<logo>https://infrawire.invalid/logo 2.png</logo>']], at: '<logo>' },
  { what: 'a text construct of a MIME type', rule: 'text-type', edit: [['<title type="text">AI infrastructure wire</title>', '<title type="text/plain">AI infrastructure wire</title>']], at: 'text/plain' },
  { what: 'an html construct holding an element', rule: 'text-children', edit: [['the power behind them</subtitle>', 'the <b>power</b> behind them</subtitle>']], at: '<b>power' },
  { what: 'text content holding an element', rule: 'text-children', edit: [['<title>Accelerator generations, as a chart</title>', '<title>Accelerator generations, as a <iw:em>chart</iw:em></title>']], at: '<iw:em>' },
  { what: 'an xhtml construct without its div', rule: 'xhtml-div', edit: [['<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Liquid cooling retrofit at <em>Halden</em> ends early</div></title>', '<title type="xhtml">Liquid cooling retrofit at Halden ends early</title>']], at: '<title type="xhtml">' },
  { what: 'an xhtml div in the Atom namespace', rule: 'xhtml-div', edit: [['<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">', '<content type="xhtml"><div>']], at: '<content type="xhtml">' },
  { what: 'an element of another namespace inside the xhtml div', rule: 'xhtml-div', edit: [['<em>Halden</em>', '<em>Halden</em> <iw:site>4</iw:site>']], at: '<iw:site>' },
  { what: 'a link without href', rule: 'missing-attribute', edit: [['<link rel="hub" href="https://hub.infrawire.invalid/"/>', '<link rel="hub"/>']], at: '<link rel="hub"/>' },
  { what: 'a category without term', rule: 'missing-attribute', edit: [['<category term="power purchase agreement"/>', '<category label="power purchase agreement"/>']], at: '<category label=' },
  { what: 'a rel that is a path', rule: 'link-rel', edit: [['<link rel="related" href=', '<link rel="/related" href=']], at: 'rel="/related"' },
  { what: 'an empty rel', rule: 'link-rel', edit: [['<link rel="hub" href=', '<link rel="" href=']], at: 'rel=""' },
  { what: 'a rel no registry holds', rule: 'unregistered-rel', level: 'warning', edit: [['<link rel="hub" href=', '<link rel="service.post" href=']], at: 'service.post' },
  { what: 'a negative link length', rule: 'link-length', edit: [['length="48213"', 'length="-48213"']], at: 'length=' },
  { what: 'a second alternate link of the same type', rule: 'duplicate-alternate', edit: [['  <link rel="hub"', '  <link rel="alternate" type="text/html" href="https://infrawire.invalid/index.html"/>\n  <link rel="hub"']], at: 'index.html' },
  { what: 'a second link without rel in an entry', rule: 'duplicate-alternate', edit: [['    <link rel="related"', '    <link href="https://grid.example/nordlys-ppa?amp"/>\n    <link rel="related"']], at: 'nordlys-ppa?amp' },
  { what: 'a link type that is no media type', rule: 'media-type', edit: [['type="application/pdf" length=', 'type="pdf" length=']], at: 'type="pdf"' },
  { what: 'composite content', rule: 'media-type', edit: [['<content type="application/octet-stream">', '<content type="multipart/mixed">']], at: 'multipart/mixed' },
  { what: 'out-of-line content of type html', rule: 'content-src', edit: [['<content type="application/pdf" src=', '<content type="html" src=']], at: '<content type="html" src=' },
  { what: 'out-of-line content that is not empty', rule: 'content-src', edit: [['filings/permit.pdf"/>', 'filings/permit.pdf">The permit.</content>']], at: 'filings/permit.pdf">' },
  { what: 'out-of-line content without type', rule: 'content-src-type', level: 'warning', edit: [['<content type="application/pdf" src=', '<content src=']], at: '<content src=' },
  { what: 'SVG content with two elements', rule: 'xml-content', level: 'warning', edit: [['<rect width="10" height="10"/></svg></content>', '<rect width="10" height="10"/></svg><svg xmlns="http://www.w3.org/2000/svg"/></content>']], at: '<content type="image/svg+xml">' },
  { what: 'Base64 content that is not Base64', rule: 'base64', edit: [['SW5mcmF3aXJlIHJhY2sgcG93ZXI=', 'rack power: 120 kW!']], at: 'rack power: 120' },
  { what: 'an e-mail address with a display name', rule: 'email', edit: [['<email>desk@infrawire.invalid</email>', '<email>infrawire desk &lt;desk@infrawire.invalid&gt;</email>']], at: '<email>' },
  { what: 'an xml:lang with an underscore', rule: 'language-tag', edit: [['xml:lang="en"', 'xml:lang="en_GB"']], at: 'en_GB' },
  { what: 'an hreflang with a space', rule: 'language-tag', edit: [['hreflang="en"', 'hreflang="en gb"']], at: 'hreflang=' },
  { what: 'an entry inside atom:source', rule: 'source-content', edit: [['      <link rel="self" href="https://grid.example/feed.xml"/>\n', '      <link rel="self" href="https://grid.example/feed.xml"/>\n      <entry><id>urn:x:in-source</id></entry>\n']], at: 'urn:x:in-source' },
  { what: 'atom:source without updated', rule: 'source-metadata', level: 'warning', edit: [['      <updated>2026-03-04T08:00:00Z</updated>\n', '']], at: '<source>' },
  { what: 'atom:source without id', rule: 'source-metadata', level: 'warning', edit: [['      <id>https://grid.example/feed.xml</id>\n', '']], at: '<source>' },
  { what: 'two entries with the same id and updated', rule: 'duplicate-id', edit: [[ENTRY5_ID, ENTRY4_ID], ['<updated>2026-02-27T10:00:00Z</updated>', '<updated>2026-02-28T10:00:00Z</updated>']], at: '<title>Rack power figures', offset: -2 },
  { what: 'two versions of one entry', rule: 'duplicate-id', level: 'warning', edit: [[ENTRY5_ID, ENTRY4_ID]], at: '<title>Rack power figures', offset: -2 },
  { what: 'a feed without a self link', rule: 'self-link', level: 'warning', edit: [['  <link rel="self" type="application/atom+xml" href="https://infrawire.invalid/feeds/ai.atom"/>\n', '']], at: '<feed ' },
  { what: 'an empty summary', rule: 'not-blank', level: 'warning', edit: [['<summary>Each accelerator generation announced so far, by year.</summary>', '<summary></summary>']], at: '<summary></summary>' },
  { what: 'an empty author name', rule: 'not-blank', level: 'warning', edit: [['<name>Ingrid Vold</name>', '<name> </name>']], at: '<name> </name>' },
];

function mutate(m: Mutation): string {
  let doc = VALID;
  for (const [from, to] of m.edit) {
    expect(doc.split(from).length - 1, `"${from}" occurs once`).toBe(1);
    doc = doc.replace(from, to);
  }
  return doc;
}

function lineOf(doc: string, text: string): number {
  const index = doc.split('\n').findIndex((l) => l.includes(text));
  expect(index, `"${text}" is in the mutated document`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

const brief = (ps: AtomProblem[]) => ps.map((p) => `${p.line}: ${p.level} [${p.rule}] ${p.message}`).join('\n');

describe('the own Atom check', () => {
  it('finds no problem in the valid feed', () => {
    expect(brief(check(VALID))).toBe('');
  });

  it('has a mutation for every rule', () => {
    expect(Object.keys(RULES).filter((r) => !MUTATIONS.some((m) => m.rule === r))).toEqual([]);
  });

  for (const m of MUTATIONS) {
    it(`${m.rule}: ${m.what}`, () => {
      const doc = mutate(m);
      const problems = check(doc);
      const line = lineOf(doc, m.at) + (m.offset ?? 0);
      const found = problems.filter((p) => p.rule === m.rule && p.line === line && p.level === (m.level ?? 'error'));
      expect(found.length, `[${m.rule}] on line ${line}; found:\n${brief(problems)}`).toBeGreaterThan(0);
      expect([...new Set(problems.map((p) => p.rule))].sort(), brief(problems)).toEqual([...new Set([m.rule, ...(m.also ?? [])])].sort());
    });
  }

  it('reads the document\'s encoding: UTF-16 with a BOM, a declared ISO-8859-1, and refuses bytes that are not UTF-8', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VALID.replace('encoding="utf-8"', 'encoding="utf-16"'), 'utf16le')]);
    expect(brief(checkAtomBytes(utf16, { now: NOW }))).toBe('');
    const latin1 = Buffer.from(VALID.replace('encoding="utf-8"', 'encoding="iso-8859-1"').replace('Tromsø', 'Troms\u00f8'), 'latin1');
    expect(brief(checkAtomBytes(latin1, { now: NOW }))).toBe('');
    const broken = Buffer.from(VALID.replace('Tromsø', 'Troms\u00f8'), 'latin1');
    expect(checkAtomBytes(broken, { now: NOW })).toEqual([expect.objectContaining({ rule: 'well-formed', level: 'error', line: 1 })]);
  });

  it('accepts an Atom entry document, which needs its own author', () => {
    const entry = `<entry xmlns="http://www.w3.org/2005/Atom">
  <id>tag:infrawire.invalid,2026:one</id>
  <title>One GPU cluster, one entry</title>
  <updated>2026-03-01T00:00:00Z</updated>
  <author><name>infrawire desk</name></author>
  <link href="https://wire.example/one"/>
</entry>`;
    expect(brief(check(entry))).toBe('');
    expect(check(entry.replace('  <author><name>infrawire desk</name></author>\n', ''))).toEqual([expect.objectContaining({ rule: 'missing-author', line: 1 })]);
  });
});

describe('validateAtom', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('passes the valid feed, and fails a broken one naming the own check, the rule and the line', async () => {
    const good = join(tmp.dir, 'good.atom');
    const bad = join(tmp.dir, 'bad.atom');
    // validateAtom judges dates by the real clock: the feed's are past ones.
    writeFileSync(good, VALID);
    writeFileSync(bad, VALID.replace('    <updated>2026-03-01T12:00:00Z</updated>\n', ''));
    const ok = await validateAtom(good);
    expect(ok.code, ok.output).toBe(0);
    expect(ok.output).toContain(`own Atom check (tests/helpers/atomCheck.ts):\n${good}: valid Atom 1.0`);
    const failed = await validateAtom(bad);
    expect(failed.code).toBe(1);
    expect(failed.output).toContain(`${bad}:${lineOf(readFileSync(bad, 'utf8'), ENTRY3_ID) - 1}: ERROR [missing-element] atom:entry has no atom:updated`);
  });

  it('fails a file it cannot read, with the reason', async () => {
    const result = await validateAtom(join(tmp.dir, 'missing.atom'));
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/missing\.atom: cannot read: ENOENT/);
  });
});

const w3c = needs('corpus/w3c-feedvalidator');

w3c.describe('the own Atom check on the W3C Feed Validator\'s Atom test cases', () => {
  it('accepts every document labelled "no error" and rejects at least 95% of those labelled with an error', () => {
    const corpus = join(SHARED, 'corpus/w3c-feedvalidator');
    const rows = readFileSync(join(corpus, 'index.tsv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t'));
    const noError: string[] = [];
    const withError: string[] = [];
    for (const [path, family, , expectation, messageClass, , severity] of rows) {
      if (family !== 'atom') continue;
      if (expectation === 'absent' && messageClass === 'Error') noError.push(path!);
      if (expectation === 'present' && severity === 'Error') withError.push(path!);
    }
    const errors = (path: string) => checkAtomBytes(readFileSync(join(corpus, path)), { now: NOW }).filter((p) => p.level === 'error');
    const falseErrors = noError.map((p) => [p, brief(errors(p))]).filter(([, e]) => e);
    const missed = withError.filter((p) => !errors(p).length);
    const rejected = withError.length - missed.length;
    console.log(
      `W3C Atom test cases: ${noError.length - falseErrors.length}/${noError.length} "no error" documents accepted; ` +
        `${rejected}/${withError.length} error documents rejected (${((100 * rejected) / withError.length).toFixed(1)}%); not rejected: ${missed.join(', ')}`,
    );
    expect(noError.length).toBe(65);
    expect(withError.length).toBe(322);
    expect(falseErrors).toEqual([]);
    expect(rejected / withError.length).toBeGreaterThanOrEqual(0.95);
  });
});
