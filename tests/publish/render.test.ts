/**
 * Rendering: Atom 1.0 (own serializer, checked by the independent validator),
 * RSS 2.0 and JSON Feed 1.1, from articles built by hand, hostile text included.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomUtils, parseDocument } from 'htmlparser2';
import { afterAll, describe, expect, it } from 'vitest';
import { feedSchema } from '../../src/config/schema.js';
import { xmlSafe } from '../../src/lib/markup.js';
import { entryContentHtml, JSON_FEED_VERSION, renderFeeds, type FeedSite } from '../../src/publish/index.js';
import { tempDir, validateAtom } from '../helpers/env.js';
import { entry, hostileArticle, makeArticle } from '../helpers/articles.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const site: FeedSite = { baseUrl: 'https://wire.example', author: 'infrawire <desk>', hub: 'https://hub.example/' };
const config = feedSchema.parse({ name: 'ai-infra', title: 'AI <infra> & power', subtitle: 'Chips ]]> & "power"' });

function xml(text: string) {
  return parseDocument(text, { xmlMode: true });
}
type XmlNode = Parameters<typeof DomUtils.getElementsByTagName>[1];
function all(node: XmlNode, name: string) {
  return DomUtils.getElementsByTagName(name, node, true);
}

async function expectValidAtom(name: string, atom: string) {
  const file = join(tmp.dir, name);
  mkdirSync(tmp.dir, { recursive: true });
  writeFileSync(file, atom);
  const result = await validateAtom(file);
  expect(result.code, result.output).toBe(0);
}

describe('Atom', () => {
  const older = makeArticle(1, { updated: '2026-11-05T10:00:00.000Z' });
  const newest = makeArticle(2, {
    updated: '2026-11-20T08:30:00.000Z',
    authors: ['Ada Lovelace'],
    related: [
      { url: 'https://other.example/a', title: 'Other take', source: 'Other Outlet', published: '2026-11-19T00:00:00.000Z' },
      { url: 'https://third.example/b', title: 'Third take', source: 'Third Outlet', published: '2026-11-19T00:00:00.000Z' },
    ],
  });
  const rendered = renderFeeds(config, site, [entry(newest), entry(older)]);
  const doc = xml(rendered.atom);
  const feedEl = all(doc, 'feed')[0]!;
  const headChild = (name: string) => feedEl.children.filter((c) => 'name' in c && c.name === name) as ReturnType<typeof all>;

  it('describes the feed: id, title, subtitle, updated = newest entry change, author, generator, icon', () => {
    expect(DomUtils.textContent(headChild('id')[0]!)).toBe('tag:infrawire,2026:feed:ai-infra');
    expect(DomUtils.textContent(headChild('title')[0]!)).toBe('AI &lt;infra&gt; &amp; power');
    expect(DomUtils.textContent(headChild('subtitle')[0]!)).toContain('Chips');
    expect(DomUtils.textContent(headChild('updated')[0]!)).toBe('2026-11-20T08:30:00.000Z');
    expect(DomUtils.textContent(headChild('author')[0]!)).toBe('infrawire <desk>');
    expect(headChild('generator')[0]!.attribs).toMatchObject({ uri: expect.stringMatching(/^https:/), version: expect.any(String) });
    expect(DomUtils.textContent(headChild('icon')[0]!)).toBe('https://wire.example/icon.svg');
  });

  it('links to itself, the status page and the WebSub hub', () => {
    const links = Object.fromEntries(headChild('link').map((l) => [l.attribs.rel, l.attribs.href]));
    expect(links).toEqual({ self: 'https://wire.example/feeds/ai-infra.atom', alternate: 'https://wire.example/', hub: 'https://hub.example/' });
  });

  it('names each entry\'s original feed in atom:source and links other outlets\' reports as rel="related"', () => {
    const entries = all(doc, 'entry');
    expect(entries).toHaveLength(2);
    const source = all(entries[0]!, 'source')[0]!;
    expect(DomUtils.textContent(all(source, 'id')[0]!)).toBe('https://dcwire.example/feed.rss');
    expect(DomUtils.textContent(all(source, 'title')[0]!)).toBe('DC Wire Daily');
    expect(all(source, 'link').map((l) => [l.attribs.rel, l.attribs.href])).toEqual([
      ['self', 'https://dcwire.example/feed.rss'],
      ['alternate', 'https://dcwire.example/'],
    ]);
    const related = all(entries[0]!, 'link').filter((l) => l.attribs.rel === 'related');
    expect(related.map((l) => [l.attribs.href, l.attribs.title])).toEqual([
      ['https://other.example/a', 'Other take (Other Outlet)'],
      ['https://third.example/b', 'Third take (Third Outlet)'],
    ]);
    expect(all(entries[1]!, 'link').filter((l) => l.attribs.rel === 'related')).toHaveLength(0);
    expect(DomUtils.textContent(all(entries[0]!, 'author')[0]!)).toBe('Ada Lovelace');
    expect(DomUtils.textContent(all(entries[1]!, 'author')[0]!)).toBe('DC Wire');
  });

  it('validates with no errors or warnings', async () => {
    await expectValidAtom('plain.atom', rendered.atom);
  });

  it('renders the same bytes for the same entries', () => {
    expect(renderFeeds(config, site, [entry(newest), entry(older)])).toEqual(rendered);
  });

  it('has no hub link when no hub is configured, and an empty feed is valid, dated by its first publish', async () => {
    const empty = renderFeeds(config, { baseUrl: site.baseUrl, author: 'x' }, [], '2026-12-01T09:30:00.000Z');
    expect(empty.atom).not.toContain('rel="hub"');
    expect(empty.atom).toContain('<updated>2026-12-01T09:30:00.000Z</updated>');
    expect(empty.atom).not.toContain('1970');
    expect(empty.rss).toContain('<lastBuildDate>Tue, 01 Dec 2026 09:30:00 GMT</lastBuildDate>');
    expect(empty.rss).not.toContain('rel="hub"');
    expect(JSON.parse(empty.json).hubs).toBeUndefined();
    await expectValidAtom('empty.atom', empty.atom);
  });

  it('refuses to date an empty feed without its first publish time (never the epoch)', () => {
    expect(() => renderFeeds(config, site, [])).toThrow('feed "ai-infra" has no entries: its updated needs the time it was first published');
  });
});

describe('hostile input', () => {
  const hostile = hostileArticle();
  const rendered = renderFeeds(config, site, [entry(hostile), entry(makeArticle(3))]);

  it('stays valid Atom with no errors or warnings', async () => {
    await expectValidAtom('hostile.atom', rendered.atom);
  });

  it('never lets source markup through and drops characters XML forbids', () => {
    const doc = xml(rendered.atom);
    const first = all(doc, 'entry')[0]!;
    expect(all(first, 'script')).toHaveLength(0);
    expect(all(first, 'img')).toHaveLength(0);
    // The title is type="html": its text is escaped HTML, which shows the literal characters.
    const title = DomUtils.textContent(all(first, 'title')[0]!);
    expect(title).toContain('&lt;script&gt;');
    expect(title).not.toMatch(/[\u0001\u0008]/);
    expect(title).toContain('ünïcödé 😀');
    expect(all(first, 'link')[0]!.attribs.href).toBe('https://evil.example/a?x=1&y=%222%22&z=%3C3%3E');
    for (const text of [rendered.atom, rendered.rss, rendered.json]) expect(text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  it('keeps RSS and JSON Feed parseable', () => {
    const rss = xml(rendered.rss);
    expect(all(rss, 'item')).toHaveLength(2);
    // RSS descriptions are HTML by convention: the summary's markup arrives as text.
    const description = DomUtils.textContent(all(rss, 'description').at(-2)!);
    expect(description).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(description).not.toContain('<img');
    const json = JSON.parse(rendered.json);
    expect(json.items[0].title).toContain('<script>');
    expect(json.items[0].content_html).not.toContain('<script>');
  });
});

describe('RSS 2.0', () => {
  it('carries title, link, guid, date, self link and the hub', () => {
    const rendered = renderFeeds(config, site, [entry(makeArticle(4))]);
    const doc = xml(rendered.rss);
    const item = all(doc, 'item')[0]!;
    expect(DomUtils.textContent(all(item, 'title')[0]!)).toContain('Story 4');
    expect(DomUtils.textContent(all(item, 'link')[0]!)).toBe('https://news.example/story/4');
    expect(DomUtils.textContent(all(item, 'pubDate')[0]!)).toBe(new Date('2026-11-05T10:00:00.000Z').toUTCString());
    const atomLinks = all(doc, 'atom:link').map((l) => [l.attribs.rel, l.attribs.href]);
    expect(atomLinks).toEqual(expect.arrayContaining([['self', 'https://wire.example/feeds/ai-infra.rss'], ['hub', 'https://hub.example/']]));
  });
});

describe('JSON Feed 1.1', () => {
  const article = hostileArticle();
  const json = JSON.parse(renderFeeds(config, site, [entry(article, ['GPU cluster'])]).json);

  it('is version 1.1 with the feed fields and the hub', () => {
    expect(json).toMatchObject({
      version: JSON_FEED_VERSION,
      title: 'AI <infra> & power',
      home_page_url: 'https://wire.example/',
      feed_url: 'https://wire.example/feeds/ai-infra.json',
      icon: 'https://wire.example/icon.svg',
      authors: [{ name: 'infrawire <desk>' }],
      hubs: [{ type: 'WebSub', url: 'https://hub.example/' }],
    });
    expect(JSON_FEED_VERSION).toBe('https://jsonfeed.org/version/1.1');
  });

  it('is compact JSON with one item a line, the same for an article given whole or as stored', () => {
    const articles = [article, makeArticle(5, { bodyHtml: '<p>Body "5" ]]> \\ \t\r\n \u2028 😀</p>' })];
    const rendered = renderFeeds(config, site, articles.map((a) => entry(a))).json;
    const lines = rendered.split('\n');
    expect(lines).toHaveLength(articles.length + 3); // head, one line per item, "]}", and the final newline
    const items = lines.slice(1, -2).map((l) => JSON.parse(l.replace(/,$/, '')));
    expect(items.map((i) => i.id)).toEqual(articles.map((a) => a.id));
    // content_html (escaped by our own JSON string writer) reads back as the entry HTML.
    expect(items.map((i) => i.content_html)).toEqual(articles.map((a) => entryContentHtml(a)));
    expect(rendered).not.toMatch(/\n /);
  });

  it('carries each fact of the Article once: the item\'s own fields, and the rest in the _infrawire extension', () => {
    const item = json.items[0];
    expect(item).toMatchObject({ id: article.id, url: article.url, title: xmlSafe(article.title), summary: xmlSafe(article.summary), date_published: article.published, date_modified: article.updated, tags: ['GPU cluster'] });
    expect(item.authors).toEqual(article.authors.map((name) => ({ name: xmlSafe(name) })));
    const { id, url, title, summary, bodyHtml, authors, published, updated, keywords, enclosures, ...rest } = JSON.parse(JSON.stringify(article));
    expect(item._infrawire.article).toEqual(rest);
    expect(item._infrawire.article.faqs[0].generated).toBe(true);
    expect(item._infrawire.article.figures[0]).toMatchObject({ kind: 'money', value: 1.9e9 });
    expect(item._infrawire.article.related[0].source).toBe('Other "Outlet"');
    expect(Object.keys(item._infrawire).sort()).toEqual(['about', 'addedAt', 'article']);
  });
});
