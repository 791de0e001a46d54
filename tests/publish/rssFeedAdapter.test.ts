/**
 * What the `feed` adapter (src/publish/rssFeed.ts) assumes of `feed`, asserted so
 * that an upstream change fails here, by name, instead of changing what infrawire
 * publishes:
 * - the versions: package.json allows only `feed` 6, and 6 is installed (with
 *   xml-js 1, whose escaping renderFeeds.ts's items follow);
 * - the shape of the document `feed` writes for a channel with the marker item:
 *   one `channel` under the `rss` root, the marker its only item, the content
 *   namespace declared; the frame is that document without the marker, and the
 *   document with no entries has no item;
 * - that the frame does not depend on `feed`'s layout: the same document laid out
 *   otherwise frames to documents of the same structure;
 * - that a document not of that shape is refused with an error, and a feed whose
 *   channel cannot be framed is not published.
 * tests/publish/rssItem.test.ts holds whole published documents equal to what `feed` writes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Feed } from 'feed';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { feedSchema } from '../../src/config/index.js';
import { describeFeed, entryContentHtml, renderFeeds, rssItemXml, type FeedSite } from '../../src/publish/index.js';
import { channelOptions, CONTENT_NAMESPACE, frameAround, MARKER_TITLE, rssChannelFrame, xmlElements } from '../../src/publish/rssFeed.js';
import { ROOT } from '../helpers/env.js';
import { entry, hostileArticle, makeArticle } from '../helpers/articles.js';
import { elementsNamed, strictXml, type XmlNode } from './xmlTree.js';

const require = createRequire(import.meta.url);

const SITES: FeedSite[] = [
  { baseUrl: 'https://wire.example', author: 'infrawire' },
  { baseUrl: 'https://wire.example', author: 'infrawire <desk> & co', hub: 'https://hub.example/?a=1&b=2' },
];
const CONFIGS = [feedSchema.parse({ name: 'ai', title: 'AI' }), feedSchema.parse({ name: 'ai-infra', title: 'AI <infra> & power ]]>', subtitle: 'Chips ]]> & "power" \u0001' })];
const descriptions = SITES.flatMap((site) => CONFIGS.map((config) => describeFeed(config, site, [], '2026-12-01T09:30:00.000Z')));

/** What `feed` writes for the channel with the marker item, as the adapter asks for it. */
function marked(description: (typeof descriptions)[number]): string {
  const feed = new Feed(channelOptions(description));
  feed.addItem({ title: MARKER_TITLE, link: description.links.statusPage, date: new Date(0), content: 'x' });
  return feed.rss2();
}

/** The node without the elements named `name` anywhere below it. */
function without(node: XmlNode, name: string): XmlNode {
  return { ...node, children: node.children.filter((c) => typeof c === 'string' || c.name !== name).map((c) => (typeof c === 'string' ? c : without(c, name))) };
}

describe('feed versions', () => {
  it('package.json allows feed 6 only, and 6 is installed, with xml-js 1', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.feed).toMatch(/^\^6\.\d+\.\d+$/);
    // `feed` exports no package.json: it is read beside its main module (lib/feed.js).
    const installed = JSON.parse(readFileSync(join(dirname(require.resolve('feed')), '..', 'package.json'), 'utf8')) as { name: string; version: string };
    expect(installed).toMatchObject({ name: 'feed', version: expect.stringMatching(/^6\./) });
    const xmlJs = createRequire(require.resolve('feed'))('xml-js/package.json') as { version: string };
    expect(xmlJs.version).toMatch(/^1\./);
  });
});

describe("feed's RSS 2.0 channel, as the adapter reads it", () => {
  it('has one channel under the rss root, the marker its only item, and the content namespace', () => {
    for (const description of descriptions) {
      const doc = strictXml(marked(description));
      expect(doc.name).toBe('rss');
      expect(doc.attributes).toContainEqual(['xmlns:content', CONTENT_NAMESPACE]);
      expect(doc.children.map((c) => (typeof c === 'string' ? c : c.name))).toEqual(['channel']);
      const items = elementsNamed(doc, 'item');
      expect(items).toHaveLength(1);
      expect(elementsNamed(items[0]!, 'title')[0]!.children).toEqual([MARKER_TITLE]);
    }
  });

  it('frames to the document less the marker; the document with no entries has no item', () => {
    for (const description of descriptions) {
      const xml = marked(description);
      const { head, tail } = frameAround(xml);
      expect(strictXml(head + tail)).toEqual(without(strictXml(xml), 'item'));
      expect(head).toMatch(/>$/); // the white space before the marker goes: items bring their own
      const frame = rssChannelFrame(description);
      expect({ head: frame.head, tail: frame.tail, separator: frame.separator }).toEqual({ head, tail, separator: '' });
      expect(frame.empty).toBe(new Feed(channelOptions(description)).rss2());
      expect(elementsNamed(strictXml(frame.empty), 'item')).toEqual([]);
    }
  });

  it('does not depend on the layout: re-laid-out channels frame to documents of the same structure', () => {
    const entries = [entry(hostileArticle(), ['GPU', 'AI & <infra>']), entry(makeArticle(1))];
    const items = entries.map((e) => rssItemXml(e, entryContentHtml(e.article))).join('');
    for (const description of descriptions) {
      const xml = marked(description);
      const framed = (doc: string) => {
        const { head, tail } = frameAround(doc);
        return strictXml(head + items + tail);
      };
      const expected = framed(xml);
      expect(elementsNamed(expected, 'item')).toHaveLength(2);
      // Between tags only: no text of this channel holds "><" with white space between.
      const layouts = [xml.replace(/>[ \t\r\n]+</g, '><'), xml.replace(/>[ \t\r\n]+</g, '>\n\t<'), xml.replace(/\n/g, '\r\n').replace(/ {4}/g, '  ')];
      for (const layout of layouts) {
        expect(layout).not.toBe(xml);
        expect(framed(layout)).toEqual(expected);
      }
    }
  });
});

describe('a channel not of the shape the adapter assumes', () => {
  const xml = marked(descriptions[3]!);
  const item = xml.slice(xml.indexOf('<item>'), xml.indexOf('</item>') + '</item>'.length);
  const cases: [what: string, doc: string, error: RegExp][] = [
    ['no rss root', xml.replace(/<rss([ >])/, '<feed$1').replace('</rss>', '</feed>'), /one <rss> root/],
    ['two channels', xml.replace('</channel>', '</channel><channel><title>t</title></channel>'), /<channel> as the only child/],
    ['another item', xml.replace('</item>', `</item>${item.replace(MARKER_TITLE, 'other')}`), /only item/],
    ['the item outside the channel', xml.replace(item, '').replace('</channel>', `</channel>${item}`), /<channel> as the only child/],
    ['no marker title', xml.replace(MARKER_TITLE, 'other'), /marker title/],
    ['no content namespace', xml.replace(/ xmlns:content="[^"]*"/, ''), /xmlns:content/],
    ['text beside the marker', xml.replace('<item>', 'stray<item>'), /text inside the <channel>/],
    ['an end tag missing', xml.replace('</item>', ''), /is not closed/],
    ['end tags out of order', xml.replace('</item>', '</channel></item>'), /<item> at \d+ is not closed/],
    ['text outside the root', `${xml}stray`, /text outside the root/],
  ];
  for (const [what, doc, error] of cases) {
    it(`is refused: ${what}`, () => {
      expect(doc).not.toBe(xml);
      expect(() => frameAround(doc)).toThrow(error);
    });
  }

  afterEach(() => vi.restoreAllMocks());

  it('is not published: rendering the feed fails, naming it', () => {
    const config = feedSchema.parse({ name: 'ai', title: 'AI' });
    const site = SITES[0]!;
    vi.spyOn(Feed.prototype, 'rss2').mockReturnValue(xml.replace(/ xmlns:content="[^"]*"/, ''));
    expect(() => renderFeeds(config, site, [entry(makeArticle(1))])).toThrow(/RSS for tag:infrawire,2026:feed:ai: the feed package's channel cannot be framed: <rss> does not declare xmlns:content/);
  });

  it('the element scan keeps self-closing tags and positions', () => {
    const doc = '<a><b x="1>2"/><c>t<![CDATA[<d>]]></c></a>';
    const [a] = xmlElements(doc);
    expect(a!.children.map((c) => [c.name, doc.slice(c.start, c.end), c.text])).toEqual([
      ['b', '<b x="1>2"/>', ''],
      ['c', '<c>t<![CDATA[<d>]]></c>', 't<d>'],
    ]);
  });
});
