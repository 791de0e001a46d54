import { describe, expect, it } from 'vitest';
import { canonicalUrl, entryId, identityUrl } from '../../src/normalize/index.js';

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

describe('canonicalUrl: tracking parameters from the maintained rules', () => {
  it('drops heise\'s Webtrekk campaign id', () => {
    expect(canonicalUrl('https://www.heise.de/news/Strombedarf-der-Rechenzentren-verdoppelt-sich-bis-2030-10098765.html?wt_mc=rss.red.ho.ho.rdf.beitrag.beitrag')).toBe(
      'https://www.heise.de/news/Strombedarf-der-Rechenzentren-verdoppelt-sich-bis-2030-10098765.html',
    );
  });

  it('drops Medium\'s feed marker on medium.com and on a publication\'s own domain, and only that value of `source`', () => {
    expect(canonicalUrl('https://medium.com/inference-at-scale/serving-llama-on-2000-h100s-3f1a2b4c5d6e?source=rss----5517fd7b58a6---4')).toBe(
      'https://medium.com/inference-at-scale/serving-llama-on-2000-h100s-3f1a2b4c5d6e',
    );
    expect(canonicalUrl('https://pub.inferencenotes.example/why-inference-clusters-need-liquid-cooling-8e7d6c5b4a3f?source=rss----98111c9905da---4')).toBe(
      'https://pub.inferencenotes.example/why-inference-clusters-need-liquid-cooling-8e7d6c5b4a3f',
    );
    expect(canonicalUrl('https://data.gridpost.example/queue?source=pjm&year=2026')).toBe('https://data.gridpost.example/queue?source=pjm&year=2026');
  });

  it('drops utm_*, fbclid and the campaign parameters only the maintained list knows, keeping the query that selects the article', () => {
    expect(canonicalUrl('https://blog.kestrelcloud.example/?p=123&utm_source=rss&utm_medium=rss&mtm_campaign=feed&fbclid=IwAR0xYz')).toBe(
      'https://blog.kestrelcloud.example/?p=123',
    );
    expect(canonicalUrl('https://news.gridpost.example/story?id=42&hsa_cam=991&elqTrackId=abc&utm_campaign=nov')).toBe('https://news.gridpost.example/story?id=42');
    expect(canonicalUrl('https://news.gridpost.example/story?id=42')).toBe('https://news.gridpost.example/story?id=42');
    expect(canonicalUrl('https://blog.kestrelcloud.example/?p=123')).toBe('https://blog.kestrelcloud.example/?p=123');
  });
});

describe('canonicalUrl: redirect wrappers', () => {
  it('unwraps a star wrapper', () => {
    expect(canonicalUrl('https://redir.example/click/8842*https://www.nextplatform.com/2026/11/18/amd-mi400-ships/')).toBe(
      'https://www.nextplatform.com/2026/11/18/amd-mi400-ships/',
    );
    expect(canonicalUrl('https://redir.example/t/8842*https%3A%2F%2Fwww.nextplatform.com%2F2026%2F11%2F18%2Famd-mi400-ships%2F')).toBe(
      'https://www.nextplatform.com/2026/11/18/amd-mi400-ships/',
    );
  });

  it('unwraps url?q=, out?url= and redirect?url= endpoints, then cleans the target', () => {
    expect(canonicalUrl('https://www.google.com/url?q=https://newsletter.semianalysis.example/p/gb300-supply&sa=D&ust=1763600000000')).toBe(
      'https://newsletter.semianalysis.example/p/gb300-supply',
    );
    expect(canonicalUrl('https://links.example.net/out?url=https%3A%2F%2Fwww.servethehome.com%2Fliquid-cooled-racks%2F%3Futm_source%3Drss')).toBe(
      'https://www.servethehome.com/liquid-cooled-racks/',
    );
    expect(canonicalUrl('https://aggregator.example/redirect.php?url=https://www.tomshardware.com/tech-industry/tsmc-cowos?id=7')).toBe(
      'https://www.tomshardware.com/tech-industry/tsmc-cowos?id=7',
    );
    // a wrapper inside a wrapper
    expect(canonicalUrl('https://aggregator.example/redirect?url=' + encodeURIComponent('https://redir.example/c/1*https://www.nextplatform.com/a/'))).toBe(
      'https://www.nextplatform.com/a/',
    );
  });

  it('keeps links whose target is not in them, and pages that merely carry a URL', () => {
    expect(canonicalUrl('https://aggregator.example/redirect?url=/local/path')).toBe('https://aggregator.example/redirect?url=/local/path');
    expect(canonicalUrl('https://aggregator.example/redirect?url=javascript:alert(1)')).toBe('https://aggregator.example/redirect?url=javascript:alert(1)');
    expect(canonicalUrl('https://search.gridpost.example/search?q=https://www.heise.de/')).toBe('https://search.gridpost.example/search?q=https://www.heise.de/');
    expect(canonicalUrl('https://www.chipbrief.example/a*b')).toBe('https://www.chipbrief.example/a*b');
  });
});

describe('identityUrl', () => {
  it('is the canonical form ids were always made from: fragment and the frozen list only', () => {
    const wrapped = 'https://redir.example/click/8842*https://www.nextplatform.com/a/?wt_mc=rss#top';
    expect(identityUrl(wrapped)).toBe('https://redir.example/click/8842*https://www.nextplatform.com/a/?wt_mc=rss');
    expect(identityUrl('https://News.Example/a?id=7&utm_source=x&fbclid=1#c')).toBe('https://news.example/a?id=7');
    expect(entryId({ url: wrapped, title: 'T' }, 's')).toBe(entryId({ url: identityUrl(wrapped), title: 'T' }, 's'));
    expect(entryId({ url: wrapped, title: 'T' }, 's')).not.toBe(entryId({ url: canonicalUrl(wrapped), title: 'T' }, 's'));
  });
});
