/**
 * The article's media (src/normalize/media.ts): which image is the entry's, which
 * images are tracking pixels, and the hook a page fetch fills with og:image.
 */
import { describe, expect, it } from 'vitest';
import type { ParsedMedia } from '../../src/model/index.js';
import { articleMedia, isMeaningfulImage, isTrackingImage, MIN_IMAGE_SIDE, toArticle, withPageImage, extractPage, withPageContent } from '../../src/normalize/index.js';
import { FIRST_SEEN, item, SOURCE } from '../helpers/articles.js';

const PHOTO = 'https://cdn.news.example/2026/11/hall.jpg';

describe('tracking and meaningful images', () => {
  it('knows tracking images by a 1×1 size or a counter URL, and pictures that only look like one', () => {
    const tracking = [
      [PHOTO, '1', '1'],
      [PHOTO, '0.5', undefined],
      ['https://feeds.feedburner.com/~r/NewsExample/~4/x8s7', undefined, undefined],
      ['https://stats.wordpress.com/b.gif?v=noscript', undefined, undefined],
      ['https://pixel.wp.com/g.gif?blog=1', '6', '5'],
      ['https://www.google-analytics.com/collect?v=1&tid=UA-1', undefined, undefined],
      ['https://www.facebook.com/tr?id=11&ev=PageView', undefined, undefined],
      ['https://news.example/pixel?story=9', undefined, undefined],
      ['https://news.example/beacon.gif', undefined, undefined],
      ['https://mail.example/track/open/abc', undefined, undefined],
      ['https://news.example/matomo.php?idsite=3&rec=1', undefined, undefined],
      ['https://news.example/img/spacer.gif', undefined, undefined],
    ] as const;
    for (const [url, w, h] of tracking) expect(isTrackingImage(url, w, h), url).toBe(true);
    const pictures = [PHOTO, 'https://cdn.news.example/pixel-art-mural.jpg', 'https://cdn.news.example/tr/izmir.jpg', 'https://trackside.example/race.jpg', 'https://news.example/tracks/album.png'];
    for (const url of pictures) expect(isTrackingImage(url, '1200', '675'), url).toBe(false);
  });

  it('passes over avatars, emoji and images declared smaller than MIN_IMAGE_SIDE', () => {
    expect(isMeaningfulImage('https://secure.gravatar.com/avatar/5c1f?s=512', 512, 512)).toBe(false);
    expect(isMeaningfulImage('https://s.w.org/images/core/emoji/15.0.3/72x72/26a1.png')).toBe(false);
    expect(isMeaningfulImage(PHOTO, MIN_IMAGE_SIDE - 1, 400)).toBe(false);
    expect(isMeaningfulImage(PHOTO, '48px', undefined)).toBe(false);
    expect(isMeaningfulImage(PHOTO, MIN_IMAGE_SIDE, MIN_IMAGE_SIDE)).toBe(true);
    // No declared size, or a relative one: the picture counts.
    expect(isMeaningfulImage(PHOTO)).toBe(true);
    expect(isMeaningfulImage(PHOTO, '100%', undefined)).toBe(true);
  });
});

describe('the entry image', () => {
  const feedImages: ParsedMedia[] = [
    { url: 'https://pixel.wp.com/g.gif?blog=1' },
    { url: 'https://cdn.news.example/icon.png', width: 32, height: 32 },
    { url: PHOTO, width: 1600, height: 900 },
  ];

  it('is the first meaningful one of the feed’s candidates, with its declared size', () => {
    expect(articleMedia(undefined, feedImages, `<p><img src="https://cdn.news.example/body.jpg" /></p>`)).toEqual({ image: { url: PHOTO, width: 1600, height: 900, from: 'feed' } });
  });

  it('else the first meaningful image of the body, after avatars, icons and emoji', () => {
    const article = toArticle(
      item({
        contentHtml: `<p><img src="https://secure.gravatar.com/avatar/ab?s=96" width="96" height="96"> By the desk.</p>
          <p><img src="https://news.example/beacon.gif"><img src="/icons/share.png" width="24" height="24"> The Florø hall opens.</p>
          <p><img src="/2026/11/floro.jpg?w=1200&amp;h=675" alt="The hall" width="1200"></p>`,
      }),
      SOURCE,
      FIRST_SEEN,
    )!;
    expect(article.image).toEqual({ url: 'https://news.example/2026/11/floro.jpg?w=1200&h=675', width: 1200, from: 'body' });
    // The counter is gone from the body; the rest stays.
    expect(article.bodyHtml).not.toContain('beacon.gif');
    expect(article.bodyHtml).toContain('gravatar.com');
  });

  it('is absent, as are enclosures, when the item has neither: the stored JSON stays as it was', () => {
    const article = toArticle(item({ contentHtml: '<p>Text only, about a GPU hall.</p><img src="https://stats.wordpress.com/b.gif">' }), SOURCE, FIRST_SEEN)!;
    expect(Object.keys(article)).not.toContain('image');
    expect(Object.keys(article)).not.toContain('enclosures');
  });

  it('carries enclosures with a type named by the URL when the source gave none', () => {
    const article = toArticle(
      item({ contentHtml: '<p>Episode 12.</p>', enclosures: [{ url: 'https://cdn.news.example/ep12.mp3', length: 9000, durationSeconds: 600, title: 'Episode 12 \uD800' }, { url: 'https://cdn.news.example/file' }] }),
      SOURCE,
      FIRST_SEEN,
    )!;
    expect(article.enclosures).toEqual([
      { url: 'https://cdn.news.example/ep12.mp3', type: 'audio/mpeg', length: 9000, durationSeconds: 600, title: 'Episode 12' },
      { url: 'https://cdn.news.example/file' },
    ]);
  });
});

describe('withPageImage: the hook a page fetch fills with og:image', () => {
  const bare = toArticle(item({ contentHtml: '<p>A teaser about a GPU hall.</p>' }), SOURCE, FIRST_SEEN)!;

  it('sets the page image, resolved against the page, only when the feed and the body gave none', () => {
    expect(withPageImage(bare, '/og/hall.jpg', 'https://news.example/2026/11/hall').image).toEqual({ url: 'https://news.example/og/hall.jpg', from: 'page' });
    const withOwn = { ...bare, image: { url: PHOTO, from: 'feed' as const } };
    expect(withPageImage(withOwn, 'https://news.example/og/hall.jpg')).toBe(withOwn);
  });

  it('ignores a URL that is not http(s) or is a tracking image', () => {
    expect(withPageImage(bare, 'javascript:alert(1)')).toBe(bare);
    expect(withPageImage(bare, 'og.jpg')).toBe(bare);
    expect(withPageImage(bare, 'https://stats.wordpress.com/b.gif')).toBe(bare);
  });
});

describe('a fetched page fills the entry image', () => {
  const teaser = toArticle(item({ contentHtml: '<p>A teaser about a GPU hall…</p>' }), SOURCE, FIRST_SEEN)!;
  const page = extractPage(
    `<html><head><meta property="og:image" content="/og/hall.jpg"><link rel="canonical" href="https://news.example/2026/11/hall"></head>
     <body><article><h1>GPU hall</h1>${'<p>The operator switched on a 40 MW hall of accelerators in the port district, and it plans a second one next year.</p>'.repeat(4)}</article></body></html>`,
    'https://news.example/2026/11/hall?utm_source=rss',
  );

  it("takes the page's og:image, resolved against the page, when the feed and the body gave none", () => {
    expect(page.image).toBe('https://news.example/og/hall.jpg');
    expect(withPageContent(teaser, page, false).image).toEqual({ url: 'https://news.example/og/hall.jpg', from: 'page' });
  });

  it("keeps the feed's own image", () => {
    const own = { ...teaser, image: { url: PHOTO, from: 'feed' as const } };
    expect(withPageContent(own, page, false).image).toEqual({ url: PHOTO, from: 'feed' });
  });
});
