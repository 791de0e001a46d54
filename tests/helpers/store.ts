/** Stores in tests: a temp store on a real SQLite file; reading a feed's entries as published, every stored article. */
import { join } from 'node:path';
import type { Article, FeedEntry } from '../../src/model/index.js';
import { feedEntryOf } from '../../src/publish/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { tempDir } from './env.js';

export interface TempStore {
  dir: string;
  /** The SQLite file, `store.db` in `dir`. */
  path: string;
  store: SqliteStore;
  /** Closes the store and removes the folder. */
  cleanup: () => Promise<void>;
}

/** A store on a real SQLite file in a fresh temp folder: the one way tests make a store without a config. */
export function tempStore(): TempStore {
  const tmp = tempDir();
  const path = join(tmp.dir, 'store.db');
  const store = SqliteStore.open(path);
  return {
    dir: tmp.dir,
    path,
    store,
    cleanup: async () => {
      await store.close();
      tmp.cleanup();
    },
  };
}

/** The newest `limit` entries of a feed as publishing renders them. */
export async function feedEntries(store: SqliteStore, feed: string, limit: number): Promise<FeedEntry[]> {
  const records = await store.feeds.records(feed, limit);
  const data = await store.articles.data(records.map((r) => r.id));
  return records.map((r) => feedEntryOf(r, data.get(r.id)!));
}

export interface StoredArticle {
  article: Article;
  firstSeen: string;
}

/** Every stored article, oldest first (first seen, then id). */
export function storedArticles(store: SqliteStore): StoredArticle[] {
  const rows = store.statement('SELECT data, first_seen FROM articles ORDER BY first_seen, id').all() as { data: string; first_seen: string }[];
  return rows.map((r) => ({ article: JSON.parse(r.data) as Article, firstSeen: r.first_seen }));
}

/** Everything an async iterable yields, in order (Node 20 has no Array.fromAsync). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
