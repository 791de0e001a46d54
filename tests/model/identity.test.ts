import { describe, expect, it } from 'vitest';
import { canonicalUrl, entryId, identityGuids, toArticle } from '../../src/normalize/index.js';
import { FIRST_SEEN, SOURCE, item } from './helpers.js';

describe('canonical URL', () => {
  it('removes the newer click ids and marketing parameters too', () => {
    expect(
      canonicalUrl('https://News.Example/a?id=7&gbraid=1&wbraid=2&twclid=3&ttclid=4&li_fat_id=5&srsltid=6&mkt_tok=7&_ga=8&_gl=9&oly_enc_id=1&vero_id=2&s_cid=3#top'),
    ).toBe('https://news.example/a?id=7');
  });
});

describe('entry identity', () => {
  const link = 'https://news.example/2026/11/orbital';

  it('keeps the id when the guid changes, the link gains tracking or the item is seen later', () => {
    const a = toArticle(item({ guid: 'v1', link, title: 'Orbital' }), SOURCE, FIRST_SEEN);
    const b = toArticle(item({ guid: 'v2', link: `${link}?utm_source=rss#comments`, title: 'Orbital, updated' }), SOURCE, new Date('2026-12-01T00:00:00Z'));
    expect(a?.id).toMatch(/^tag:infrawire,2026:[0-9a-f]{32}$/);
    expect(b?.id).toBe(a?.id);
  });

  it('falls back to the guid, then to title and date, never to first-seen', () => {
    const byGuid = toArticle(item({ guid: 'post-7', title: 'A' }), SOURCE, FIRST_SEEN);
    expect(byGuid?.id).toBe(entryId({ guid: 'post-7', title: 'other title' }, SOURCE.name));
    const byTitle = item({ title: 'No guid', published: '2026-11-19T08:00:00Z' });
    expect(toArticle(byTitle, SOURCE, FIRST_SEEN)?.id).toBe(toArticle(byTitle, SOURCE, new Date('2027-01-01T00:00:00Z'))?.id);
  });

  it('gives later repeats of a guid in one feed their own key; the first keeps the plain guid', () => {
    const items = [
      item({ guid: 'story', title: 'First story', published: '2026-11-20T09:00:00Z' }),
      item({ guid: 'story', title: 'Second story', published: '2026-11-20T10:00:00Z' }),
      item({ guid: 'other', title: 'Other' }),
      item({ guid: 'story', title: 'Second story', published: '2026-11-20T10:00:00Z' }),
      item({ title: 'No guid' }),
    ];
    const keys = identityGuids(items);
    expect(keys).toEqual(['story', 'story\nSecond story\n2026-11-20T10:00:00Z', 'other', 'story\n#3', undefined]);
    const ids = items.map((it, i) => toArticle(it, SOURCE, FIRST_SEEN, { idGuid: keys[i] })?.id);
    expect(new Set(ids).size).toBe(5);
    // the first keeps the id it had when its guid was unique
    expect(ids[0]).toBe(toArticle(items[0]!, SOURCE, FIRST_SEEN)?.id);
    // and the keys are the same on the next run of the same feed
    expect(identityGuids(items)).toEqual(keys);
  });

  it('keeps the item\'s own guid in the model even when the id uses a disambiguated key', () => {
    const article = toArticle(item({ guid: 'story', title: 'T' }), SOURCE, FIRST_SEEN, { idGuid: 'story\n#1' });
    expect(article?.guid).toBe('story');
    expect(article?.id).toBe(entryId({ guid: 'story\n#1', title: 'T' }, SOURCE.name));
  });
});
