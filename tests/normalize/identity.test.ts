import { describe, expect, it } from 'vitest';
import type { ParsedItem } from '../../src/model/index.js';
import { canonicalUrl, entryId, identityGuids, toArticle } from '../../src/normalize/index.js';
import { FIRST_SEEN, SOURCE, fixture, item } from '../helpers/articles.js';

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

describe('ids across the canonical-link change (issue 20)', () => {
  const before = JSON.parse(fixture('ids-before-clean20.json')) as { cases: { item: Partial<ParsedItem>; id: string }[] };

  it('gives every item the id it had before links were unwrapped and cleaned further', () => {
    expect(before.cases.length).toBeGreaterThan(15);
    for (const { item: over, id } of before.cases) expect(toArticle(item(over), SOURCE, FIRST_SEEN)?.id, over.link ?? over.guid ?? over.title).toBe(id);
  });

  it('publishes the cleaner link for them while the id stays', () => {
    const byTitle = new Map(before.cases.map((c) => [c.item.title, c]));
    const heise = byTitle.get('Strombedarf der Rechenzentren verdoppelt sich bis 2030')!;
    const article = toArticle(item(heise.item), SOURCE, FIRST_SEEN)!;
    expect(article.url).not.toContain('wt_mc');
    expect(article.id).toBe(heise.id);
    const wrapped = toArticle(item(byTitle.get('AMD MI400 ships to first cloud customers')!.item), SOURCE, FIRST_SEEN)!;
    expect(wrapped.url).toBe('https://www.nextplatform.com/2026/11/18/amd-mi400-ships-to-first-cloud-customers/');
  });

  it('shows an untitled item the start of its clean body as title, while its id keeps the title its raw body gave', () => {
    const untitled = before.cases.filter((c) => !c.item.title && !c.item.link && !c.item.guid);
    const titles = untitled.map((c) => toArticle(item(c.item), SOURCE, FIRST_SEEN)!.title);
    expect(titles).toEqual([
      'Untitled wire note: Pohjola adds 12 MW of capacity in Kajaani.',
      'Spot H100s in us-east fell to $1.85 an hour this week.',
      'Kajaani gets a third 12 MW hall, the operator said on Friday.',
    ]);
    for (const c of untitled) expect(toArticle(item(c.item), SOURCE, FIRST_SEEN)!.id).toBe(c.id);
  });

  it('prefers feedburner:origLink over the feedproxy link for the published URL, never for the id', () => {
    const feedproxy = before.cases.find((c) => c.item.origLink)!;
    const withOrig = toArticle(item(feedproxy.item), SOURCE, FIRST_SEEN)!;
    expect(withOrig.url).toBe('https://infrablog.example.com/2026/11/coreweave-raises-7-billion.html');
    expect(withOrig.id).toBe(feedproxy.id);
    const { origLink: _, ...without } = feedproxy.item;
    const plain = toArticle(item(without), SOURCE, FIRST_SEEN)!;
    expect(plain.url).toMatch(/^http:\/\/feedproxy\.google\.com\//);
    expect(plain.id).toBe(feedproxy.id);
    // an origLink that is not http(s) is no link
    expect(toArticle(item({ ...feedproxy.item, origLink: 'javascript:alert(1)' }), SOURCE, FIRST_SEEN)!.url).toBe(plain.url);
  });
});
