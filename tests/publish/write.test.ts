/**
 * Publishing from the store: three formats written atomically, only when
 * changed (same bytes, same mtime), and at most feeds[].maxEntries entries.
 */
import { readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig, type LoadedConfig } from '../../src/config/index.js';
import type { Article } from '../../src/model/index.js';
import { writeChangedFiles } from '../../src/publish/index.js';
import { CycleMemory, publishFeeds } from '../../src/pipeline/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { tempDir } from '../helpers/env.js';
import { makeArticle } from '../helpers/articles.js';
import { feedEntries } from '../helpers/store.js';

let tmp: ReturnType<typeof tempDir>;
let store: SqliteStore;
let config: LoadedConfig;

async function keep(store: SqliteStore, article: Article) {
  await store.articles.save(article, article.published);
  await store.feeds.keep('gpu', article.id, ['GPU cluster'], article.published);
}

beforeEach(() => {
  tmp = tempDir();
  config = parseConfig(
    {
      sources: [{ name: 'DC Wire', url: 'https://dcwire.example/feed.rss' }],
      watch: { keywords: ['GPU cluster'] },
      feeds: [{ name: 'gpu', title: 'GPU', maxEntries: 3 }],
      publish: { dir: 'out', baseUrl: 'https://wire.example/' },
      store: { path: 'store.db' },
    },
    join(tmp.dir, 'config.json'),
  );
  store = SqliteStore.open(config.store.path);
});
afterEach(async () => {
  await store.close();
  tmp.cleanup();
});

describe('publishFeeds', () => {
  it('writes Atom, RSS and JSON Feed, then leaves unchanged feeds alone (bytes and mtime)', async () => {
    await keep(store, makeArticle(1));
    const first = await publishFeeds(config, store, new CycleMemory());
    const files = ['gpu.atom', 'gpu.rss', 'gpu.json'].map((f) => join(config.publish.dir, f));
    expect(first).toEqual([{ name: 'gpu', entries: 1, changed: files }]);
    const old = new Date('2020-01-01T00:00:00Z');
    for (const f of files) utimesSync(f, old, old);
    const bytes = files.map((f) => readFileSync(f));

    const second = await publishFeeds(config, store, new CycleMemory());
    expect(second).toEqual([{ name: 'gpu', entries: 1, changed: [] }]);
    files.forEach((f, i) => {
      expect(statSync(f).mtime.toISOString()).toBe(old.toISOString());
      expect(readFileSync(f).equals(bytes[i]!)).toBe(true);
    });
    expect(readdirSync(config.publish.dir).sort()).toEqual(['gpu.atom', 'gpu.json', 'gpu.rss']);
  });

  it('rewrites all three formats when an entry is added, with the self links from the public URL', async () => {
    await keep(store, makeArticle(1));
    await publishFeeds(config, store, new CycleMemory());
    await keep(store, makeArticle(2));
    const [report] = await publishFeeds(config, store, new CycleMemory());
    expect(report!.changed).toHaveLength(3);
    const atom = readFileSync(join(config.publish.dir, 'gpu.atom'), 'utf8');
    expect(atom).toContain('<link rel="self" href="https://wire.example/feeds/gpu.atom" type="application/atom+xml"/>');
    expect(atom.match(/<entry>/g)).toHaveLength(2);
  });

  it('publishes at most maxEntries, the newest', async () => {
    for (let n = 1; n <= 5; n++) await keep(store, makeArticle(n));
    const [report] = await publishFeeds(config, store, new CycleMemory());
    expect(report!.entries).toBe(3);
    const json = JSON.parse(readFileSync(join(config.publish.dir, 'gpu.json'), 'utf8'));
    expect(json.items.map((i: { url: string }) => i.url)).toEqual([5, 4, 3].map((n) => `https://news.example/story/${n}`));
  });
});

describe('a cluster lead read for publishing', () => {
  it('carries each other report of its cluster as stored (url, title, source, published) and moves updated to when the last one came', async () => {
    const lead = makeArticle(1);
    const title = 'Other "take" ]]> é 😀 \u2028 \\ \uD800 end';
    const other = makeArticle(2, { title, url: 'https://other.example/x?a=1&b=2', published: '2026-11-20T00:00:00.000Z', source: { name: 'Other Wire', url: 'https://other.example/feed' } });
    await store.articles.save(lead, lead.published);
    await store.articles.save(other, '2026-11-29T00:00:00.000Z');
    await store.feeds.keep('gpu', lead.id, ['GPU cluster'], lead.published);
    await store.clusters.join(other.id, lead.id, '2026-11-29T00:00:00.000Z');
    const [entry] = await feedEntries(store, 'gpu', 3);
    expect(entry!.article.related).toEqual([{ url: other.url, title, source: 'Other Wire', published: other.published, adds: 'Summary of story 2.' }]);
    expect(entry!.article.updated).toBe('2026-11-29T00:00:00.000Z');
  });
});

describe('writeChangedFiles', () => {
  it('compares a file with content in pieces byte for byte: same size but one byte off is rewritten, equal is left alone', async () => {
    const dir = join(tmp.dir, 'pieces');
    const pieces = [Buffer.from('<feed>'), Buffer.alloc(3 << 20, 'a'), Buffer.from('é</feed>\n')]; // more than one compare chunk
    expect(writeChangedFiles(dir, { 'f.atom': pieces })).toEqual([join(dir, 'f.atom')]);
    expect(readFileSync(join(dir, 'f.atom')).equals(Buffer.concat(pieces))).toBe(true);
    expect(writeChangedFiles(dir, { 'f.atom': pieces })).toEqual([]);
    expect(writeChangedFiles(dir, { 'f.atom': Buffer.concat(pieces).toString('utf8') })).toEqual([]);
    const oneOff = [pieces[0]!, Buffer.concat([Buffer.alloc((3 << 20) - 1, 'a'), Buffer.from('b')]), pieces[2]!];
    expect(writeChangedFiles(dir, { 'f.atom': oneOff })).toEqual([join(dir, 'f.atom')]);
    expect(readFileSync(join(dir, 'f.atom')).equals(Buffer.concat(oneOff))).toBe(true);
    expect(writeChangedFiles(dir, { 'f.atom': [Buffer.from('short')] })).toEqual([join(dir, 'f.atom')]);
    expect(readFileSync(join(dir, 'f.atom'), 'utf8')).toBe('short');
  });
});
