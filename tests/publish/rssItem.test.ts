/**
 * Publishing renders each entry once and joins the documents from the pieces:
 * - RSS items are written by our own writer, in the channel `feed` writes: a
 *   published document must be the document `feed` writes for the same items
 *   (checked on generated hostile text), by structure, and byte for byte while
 *   `feed` 6 lays documents out as it does (tests/publish/rssFeedAdapter.test.ts
 *   holds that the frame does not depend on that layout);
 * - the render cache reuses an entry only while everything it is rendered
 *   from is the same, so a cached publish equals an uncached one after any
 *   change (keywords, coverage, article data, order, removal).
 */
import fc from 'fast-check';
import { Feed, type Item } from 'feed';
import Parser from 'rss-parser';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { feedSchema, parseConfig } from '../../src/config/index.js';
import { describeFeed, entryContentHtml, FeedRenderCache, renderFeeds, type FeedSite } from '../../src/publish/index.js';
import { channelOptions } from '../../src/publish/rssFeed.js';
import { MEDIA_RSS_NAMESPACE } from '../../src/publish/atom.js';
import { rssEnclosure } from '../../src/publish/renderFeeds.js';
import { curateStore, decisionRules, feedSite } from '../../src/pipeline/index.js';
import { escapeHtml, xmlSafe } from '../../src/lib/markup.js';
import type { FeedEntry } from '../../src/model/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { entry, HOSTILE, hostileArticle, makeArticle } from '../helpers/articles.js';
import { feedEntries, tempStore, type TempStore } from '../helpers/store.js';
import { strictXml } from './xmlTree.js';

/** An entry as a `feed` item: what infrawire publishes of it in RSS (the mapping renderFeeds.ts writes by hand). */
function feedItem({ article, keywords }: FeedEntry): Item {
  const enclosure = rssEnclosure(article.enclosures);
  const authors = article.authors.length ? article.authors : [article.source.name];
  return {
    id: article.id,
    title: xmlSafe(article.title),
    link: article.url,
    date: new Date(article.updated),
    published: new Date(article.published),
    description: escapeHtml(article.summary),
    content: entryContentHtml(article),
    author: authors.map((name) => ({ name: xmlSafe(name) })),
    category: keywords.map((k) => {
      const name = xmlSafe(k);
      return { name, term: name };
    }),
    ...(enclosure ? { enclosure: { url: enclosure.url, length: enclosure.length ?? 0, type: enclosure.type ?? 'application/octet-stream' } } : {}),
    // xml-js escapes only quotes in attributes: the URL goes in escaped.
    ...(article.image ? { extensions: [{ name: 'media:thumbnail', objects: { _attributes: { 'xmlns:media': MEDIA_RSS_NAMESPACE, url: escapeHtml(article.image.url), ...(article.image.width ? { width: article.image.width } : {}) } } }] } : {}),
  };
}

/** The whole document `feed` writes for the entries, in the adapter's channel. */
function feedPackageDocument(config: ReturnType<typeof feedSchema.parse>, site: FeedSite, entries: FeedEntry[]): string {
  const doc = new Feed(channelOptions(describeFeed(config, site, entries)));
  for (const e of entries) doc.addItem(feedItem(e));
  return doc.rss2();
}

const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(']]>', 'a ]]> b ]]> c', '&amp;', 'A &amp; B & C', '<b>"x"</b>', '\u0001\uFFFE\uD800', 'ok'),
  fc.array(fc.constantFrom(']]>', '&', '&amp;', '<', '>', '"', "'", 'é', '😀', '\u0000', ' '), { maxLength: 12 }).map((xs) => xs.join('')),
);

describe('RSS documents', () => {
  const site: FeedSite = { baseUrl: 'https://wire.example', author: 'infrawire <desk> & co', hub: 'https://hub.example/?a=1&b=2' };

  it('are the document the feed package writes for the same items, on hostile text', () => {
    const story = fc.tuple(nasty, nasty, nasty, fc.array(nasty, { maxLength: 3 }), fc.array(nasty, { maxLength: 3 }), nasty);
    fc.assert(
      fc.property(nasty, fc.array(story, { minLength: 1, maxLength: 3 }), (feedTitle, stories) => {
        const config = feedSchema.parse({ name: 'ai', title: feedTitle || 'AI', subtitle: feedTitle });
        const entries = stories.map(([title, summary, body, authors, keywords, query], n) =>
          entry(makeArticle(n + 1, { title, summary, paragraphs: [body], authors, url: `https://news.example/a?q=${encodeURIComponent(query.replace(/[\uD800-\uDFFF]/g, ''))}&x=1` }), keywords),
        );
        const ours = renderFeeds(config, site, entries).rss;
        const doc = strictXml(ours); // always well-formed, "]]>" twice included
        // feed (xml-js) splits only the first "]]>" of a CDATA section; ours splits each (tested below).
        const twice = stories.flat(2).some((t) => t.split(']]>').length > 2);
        if (twice) return;
        const theirs = feedPackageDocument(config, site, entries);
        expect(doc).toEqual(strictXml(theirs)); // the structure: the contract
        expect(ours).toBe(theirs); // the bytes: feed 6's layout
      }),
      { numRuns: 300, seed: 11 },
    );
    const config = feedSchema.parse({ name: 'ai-infra', title: 'AI <infra> & power', subtitle: 'Chips & "power"' });
    const withMedia = makeArticle(3, {
      enclosures: [
        { url: 'https://cdn.news.example/ep3.pdf', type: 'application/pdf', length: 10 },
        { url: 'https://cdn.news.example/ep3.mp3?a=1&b=2&amp;c', type: 'audio/mpeg', length: 9000, durationSeconds: 60 },
      ],
      image: { url: 'https://cdn.news.example/ep3.jpg?w=1&h=2', width: 640, from: 'feed' },
    });
    const unknownType = makeArticle(4, { enclosures: [{ url: 'https://cdn.news.example/blob' }] });
    const hostile = [entry(hostileArticle(), [HOSTILE.title, HOSTILE.sourceTitle]), entry(makeArticle(1)), entry(makeArticle(2, { authors: ['A', 'B &amp; C'] }), []), entry(withMedia), entry(unknownType)];
    expect(renderFeeds(config, site, hostile).rss).toBe(feedPackageDocument(config, site, hostile));
  });
});

describe('RSS with "]]>" in a title', () => {
  it('splits every "]]>" of a CDATA section, so the document stays well-formed and the title round-trips', async () => {
    const title = 'GPU deal ]]> twice ]]> <b>!</b>';
    const rendered = renderFeeds(feedSchema.parse({ name: 'ai', title: 'AI' }), { baseUrl: 'https://wire.example', author: 'infrawire' }, [entry(makeArticle(1, { title }))]);
    const parsed = await new Parser().parseString(rendered.rss);
    expect(parsed.items.map((i) => i.title)).toEqual([title]);
  });
});

const text = (docs: Record<string, Buffer[]>) => Object.fromEntries(Object.entries(docs).map(([format, pieces]) => [format, Buffer.concat(pieces).toString('utf8')]));

describe('the render cache', () => {
  let tmp: TempStore;
  let store: SqliteStore;
  beforeEach(() => {
    tmp = tempStore();
    store = tmp.store;
  });
  afterEach(async () => {
    await tmp.cleanup();
  });

  it('gives the bytes of an uncached render after every kind of change, rendering only what changed', async () => {
    const config = parseConfig(
      {
        sources: [{ name: 'DC Wire', url: 'http://127.0.0.1:9/dc.rss' }],
        watch: { keywords: ['GPU'] },
        feeds: [{ name: 'gpu', title: 'GPU', maxEntries: 4 }],
        publish: { dir: 'feeds', baseUrl: 'http://127.0.0.1:8080' },
        store: { path: 'store.db' },
        curate: { clusterThreshold: 1 },
      },
      join(tmp.dir, 'config.json'),
    );
    const [feed] = config.feeds;
    const site = feedSite(config);
    const cache = new FeedRenderCache();
    const curate = (day: number) => curateStore(config, store, decisionRules(config), new Date(Date.UTC(2026, 10, 28 + day)));
    const check = async (expectRendered: number) => {
      const read: string[] = [];
      const articlesData = async (ids: readonly string[]) => (read.push(...ids), await store.articles.data(ids));
      const { feed: cached, renderedEntries } = await cache.render(feed!, site, await store.feeds.records('gpu', 4), articlesData);
      const entries = await feedEntries(store, 'gpu', 4);
      expect(text(cached)).toEqual(renderFeeds(feed!, site, entries));
      expect(renderedEntries).toBe(expectRendered);
      expect(read).toHaveLength(expectRendered); // a kept entry's article is not read
    };
    for (let n = 1; n <= 3; n++) await store.articles.save(makeArticle(n), '2026-11-20T00:00:00.000Z');
    await curate(0);
    await check(3);
    await check(0);
    // Changed article data (and a new title) renders that entry again.
    await store.articles.save(makeArticle(2, { title: 'Story 2: GPU cluster news, updated', summary: 'New lede & more.' }), '2026-11-20T00:00:00.000Z');
    await curate(0);
    await check(1);
    // Changed keywords (the feed's categories) render it again.
    store.db.prepare("UPDATE feed_entries SET keywords = '[\"GPU\",\"extra\"]' WHERE article_id = ?").run(makeArticle(3).id);
    await check(1);
    // Coverage: another report joins a lead's cluster (related, updated move).
    await store.articles.save(makeArticle(4, { title: 'Other outlet on story 1' }), '2026-11-21T00:00:00.000Z');
    store.db.prepare("INSERT INTO story_clusters (article_id, lead_id, joined_at) VALUES (?, ?, 'x')").run(makeArticle(4).id, makeArticle(1).id);
    expect((await feedEntries(store, 'gpu', 4)).find((e) => e.article.id === makeArticle(1).id)!.article.related).toHaveLength(1);
    await check(1);
    // A new, newer entry and a removal: only the new one is rendered, the order follows the store.
    await store.articles.save(makeArticle(5), '2026-11-22T00:00:00.000Z');
    store.db.prepare("INSERT INTO feed_entries (feed, article_id, keywords, added_at) VALUES ('gpu', ?, '[\"GPU\"]', 'x')").run(makeArticle(5).id);
    store.db.prepare('DELETE FROM feed_entries WHERE article_id = ?').run(makeArticle(2).id);
    await check(1);
    // A different feed description (title) around the same entries renders no entry.
    const renamed = { ...feed!, title: 'GPU & <more>' };
    const again = await cache.render(renamed, site, await store.feeds.records('gpu', 4), async (ids) => await store.articles.data(ids));
    expect({ feed: text(again.feed), renderedEntries: again.renderedEntries }).toEqual({ feed: renderFeeds(renamed, site, await feedEntries(store, 'gpu', 4)), renderedEntries: 0 });
    cache.clear();
    await check((await store.feeds.records('gpu', 4)).length);
  });
});
