/**
 * Media as parse reads them (src/parse/media.ts): RSS enclosures (several per
 * item), Atom enclosure links under xml:base, Media RSS content, groups and
 * thumbnails, iTunes image and duration, JSON Feed attachments; only http(s)
 * URLs, each once, at most MAX_MEDIA; an unclosed `<enclosure>` read leniently.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parse/index.js';
import { durationSeconds, MAX_MEDIA } from '../../src/parse/media.js';
import { ROOT } from '../helpers/env.js';

const fixture = (name: string, url: string) => parseFeed(readFileSync(join(ROOT, 'fixtures/media', name)), undefined, url);
const rss = (items: string, ns = '') => Buffer.from(`<?xml version="1.0"?><rss version="2.0"${ns}><channel><title>T</title><link>https://t.example/</link>${items}</channel></rss>`);
const MEDIA_NS = ' xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"';

describe('media in RSS', () => {
  it('reads every episode of a podcast: enclosure url, length and type, itunes:duration in its three forms, itunes:image', async () => {
    const feed = await fixture('podcast.rss', 'https://rackcast.example/feed.rss');
    expect(feed.items).toHaveLength(40);
    expect(feed.items.every((i) => i.enclosures?.[0]?.type === 'audio/mpeg')).toBe(true);
    const [newest] = feed.items;
    expect(newest!.enclosures).toEqual([
      { url: 'https://dts.podtrac.example/redirect.mp3/media.rackcast.example/episodes/rc040.mp3', type: 'audio/mpeg', length: 26453480, durationSeconds: 2980 },
      { url: 'https://media.rackcast.example/episodes/rc040.ogg', type: 'audio/ogg', length: 23453480 },
    ]);
    expect(newest!.images).toEqual([{ url: 'https://media.rackcast.example/art/rc040.jpg' }]);
    // 39 is written "1:04:03" (H:MM:SS), 38 as plain seconds, 40 as MM:SS.
    expect(feed.items.slice(0, 3).map((i) => i.enclosures![0]!.durationSeconds)).toEqual([2980, 2943, 2906]);
    expect(feed.items[1]!.images).toBeUndefined();
  });

  it('reads Media RSS: thumbnails first (the item’s, the group’s, the content’s), images apart from audio and video', async () => {
    const feed = await fixture('news-media.rss', 'https://northgrid.example/feed/');
    const [tromso, alta, bodo] = feed.items;
    expect(tromso!.images).toEqual([
      { url: 'https://cdn.northgrid.example/2026/11/tromso-block-b-640.jpg', width: 640, height: 360 },
      { url: 'https://cdn.northgrid.example/2026/11/tromso-block-b.jpg', type: 'image/jpeg', medium: 'image', width: 1600, height: 900 },
    ]);
    expect(tromso!.enclosures).toBeUndefined();
    expect(alta!.images).toBeUndefined();
    expect(bodo!.enclosures).toEqual([
      { url: 'https://video.northgrid.example/bodo-rack-1080.mp4', type: 'video/mp4', medium: 'video', length: 48211003, durationSeconds: 214, width: 1920, height: 1080 },
      { url: 'https://video.northgrid.example/bodo-rack-480.webm', type: 'video/webm', medium: 'video', durationSeconds: 214, width: 854, height: 480 },
    ]);
    expect(bodo!.images!.map((i) => i.url)).toEqual(['https://video.northgrid.example/bodo-rack-poster.jpg', 'https://cdn.northgrid.example/2026/11/bodo-rack-icon.png']);
  });

  it('resolves relative URLs against the item base, keeps only http(s), each URL once, at most MAX_MEDIA', async () => {
    const many = Array.from({ length: 5000 }, (_, n) => `<enclosure url="/e/${n}.mp3" length="1" type="audio/mpeg"/>`).join('');
    const feed = await parseFeed(
      rss(
        `<item xml:base="https://cdn.t.example/show/"><title>A</title>
          <enclosure url="ep1.mp3" length="0" type="Audio/MPEG; codecs=mp3"/><enclosure url="ep1.mp3" length="5" type="audio/mpeg"/>
          <enclosure url="javascript:alert(1)" length="5" type="audio/mpeg"/><enclosure url="data:audio/mpeg;base64,AAAA" type="audio/mpeg"/>
          <enclosure length="7" type="audio/mpeg"/><enclosure url="ftp://t.example/x.mp3" type="audio/mpeg"/>
          <media:thumbnail url="//img.t.example/t.jpg"/><itunes:image href="art.png"/></item>
          <item><title>B</title>${many}</item>`,
        MEDIA_NS,
      ),
      undefined,
      'https://t.example/feed.rss',
    );
    const [a, b] = feed.items;
    // length 0 is "unknown" (RSS best practice); a type's parameters go.
    expect(a!.enclosures).toEqual([{ url: 'https://cdn.t.example/show/ep1.mp3', type: 'audio/mpeg' }]);
    expect(a!.images).toEqual([{ url: 'https://img.t.example/t.jpg' }, { url: 'https://cdn.t.example/show/art.png' }]);
    expect(b!.enclosures).toHaveLength(MAX_MEDIA);
    expect(b!.enclosures![0]).toEqual({ url: 'https://t.example/e/0.mp3', type: 'audio/mpeg', length: 1 });
  });

  it('reads an <enclosure> left open, when the XML is broken, as empty, so the rest of the item survives', async () => {
    const feed = await parseFeed(
      rss(`<item><enclosure url="https://t.example/a.mp3" length="12" type="audio/mpeg"><title>GPU hall podcast</title><link>https://t.example/a</link></item><item><title>Second</title></p></item>`),
      undefined,
      'https://t.example/feed.rss',
    );
    expect(feed.repaired).toBeDefined();
    expect(feed.items.map((i) => [i.title, i.link, i.enclosures?.[0]?.url])).toEqual([
      ['GPU hall podcast', 'https://t.example/a', 'https://t.example/a.mp3'],
      ['Second', undefined, undefined],
    ]);
  });
});

describe('media in Atom and JSON Feed', () => {
  it('reads link rel="enclosure" with type, length and title, resolved against xml:base', async () => {
    const feed = await fixture('enclosures.atom', 'https://fjordcompute.example/feed.atom');
    expect(feed.items.map((i) => i.enclosures)).toEqual([
      [
        { url: 'https://fjordcompute.example/media/300mw-ppa.mp3', type: 'audio/mpeg', length: 9482231, title: 'Audio briefing (11 min)' },
        { url: 'https://fjordcompute.example/media/300mw-ppa-terms.pdf', type: 'application/pdf', length: 412004, title: 'Term sheet summary' },
      ],
      [{ url: 'https://video.fjordcompute.example/floro-hall.mp4', type: 'video/mp4' }],
    ]);
    // The alternate link is still the entry's link, not an enclosure.
    expect(feed.items[0]!.link).toBe('https://fjordcompute.example/briefings/300mw-ppa');
  });

  it('reads attachments (URL required, relative ones against the home page), then image and banner_image', async () => {
    const feed = await fixture('attachments.json', 'https://computeledger.example/audio.json');
    expect(feed.items[0]!.enclosures).toEqual([
      { url: 'https://computeledger.example/audio/118.m4a', type: 'audio/x-m4a', length: 31876002, durationSeconds: 1987, title: 'Ledger 118' },
      { url: 'https://computeledger.example/audio/118-transcript.pdf', type: 'application/pdf', length: 220114 },
    ]);
    expect(feed.items[0]!.images).toEqual([{ url: 'https://computeledger.example/art/118-cover.jpg' }, { url: 'https://computeledger.example/art/118-banner.jpg' }]);
    expect(feed.items[1]!.enclosures).toEqual([{ url: 'https://computeledger.example/audio/117.mp3', type: 'audio/mpeg', durationSeconds: 1713 }]);
  });
});

describe('durationSeconds', () => {
  it('reads seconds, MM:SS and H:MM:SS, and nothing else', () => {
    expect(['1834', '1834.4', '30:34', '0:30:34', '1:02:03', ' 45:00 ', 1712.6].map(durationSeconds)).toEqual([1834, 1834, 1834, 1834, 3723, 2700, 1713]);
    expect(['', '0', 'soon', '1:2:3:4', '-5', '12 min', -3, Number.NaN, undefined].map(durationSeconds)).toEqual(Array(9).fill(undefined));
  });
});
