import { describe, expect, it } from 'vitest';
import { canonicalUrl, entryId } from '../../src/normalize/index.js';

describe('canonicalUrl', () => {
  it('strips tracking parameters and keeps the rest in order', () => {
    expect(
      canonicalUrl(
        'https://example.com/post?b=2&utm_source=x&UTM_Medium=y&a=1&fbclid=z&gclid=1&dclid=1&msclkid=1&mc_cid=1&mc_eid=1&_hsenc=1&_hsmi=1&igshid=1&yclid=1&ref_src=1&c=3',
      ),
    ).toBe('https://example.com/post?b=2&a=1&c=3');
  });

  it('drops the query entirely when only tracking parameters remain', () => {
    expect(canonicalUrl('https://example.com/post?utm_campaign=feed')).toBe('https://example.com/post');
  });

  it('keeps the remaining query encoding byte for byte', () => {
    expect(canonicalUrl('https://example.com/s?q=a%20b+c&flag&utm_term=x')).toBe('https://example.com/s?q=a%20b+c&flag');
  });

  it('removes the fragment, lower-cases the host and drops the default port', () => {
    expect(canonicalUrl('HTTPS://News.Example.COM:443/Path/Page#section')).toBe('https://news.example.com/Path/Page');
    expect(canonicalUrl('http://example.com:80/x')).toBe('http://example.com/x');
    expect(canonicalUrl('http://example.com:8080/x')).toBe('http://example.com:8080/x');
  });

  it('resolves relative links against the base', () => {
    expect(canonicalUrl('/2026/11/post?utm_source=rss', 'https://blog.example.com/feed.xml')).toBe(
      'https://blog.example.com/2026/11/post',
    );
    expect(canonicalUrl('../other', 'https://example.com/a/b/')).toBe('https://example.com/a/other');
    expect(canonicalUrl('//cdn.example.com/x', 'https://example.com/')).toBe('https://cdn.example.com/x');
  });

  it('rejects non-http(s) and invalid links', () => {
    expect(canonicalUrl('javascript:alert(1)')).toBeUndefined();
    expect(canonicalUrl('javascript:alert(1)', 'https://example.com/')).toBeUndefined();
    expect(canonicalUrl('mailto:a@example.com')).toBeUndefined();
    expect(canonicalUrl('ftp://example.com/file')).toBeUndefined();
    expect(canonicalUrl('not a url')).toBeUndefined();
    expect(canonicalUrl('')).toBeUndefined();
    expect(canonicalUrl('   ', 'https://example.com/')).toBeUndefined();
  });
});

describe('entryId', () => {
  const TAG = /^tag:infrawire,2026:[0-9a-f]{32}$/;

  it('is a valid tag URI without spaces', () => {
    const id = entryId({ title: 'A title with spaces & <symbols>', published: '2026-11-02T10:00:00.000Z' }, 'My Source');
    expect(id).toMatch(TAG);
    expect(id).not.toMatch(/\s/);
    expect(new URL(id).protocol).toBe('tag:');
  });

  it('is stable for the same URL with or without tracking params and fragment', () => {
    const plain = entryId({ url: 'https://example.com/post', title: 'A' }, 'src');
    const tracked = entryId({ url: 'https://Example.com/post?utm_source=rss&fbclid=1#top', title: 'B' }, 'other');
    expect(tracked).toBe(plain);
    expect(plain).toMatch(TAG);
  });

  it('differs for different URLs', () => {
    expect(entryId({ url: 'https://example.com/a', title: 'T' }, 's')).not.toBe(
      entryId({ url: 'https://example.com/b', title: 'T' }, 's'),
    );
  });

  it('prefers the URL over the guid', () => {
    expect(entryId({ url: 'https://example.com/a', guid: 'g1', title: 'T' }, 's')).toBe(
      entryId({ url: 'https://example.com/a', guid: 'g2', title: 'T' }, 's'),
    );
  });

  it('falls back to the guid scoped by source name', () => {
    const a = entryId({ guid: 'post-1', title: 'T1' }, 'src');
    expect(a).toBe(entryId({ guid: 'post-1', title: 'T2' }, 'src'));
    expect(a).not.toBe(entryId({ guid: 'post-1', title: 'T1' }, 'other-src'));
    expect(a).not.toBe(entryId({ guid: 'post-2', title: 'T1' }, 'src'));
    expect(a).toMatch(TAG);
  });

  it('falls back to title and published', () => {
    const a = entryId({ title: 'T', published: '2026-11-02T10:00:00.000Z' }, 's');
    expect(a).toBe(entryId({ title: 'T', published: '2026-11-02T10:00:00.000Z' }, 'other'));
    expect(a).not.toBe(entryId({ title: 'T', published: '2026-11-03T10:00:00.000Z' }, 's'));
    expect(a).not.toBe(entryId({ title: 'U', published: '2026-11-02T10:00:00.000Z' }, 's'));
  });

  it('ignores a URL that is not http(s)', () => {
    expect(entryId({ url: 'javascript:void(0)', guid: 'g', title: 'T' }, 's')).toBe(entryId({ guid: 'g', title: 'T' }, 's'));
  });
});
