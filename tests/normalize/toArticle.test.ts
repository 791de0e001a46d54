import { describe, expect, it } from 'vitest';
import type { ParsedItem, SourceRef } from '../../src/model/index.js';
import { entryId, toArticle } from '../../src/normalize/index.js';

const source: SourceRef = {
  name: 'Example Wire',
  url: 'https://example.com/feed.xml',
  feedTitle: 'Example',
  feedLink: 'https://example.com/',
};
const firstSeen = new Date('2026-11-02T12:00:00Z');
const item = (over: Partial<ParsedItem> = {}): ParsedItem => ({ authors: [], categories: [], ...over });

describe('toArticle', () => {
  it('builds the full model from an RSS-like item', () => {
    const article = toArticle(
      item({
        guid: 'https://example.com/?p=42',
        link: '/2026/11/gpu-prices?utm_source=rss&p=42#comments',
        title: 'GPU prices &amp; supply',
        contentHtml:
          '<p>Prices fell&nbsp;again.</p><p>Supply is up.</p><script>track()</script>' +
          '<h3>FAQ</h3><p>Q: Why? A: More fabs.</p><p>Q: When?</p><p>A: This year.</p>',
        summaryHtml: '<p>Short: prices fell.</p>',
        published: 'Mon, 02 Nov 2026 10:00:00 +0000',
        updated: '2026-11-02T11:00:00Z',
        authors: ['jane@example.com (Jane Doe)', ' Jane Doe ', 'bob@example.com', ''],
        categories: ['GPUs', 'gpus', ' Supply &amp; demand ', ''],
      }),
      source,
      firstSeen,
    );
    expect(article).toEqual({
      id: entryId({ url: 'https://example.com/2026/11/gpu-prices?p=42', title: 'x' }, 'any'),
      url: 'https://example.com/2026/11/gpu-prices?p=42',
      guid: 'https://example.com/?p=42',
      title: 'GPU prices & supply',
      source,
      authors: ['Jane Doe', 'bob@example.com'],
      published: '2026-11-02T10:00:00.000Z',
      updated: '2026-11-02T11:00:00.000Z',
      summary: 'Short: prices fell.',
      paragraphs: ['Prices fell again.', 'Supply is up.'],
      bodyHtml: '<p>Prices fell\u00a0again.</p><p>Supply is up.</p>',
      faqs: [
        { question: 'Why?', answer: 'More fabs.' },
        { question: 'When?', answer: 'This year.' },
      ],
      categories: ['GPUs', 'Supply & demand'],
      figures: [],
      related: [],
      keywords: [],
    });
    expect(article?.id).toMatch(/^tag:infrawire,2026:[0-9a-f]{32}$/);
  });

  it('uses the body paragraphs for the summary when the summary is the body', () => {
    const body = `<p>${'word '.repeat(80)}</p><p>FAQ</p><p>Q: Hidden? A: Yes.</p>`;
    const article = toArticle(item({ title: 'T', summaryHtml: body }), source, firstSeen);
    expect(article?.summary).toBe(`${'word '.repeat(60).trim()}…`);
    expect(article?.summary).not.toContain('Hidden');
    expect(article?.faqs).toEqual([{ question: 'Hidden?', answer: 'Yes.' }]);
  });

  it('falls back to a URL guid, then to the feed link', () => {
    const byGuid = toArticle(item({ guid: 'https://example.com/posts/7', title: 'T' }), source, firstSeen);
    expect(byGuid?.url).toBe('https://example.com/posts/7');

    const noUrl = toArticle(item({ guid: 'post-7', title: 'T' }), source, firstSeen);
    expect(noUrl?.url).toBe('https://example.com/');
    // the id comes from the guid, not from the shared feed link
    expect(noUrl?.id).toBe(entryId({ guid: 'post-7', title: 'other' }, 'Example Wire'));
    const other = toArticle(item({ guid: 'post-8', title: 'T' }), source, firstSeen);
    expect(other?.id).not.toBe(noUrl?.id);
  });

  it('resolves relative links against the fetched URL when the feed has no link', () => {
    const bare: SourceRef = { name: 'Bare', url: 'https://bare.example.org/blog/feed' };
    expect(toArticle(item({ link: 'post-1', title: 'T' }), bare, firstSeen)?.url).toBe(
      'https://bare.example.org/blog/post-1',
    );
    expect(toArticle(item({ title: 'T' }), bare, firstSeen)?.url).toBe('https://bare.example.org/blog/feed');
  });

  it('borrows the title from the body when missing', () => {
    const body = `<p>${'Nvidia unveils a new rack-scale system for training. '.repeat(3)}</p>`;
    const article = toArticle(item({ title: '  ', contentHtml: body, link: 'https://example.com/a' }), source, firstSeen);
    expect(article?.title).toBe('Nvidia unveils a new rack-scale system for training.');
    const plain = toArticle(item({ contentHtml: 'Short body' }), source, firstSeen);
    expect(plain?.title).toBe('Short body');
  });

  it('skips an item with neither title nor body', () => {
    expect(toArticle(item({ link: 'https://example.com/x' }), source, firstSeen)).toBeUndefined();
    expect(toArticle(item({ title: '<b></b>', contentHtml: '<script>x</script>' }), source, firstSeen)).toBeUndefined();
  });

  it('defaults dates to firstSeen and clamps future dates', () => {
    const none = toArticle(item({ title: 'T' }), source, firstSeen);
    expect(none?.published).toBe('2026-11-02T12:00:00.000Z');
    expect(none?.updated).toBe('2026-11-02T12:00:00.000Z');
    const future = toArticle(item({ title: 'T', published: '2030-01-01T00:00:00Z' }), source, firstSeen);
    expect(future?.published).toBe('2026-11-02T12:00:00.000Z');
    const garbage = toArticle(item({ title: 'T', published: 'soon' }), source, firstSeen);
    expect(garbage?.published).toBe('2026-11-02T12:00:00.000Z');
  });

  it('gives the same id across runs for a link-less, guid-less item', () => {
    const raw = item({ title: 'Same story', published: '2026-11-01T00:00:00Z' });
    const a = toArticle(raw, source, firstSeen);
    const b = toArticle(raw, source, new Date('2026-11-05T00:00:00Z'));
    expect(a?.id).toBe(b?.id);
    const undated = item({ title: 'Undated story' });
    expect(toArticle(undated, source, firstSeen)?.id).toBe(toArticle(undated, source, new Date())?.id);
  });

  it('omits a blank guid and keeps the id stable when only tracking params differ', () => {
    const a = toArticle(item({ guid: ' ', link: 'https://example.com/a?utm_medium=feed', title: 'T' }), source, firstSeen);
    const b = toArticle(item({ link: 'https://example.com/a', title: 'T' }), source, firstSeen);
    expect(a && 'guid' in a).toBe(false);
    expect(a?.id).toBe(b?.id);
  });
});

describe('characters XML forbids in a parsed item', () => {
  it('are dropped before the title and authors are read: a title of lone surrogates is no title', () => {
    const source = { name: 'Wire', url: 'https://wire.example/feed' };
    const at = new Date('2026-12-01T10:00:00Z');
    expect(toArticle({ title: '\ud800\u0001', authors: [], categories: [] }, source, at)).toBeUndefined();
    const article = toArticle({ title: 'GPU\u0000 cloud\udfff opens', contentHtml: '<p>A GPU cloud opens in Oslo.</p>', authors: ['\ud800', 'Ana\u0007 Lind'], categories: ['\u0001'] }, source, at)!;
    expect([article.title, article.authors, article.categories]).toEqual(['GPU cloud opens', ['Ana Lind'], []]);
  });
});
