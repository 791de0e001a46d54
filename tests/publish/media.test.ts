/**
 * Media through a whole cycle (loopback server → fetch → parse pool → normalize →
 * store → publish): a 40-episode podcast, a news feed with Media RSS and tracking
 * pixels, Atom enclosures and a JSON Feed with attachments (fixtures/media). The
 * published Atom passes both Atom checks with no warning; RSS and JSON Feed carry
 * the same media in their own forms.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedSchema, type LoadedConfig } from '../../src/config/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import { feedEntryOf, renderFeeds } from '../../src/publish/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { ROOT, serveDir, tempDir, testConfig, validateAtom } from '../helpers/env.js';
import { entry, makeArticle } from '../helpers/articles.js';
import { elementsNamed, strictXml, type XmlNode } from './xmlTree.js';

const SOURCES: [string, string][] = [
  ['Rackcast', '/podcast.rss'],
  ['Northgrid', '/news-media.rss'],
  ['Fjord Compute', '/enclosures.atom'],
  ['Compute Ledger', '/attachments.json'],
];
const MEDIA_RSS = 'http://search.yahoo.com/mrss/';

const attr = (node: XmlNode, name: string) => node.attributes.find(([n]) => n === name)?.[1];
const child = (node: XmlNode, name: string) => node.children.filter((c): c is XmlNode => typeof c !== 'string' && c.name === name);
const textOf = (node: XmlNode) => node.children.filter((c): c is string => typeof c === 'string').join('');

interface JsonItem {
  title: string;
  image?: string;
  attachments?: { url: string; mime_type: string; title?: string; size_in_bytes?: number; duration_in_seconds?: number }[];
  _infrawire: { article: { image?: { url: string; from: string }; enclosures?: unknown[] } };
}

describe('media through a cycle, published in Atom, RSS and JSON Feed', () => {
  const tmp = tempDir();
  let config: LoadedConfig;
  let stop: () => Promise<void>;
  const file = (ext: string) => join(config.publish.dir, `ai-infrastructure${ext}`);
  let atomEntries: XmlNode[];
  let rssItems: XmlNode[];
  let jsonItems: JsonItem[];
  const atomEntry = (title: string) => atomEntries.find((e) => textOf(child(e, 'title')[0]!) === title)!;
  const rssItem = (title: string) => rssItems.find((i) => textOf(child(i, 'title')[0]!) === title)!;
  const jsonItem = (title: string) => jsonItems.find((i) => i.title === title)!;

  beforeAll(async () => {
    const served = await serveDir(join(ROOT, 'fixtures/media'));
    stop = served.stop;
    config = testConfig(tmp.dir, served.url, SOURCES, { pool: { size: 1 } });
    const store = SqliteStore.open(config.store.path);
    try {
      await runCycle(config, store, { now: () => new Date('2026-11-27T12:00:00Z') });
    } finally {
      await store.close();
    }
    atomEntries = elementsNamed(strictXml(readFileSync(file('.atom'), 'utf8')), 'entry');
    rssItems = elementsNamed(strictXml(readFileSync(file('.rss'), 'utf8')), 'item');
    jsonItems = (JSON.parse(readFileSync(file('.json'), 'utf8')) as { items: JsonItem[] }).items;
  });
  afterAll(async () => {
    await stop?.();
    tmp.cleanup();
  });

  it('publishes Atom that both Atom checks pass with no error and no warning', async () => {
    const { code, output } = await validateAtom(file('.atom'));
    expect(code, output).toBe(0);
  });

  it('keeps every podcast episode with its enclosure, size, type and itunes:duration', () => {
    const episodes = jsonItems.filter((i) => i.title.startsWith('Episode '));
    expect(episodes).toHaveLength(40);
    for (const item of episodes) {
      const n = Number(/^Episode (\d+)/.exec(item.title)![1]);
      expect(item.attachments![0]).toEqual({
        url: `https://dts.podtrac.example/redirect.mp3/media.rackcast.example/episodes/rc${String(n).padStart(3, '0')}.mp3`,
        mime_type: 'audio/mpeg',
        size_in_bytes: 18_000_000 + n * 211_337,
        duration_in_seconds: 1500 + 37 * n,
      });
      // Even episodes have their own artwork (itunes:image); the show's artwork is not an episode's.
      expect(item.image).toBe(n % 2 === 0 ? `https://media.rackcast.example/art/rc${String(n).padStart(3, '0')}.jpg` : undefined);
    }
    // One enclosure in each RSS item that has any: the 40 episodes, the news video, both Atom entries, both JSON items.
    expect(rssItems.map((i) => child(i, 'enclosure').length).filter((n) => n > 0)).toEqual(Array(40 + 1 + 2 + 2).fill(1));
  });

  it('keeps several enclosures where the format allows several, and publishes the first audio or video one in RSS', () => {
    const title = 'Episode 40: Liquid cooling, with a site engineer';
    expect(jsonItem(title).attachments!.map((a) => a.mime_type)).toEqual(['audio/mpeg', 'audio/ogg']);
    expect(child(atomEntry(title), 'link').filter((l) => attr(l, 'rel') === 'enclosure').map((l) => [attr(l, 'type'), attr(l, 'length')])).toEqual([
      ['audio/mpeg', '26453480'],
      ['audio/ogg', '23453480'],
    ]);
    const [enclosure, ...more] = child(rssItem(title), 'enclosure');
    expect(more).toEqual([]);
    expect(enclosure!.attributes).toEqual([
      ['length', '26453480'],
      ['type', 'audio/mpeg'],
      ['url', 'https://dts.podtrac.example/redirect.mp3/media.rackcast.example/episodes/rc040.mp3'],
    ]);
    // The Atom briefing has audio and a PDF: RSS gets the audio; the PDF only where several fit.
    const briefing = 'Briefing: the 300 MW power purchase agreement, explained';
    expect(child(rssItem(briefing), 'enclosure').map((e) => attr(e, 'url'))).toEqual(['https://fjordcompute.example/media/300mw-ppa.mp3']);
    expect(child(atomEntry(briefing), 'link').filter((l) => attr(l, 'rel') === 'enclosure').map((l) => [attr(l, 'href'), attr(l, 'title')])).toEqual([
      ['https://fjordcompute.example/media/300mw-ppa.mp3', 'Audio briefing (11 min)'],
      ['https://fjordcompute.example/media/300mw-ppa-terms.pdf', 'Term sheet summary'],
    ]);
  });

  it('writes an Atom enclosure length only when it is known, and RSS length 0 then', () => {
    const title = 'Walkthrough: the new accelerator hall at Florø';
    const [link] = child(atomEntry(title), 'link').filter((l) => attr(l, 'rel') === 'enclosure');
    expect(link!.attributes).toEqual([
      ['href', 'https://video.fjordcompute.example/floro-hall.mp4'],
      ['rel', 'enclosure'],
      ['type', 'video/mp4'],
    ]);
    expect(child(rssItem(title), 'enclosure')[0]!.attributes).toContainEqual(['length', '0']);
    expect(jsonItem(title).attachments).toEqual([{ url: 'https://video.fjordcompute.example/floro-hall.mp4', mime_type: 'video/mp4' }]);
  });

  it('takes the entry image from Media RSS, and publishes it as media:thumbnail and JSON Feed image', () => {
    const title = 'Tromsø GPU hall switches on its second 24 MW block';
    const url = 'https://cdn.northgrid.example/2026/11/tromso-block-b-640.jpg';
    for (const node of [atomEntry(title), rssItem(title)]) {
      const [thumbnail, ...more] = child(node, 'media:thumbnail');
      expect(more).toEqual([]);
      expect(thumbnail!.attributes).toEqual([
        ['height', '360'],
        ['url', url],
        ['width', '640'],
        ['xmlns:media', MEDIA_RSS],
      ]);
    }
    expect(jsonItem(title).image).toBe(url);
    expect(jsonItem(title)._infrawire.article.image).toEqual({ url, width: 640, height: 360, from: 'feed' });
    // A Media RSS image is the entry's picture, not an enclosure.
    expect(child(rssItem(title), 'enclosure')).toEqual([]);
    expect(jsonItem(title).attachments).toBeUndefined();
  });

  it('keeps tracking pixels out of bodies and images, and passes over avatars, emoji, icons and counters for the body image', () => {
    const atom = readFileSync(file('.atom'), 'utf8');
    expect(atom).not.toMatch(/pixel\.wp\.com|feeds\.feedburner\.com\/~r|track\/open\.gif/);
    const title = 'Utility approves a 150 MW substation for the Alta data center';
    expect(jsonItem(title)._infrawire.article.image).toEqual({ url: 'https://northgrid.example/wp-content/uploads/2026/11/alta-site.jpg', width: 1200, height: 675, from: 'body' });
    expect(attr(child(rssItem(title), 'media:thumbnail')[0]!, 'url')).toBe('https://northgrid.example/wp-content/uploads/2026/11/alta-site.jpg');
  });

  it('reads Media RSS video in a media:group as enclosures, its thumbnail as the image, and never an icon-sized image', () => {
    const title = 'Video: inside a liquid-cooled GPU rack in Bodø';
    expect(jsonItem(title).attachments).toEqual([
      { url: 'https://video.northgrid.example/bodo-rack-1080.mp4', mime_type: 'video/mp4', size_in_bytes: 48211003, duration_in_seconds: 214 },
      { url: 'https://video.northgrid.example/bodo-rack-480.webm', mime_type: 'video/webm', duration_in_seconds: 214 },
    ]);
    expect(jsonItem(title).image).toBe('https://video.northgrid.example/bodo-rack-poster.jpg');
  });

  it('reads JSON Feed attachments: relative URLs resolved, unusable ones dropped, image before banner_image', () => {
    const title = "Ledger 118: who pays for the GPU cluster's grid upgrade?";
    expect(jsonItem(title).attachments).toEqual([
      { url: 'https://computeledger.example/audio/118.m4a', mime_type: 'audio/x-m4a', title: 'Ledger 118', size_in_bytes: 31876002, duration_in_seconds: 1987 },
      { url: 'https://computeledger.example/audio/118-transcript.pdf', mime_type: 'application/pdf', size_in_bytes: 220114 },
    ]);
    expect(jsonItem(title).image).toBe('https://computeledger.example/art/118-cover.jpg');
    expect(child(atomEntry(title), 'link').filter((l) => attr(l, 'rel') === 'enclosure')).toHaveLength(2);
  });
});

describe('an article stored before media were kept', () => {
  it('loads without enclosures or image and publishes no media elements, in every format', async () => {
    const tmp = tempDir();
    const store = SqliteStore.open(join(tmp.dir, 'store.db'));
    try {
      // The JSON an older infrawire stored: no `enclosures`, no `image`.
      const old = makeArticle(7);
      await store.articles.save(old, '2026-11-20T00:00:00.000Z');
      const loaded = (await store.articles.get(old.id))!;
      expect(loaded.enclosures).toBeUndefined();
      expect(loaded.image).toBeUndefined();
      const rendered = renderFeeds(feedSchema.parse({ name: 'ai', title: 'AI' }), { baseUrl: 'https://wire.example', author: 'infrawire' }, [entry(loaded)]);
      expect(rendered.atom).not.toMatch(/enclosure|media:/);
      expect(rendered.rss).not.toMatch(/enclosure|media:/);
      expect(JSON.parse(rendered.json).items[0]).not.toHaveProperty('attachments');
      expect(JSON.parse(rendered.json).items[0]).not.toHaveProperty('image');
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });
});

describe('a story merged from several reports', () => {
  it('is published with the lead report’s media (the others are links under "Also reported by")', () => {
    const lead = makeArticle(8, { image: { url: 'https://cdn.news.example/lead.jpg', from: 'feed' }, enclosures: [{ url: 'https://cdn.news.example/lead.mp3', type: 'audio/mpeg' }] });
    const related = [{ url: 'https://other.example/story', title: 'Other take', source: 'Other', published: '2026-11-21T00:00:00.000Z' }];
    const coverage = { related: related.map((r) => ({ ...r, summary: '', figures: [] })) };
    const published = feedEntryOf({ id: lead.id, revision: 1, keywords: '["GPU"]', addedAt: '2026-11-28T00:00:00.000Z', coverage }, Buffer.from(JSON.stringify(lead)));
    expect(published.article).toMatchObject({ image: lead.image, enclosures: lead.enclosures, related });
    const rss = renderFeeds(feedSchema.parse({ name: 'ai', title: 'AI' }), { baseUrl: 'https://wire.example', author: 'infrawire' }, [published]).rss;
    expect(rss).toContain('<enclosure length="0" type="audio/mpeg" url="https://cdn.news.example/lead.mp3"/>');
    expect(rss).toContain('<media:thumbnail xmlns:media="http://search.yahoo.com/mrss/" url="https://cdn.news.example/lead.jpg"/>');
  });
});
