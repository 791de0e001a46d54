import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Article, SourceAttempt } from '../../src/model/index.js';
import { toArticle } from '../../src/normalize/index.js';
import { MIGRATIONS } from '../../src/store/sqlite/schema.js';
import { BATCH_MAX_MS, BATCH_MAX_WRITES, PAGE_SIZE, SqliteStore } from '../../src/store/index.js';
import { tempDir } from '../helpers/env.js';
import { feedEntries } from '../helpers/store.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  // Stores first (LIFO), then their folders.
  for (const c of cleanups.splice(0).reverse()) await c();
});

function scratch(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

function open(path: string): SqliteStore {
  const store = SqliteStore.open(path);
  cleanups.push(() => store.close());
  return store;
}

/**
 * A complete Article. The base comes from the real normalizer, so fields the model
 * gains later are filled too; the fields these tests rely on are then set explicitly.
 */
function article(n: number, over: Partial<Article> = {}): Article {
  const source = { name: 'Wire', url: 'https://wire.example/feed.xml', feedTitle: 'The Wire' };
  const day = String(10 + n).padStart(2, '0');
  const base = toArticle(
    { guid: `g-${n}`, link: `https://wire.example/news/${n}`, title: `Story ${n}`, contentHtml: `<p>Paragraph one of ${n}.</p>`, authors: [], categories: [] },
    source,
    new Date(`2026-11-${day}T08:00:00.000Z`),
  );
  if (!base) throw new Error('toArticle returned nothing for a valid item');
  return {
    ...base,
    id: `tag:infrawire,2026:test/${n}`,
    url: `https://wire.example/news/${n}`,
    guid: `g-${n}`,
    title: `Story ${n} about a GPU cluster`,
    source,
    authors: ['Ann Author'],
    published: `2026-11-${day}T08:00:00.000Z`,
    updated: `2026-11-${day}T08:00:00.000Z`,
    summary: `Summary ${n}.`,
    paragraphs: [`Paragraph one of ${n}.`, `Paragraph two of ${n}.`],
    faqs: [{ question: `Question ${n}?`, answer: `Answer ${n}.` }],
    categories: ['Compute'],
    keywords: ['GPU cluster'],
    ...over,
  };
}

const T1 = '2026-11-27T10:00:00.000Z';
const T2 = '2026-11-27T10:30:00.000Z';
const T3 = '2026-11-27T11:00:00.000Z';


/** A SourceAttempt with the bookkeeping fields filled the way the cycle fills them. */
function attempt(a: Pick<SourceAttempt, 'name' | 'url' | 'at'> & Partial<SourceAttempt>): SourceAttempt {
  const outcome = a.error ? 'failed' : a.status === 304 ? 'not-modified' : 'ok';
  return { configuredUrl: a.url, outcome, nextCheckAt: a.at, ...a };
}

describe('Store on a real SQLite file', () => {
  it('creates the file and its folder on first use', async () => {
    const dir = scratch();
    const path = join(dir, 'nested', 'deeper', 'iw.db');
    const store = open(path);
    expect(existsSync(path)).toBe(true);
    expect(store.path).toBe(path);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['article_decisions', 'articles', 'feed_entries', 'feed_tombstones', 'meta', 'pages', 'sources', 'story_clusters', 'tombstones']);
  });

  it('a new store has 16 KiB pages; a store made with SQLite\'s 4 KiB pages keeps them and its data', async () => {
    const dir = scratch();
    const fresh = open(join(dir, 'new.db'));
    expect(PAGE_SIZE).toBe(16384);
    expect(fresh.db.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    await fresh.articles.save(article(1), T1);
    await fresh.close();
    expect(open(join(dir, 'new.db')).db.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);

    // An older store (as earlier versions made it: default pages, WAL) opens with its page size unchanged.
    const oldPath = join(dir, 'old.db');
    const before = new Database(oldPath);
    before.pragma('journal_mode = WAL');
    before.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    before.exec(MIGRATIONS.join('\n'));
    before.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(MIGRATIONS.length));
    before.close();
    const old = open(oldPath);
    expect(old.db.pragma('page_size', { simple: true })).toBe(4096);
    expect(await old.articles.save(article(2), T1)).toBe('new');
    await old.close();
    const reopened = open(oldPath);
    expect((await reopened.articles.get(article(2).id))?.title).toBe(article(2).title);
    expect(reopened.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('saveArticle: new, then unchanged, then changed after a content change', async () => {
    const store = open(join(scratch(), 'iw.db'));
    const a = article(1);
    expect(await store.articles.save(a, T1)).toBe('new');
    expect(await store.articles.save(a, T2)).toBe('unchanged');
    expect(await store.articles.save({ ...a }, T2)).toBe('unchanged'); // equal content, another object
    const edited = { ...a, paragraphs: [...a.paragraphs, 'A correction was added.'], updated: '2026-11-27T09:00:00.000Z' };
    expect(await store.articles.save(edited, T3)).toBe('changed');
    expect(await store.articles.save(edited, T3)).toBe('unchanged');
    expect(await store.articles.get(a.id)).toEqual(edited);
    expect(await store.articles.get('tag:nope')).toBeUndefined();
    // The row's columns follow the article; first_seen does not.
    const row = store.db.prepare('SELECT source, url, first_seen, published, updated FROM articles WHERE id = ?').get(a.id);
    expect(row).toEqual({ source: 'Wire', url: a.url, first_seen: T1, published: a.published, updated: '2026-11-27T09:00:00.000Z' });
    expect(store.db.prepare('SELECT COUNT(*) FROM articles').pluck().get()).toBe(1);
  });

  it('firstSeen: set once, kept across a change and across close and reopen', async () => {
    const path = join(scratch(), 'iw.db');
    const store = open(path);
    await store.articles.save(article(1), T1);
    await store.articles.save(article(2), T2);
    await store.articles.save(article(1, { title: 'Retitled' }), T3);
    expect(await store.articles.firstSeen([article(1).id, article(2).id, 'tag:missing'])).toEqual(
      new Map([
        [article(1).id, T1],
        [article(2).id, T2],
      ]),
    );
    await store.close();
    const again = open(path);
    const seen = await again.articles.firstSeen([article(2).id, article(1).id]);
    expect(seen.get(article(1).id)).toBe(T1);
    expect(seen.get(article(2).id)).toBe(T2);
    expect(seen.size).toBe(2);
    expect(await again.articles.firstSeen([])).toEqual(new Map());
    expect(await again.articles.save(article(1, { title: 'Retitled' }), '2030-01-01T00:00:00.000Z')).toBe('unchanged');
    expect((await again.articles.get(article(1).id))?.title).toBe('Retitled');
  });

  it('keepInFeed: true the first time, then false, refreshing the keywords', async () => {
    const store = open(join(scratch(), 'iw.db'));
    const a = article(1);
    await store.articles.save(a, T1);
    expect(await store.feeds.keep('ai-infrastructure', a.id, ['GPU cluster'], T1)).toBe(true);
    expect(await store.feeds.keep('ai-infrastructure', a.id, ['GPU cluster'], T2)).toBe(false);
    expect(await store.feeds.keep('ai-infrastructure', a.id, ['GPU cluster', 'Nscale'], T3)).toBe(false);
    let entries = await feedEntries(store, 'ai-infrastructure', 10);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.keywords).toEqual(['GPU cluster', 'Nscale']);
    expect(entries[0]!.addedAt).toBe(T1); // added once, never moved
    expect(entries[0]!.article).toEqual(a);
    // Another feed keeps its own entry.
    expect(await store.feeds.keep('chips', a.id, ['GPU'], T2)).toBe(true);
    expect((await feedEntries(store, 'chips', 10)).map((e) => e.keywords)).toEqual([['GPU']]);
    entries = await feedEntries(store, 'ai-infrastructure', 10);
    expect(entries[0]!.keywords).toEqual(['GPU cluster', 'Nscale']);
    expect(await feedEntries(store, 'unknown-feed', 10)).toEqual([]);
  });

  it('keepInFeed refuses an article that is not stored (foreign key)', async () => {
    const store = open(join(scratch(), 'iw.db'));
    await expect(store.feeds.keep('ai-infrastructure', 'tag:missing', ['x'], T1)).rejects.toThrow(/FOREIGN KEY/i);
  });

  it('feedEntries: newest published first, then id; respects the limit', async () => {
    const store = open(join(scratch(), 'iw.db'));
    // Saved and kept in a scrambled order.
    const order = [3, 1, 5, 2, 4];
    for (const n of order) {
      await store.articles.save(article(n), T1);
      await store.feeds.keep('ai-infrastructure', article(n).id, ['GPU cluster'], T1);
    }
    // Two articles with the same published time sort by id.
    const sameA = article(7, { id: 'tag:infrawire,2026:test/a', published: '2026-11-20T00:00:00.000Z' });
    const sameB = article(8, { id: 'tag:infrawire,2026:test/b', published: '2026-11-20T00:00:00.000Z' });
    for (const a of [sameB, sameA]) {
      await store.articles.save(a, T1);
      await store.feeds.keep('ai-infrastructure', a.id, ['x'], T1);
    }
    // Saved but not kept: never listed.
    await store.articles.save(article(9), T1);
    const all = await feedEntries(store, 'ai-infrastructure', 100);
    expect(all.map((e) => e.article.id)).toEqual([sameA.id, sameB.id, article(5).id, article(4).id, article(3).id, article(2).id, article(1).id]);
    expect(all.map((e) => e.article.published)).toEqual([...all.map((e) => e.article.published)].sort().reverse());
    expect((await feedEntries(store, 'ai-infrastructure', 3)).map((e) => e.article.id)).toEqual([sameA.id, sameB.id, article(5).id]);
    expect(await feedEntries(store, 'ai-infrastructure', 1)).toHaveLength(1);
    expect(await feedEntries(store, 'ai-infrastructure', 0)).toEqual([]);
  });

  it('recordAttempt: failures count up and keep the last success; a success resets them', async () => {
    const store = open(join(scratch(), 'iw.db'));
    await store.sources.recordAttempt(attempt({ name: 'Wire', url: 'https://wire.example/feed.xml', at: T1, status: 200, itemsSeen: 12, itemsKept: 4 }));
    expect(await store.sources.all()).toMatchObject([
      {
        name: 'Wire',
        url: 'https://wire.example/feed.xml',
        lastFetchAt: T1,
        lastStatus: 200,
        lastError: null,
        lastSuccessAt: T1,
        consecutiveFailures: 0,
        itemsSeen: 12,
        itemsKept: 4,
      },
    ]);
    await store.sources.recordAttempt(attempt({ name: 'Wire', url: 'https://wire.example/feed.xml', at: T2, status: 500, error: 'HTTP 500' }));
    await store.sources.recordAttempt(attempt({ name: 'Wire', configuredUrl: 'https://wire.example/feed.xml', url: 'https://wire.example/feed2.xml', moved: true, at: T3, error: 'timeout after 20000 ms' }));
    expect((await store.sources.all())[0]).toMatchObject({
      name: 'Wire',
      url: 'https://wire.example/feed2.xml',
      lastFetchAt: T3,
      lastStatus: null,
      lastError: 'timeout after 20000 ms',
      lastSuccessAt: T1,
      consecutiveFailures: 2,
      itemsSeen: 12,
      itemsKept: 4,
    });
    const T4 = '2026-11-27T11:30:00.000Z';
    await store.sources.recordAttempt(attempt({ name: 'Wire', configuredUrl: 'https://wire.example/feed.xml', url: 'https://wire.example/feed2.xml', at: T4, status: 304 }));
    expect((await store.sources.all())[0]).toMatchObject({
      name: 'Wire',
      url: 'https://wire.example/feed2.xml',
      lastFetchAt: T4,
      lastStatus: 304,
      lastError: null,
      lastSuccessAt: T4,
      consecutiveFailures: 0,
      itemsSeen: 12, // a 304 keeps the counts of the last parsed response
      itemsKept: 4,
    });
  });

  it('sourceStatesFor: each configured source\'s state in one read, only while it belongs to the configured URL (as sourceState)', async () => {
    const store = open(join(scratch(), 'iw.db'));
    await store.sources.recordAttempt(attempt({ name: 'Wire', url: 'https://wire.example/feed.xml', at: T1, status: 200 }));
    await store.sources.recordAttempt(attempt({ name: 'Grid', url: 'https://grid.example/feed.xml', at: T1, status: 200 }));
    const sources = [
      { name: 'Wire', url: 'https://wire.example/feed.xml' },
      { name: 'Grid', url: 'https://grid.example/moved.xml' }, // the operator pointed it elsewhere: its stored state no longer counts
      { name: 'New', url: 'https://new.example/feed.xml' },
    ];
    const states = await store.sources.statesFor(sources);
    expect([...states.keys()]).toEqual(['Wire']);
    expect(states.get('Wire')).toEqual(await store.sources.state('Wire', 'https://wire.example/feed.xml'));
    for (const src of sources) expect(states.get(src.name)).toEqual(await store.sources.state(src.name, src.url));
  });

  it('recordAttempt: a source whose first attempt fails has no success yet', async () => {
    const store = open(join(scratch(), 'iw.db'));
    await store.sources.recordAttempt(attempt({ name: 'Broken', url: 'http://127.0.0.1:1/status/500', at: T1, status: 500, error: 'HTTP 500' }));
    await store.sources.recordAttempt(attempt({ name: 'Alpha', url: 'http://a.example/', at: T1, status: 200, itemsSeen: 1 }));
    const states = await store.sources.all();
    expect(states.map((s) => s.name)).toEqual(['Alpha', 'Broken']); // ordered by name
    expect(states[1]).toMatchObject({ lastStatus: 500, lastError: 'HTTP 500', lastSuccessAt: null, consecutiveFailures: 1, itemsSeen: 0 });
    expect(states[0]).toMatchObject({ consecutiveFailures: 0, itemsSeen: 1, itemsKept: 0 });
  });

  it('transaction: rolls everything back when the callback throws', async () => {
    const store = open(join(scratch(), 'iw.db'));
    await expect(
      store.transaction(async (tx) => {
        await tx.articles.save(article(1), T1);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.articles.get(article(1).id)).toBeUndefined();
    expect(await store.transaction((tx) => tx.articles.save(article(1), T1))).toBe('new');
    expect(await store.articles.get(article(1).id)).toEqual(article(1));
  });

  /** A second connection to the store file, as another process (`infrawire status`) would read it. */
  function reader(path: string): { count: (table: string) => number } {
    const db = new Database(path, { readonly: true });
    cleanups.push(() => void db.close());
    return { count: (table) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number };
  }

  it('a write batch: each transaction stays all or nothing; other connections see the writes when the batch commits', async () => {
    const path = join(scratch(), 'iw.db');
    const store = open(path);
    const other = reader(path);
    await store.batch(async () => {
      await store.sources.recordAttempt(attempt({ name: 'Wire', url: 'https://wire.example/feed.xml', at: T1, status: 200 }));
      await expect(
        store.transaction(async (tx) => {
          await tx.articles.save(article(1), T1);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.transaction((tx) => tx.articles.save(article(2), T1))).toBe('new');
      // this connection reads its own writes at once; another one only after the commit
      expect(await store.sources.all()).toHaveLength(1);
      expect(await store.articles.get(article(1).id)).toBeUndefined();
      expect(other.count('sources')).toBe(0);
    });
    expect(other.count('sources')).toBe(1);
    expect(other.count('articles')).toBe(1);
    expect(await store.articles.get(article(2).id)).toEqual(article(2));
  });

  it(`a write batch commits every ${BATCH_MAX_WRITES} transactions and ${BATCH_MAX_MS} ms after its first one; close() keeps what it holds`, async () => {
    const path = join(scratch(), 'iw.db');
    const store = SqliteStore.open(path);
    const other = reader(path);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await store.batch(async () => {
        for (let i = 0; i < BATCH_MAX_WRITES + 1; i++) await store.sources.recordAttempt(attempt({ name: `S${i}`, url: `https://s${i}.example/`, at: T1, status: 304 }));
        expect(other.count('sources')).toBe(BATCH_MAX_WRITES);
        vi.advanceTimersByTime(BATCH_MAX_MS);
        await new Promise((resolve) => setImmediate(resolve)); // the timer queues the commit behind running transactions
        expect(other.count('sources')).toBe(BATCH_MAX_WRITES + 1);
        await store.sources.recordAttempt(attempt({ name: 'Last', url: 'https://last.example/', at: T1, status: 304 }));
        expect(other.count('sources')).toBe(BATCH_MAX_WRITES + 1);
        await store.close(); // the batch is still open: closing commits it
      });
    } finally {
      vi.useRealTimers();
    }
    expect(other.count('sources')).toBe(BATCH_MAX_WRITES + 2);
  });

  it('reopening the file keeps everything, and meta.schema_version equals the number of migrations', async () => {
    const path = join(scratch(), 'iw.db');
    const first = open(path);
    await first.articles.save(article(1), T1);
    await first.articles.save(article(2), T2);
    await first.feeds.keep('ai-infrastructure', article(2).id, ['GPU cluster'], T2);
    await first.sources.recordAttempt(attempt({ name: 'Wire', url: 'https://wire.example/feed.xml', at: T2, status: 500, error: 'HTTP 500' }));
    await first.close();
    await first.close(); // closing twice is harmless

    const second = open(path);
    expect(await second.articles.get(article(1).id)).toEqual(article(1));
    expect(await second.articles.get(article(2).id)).toEqual(article(2));
    expect((await feedEntries(second, 'ai-infrastructure', 10)).map((e) => [e.article.id, e.keywords, e.addedAt])).toEqual([[article(2).id, ['GPU cluster'], T2]]);
    expect(await second.sources.all()).toEqual([expect.objectContaining({ name: 'Wire', consecutiveFailures: 1, lastError: 'HTTP 500' })]);
    expect(await second.articles.save(article(2), T3)).toBe('unchanged');
    const version = second.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get();
    expect(MIGRATIONS.length).toBeGreaterThanOrEqual(1);
    expect(version).toBe(String(MIGRATIONS.length));
    expect(second.db.prepare('SELECT COUNT(*) FROM meta').pluck().get()).toBe(1);
    await second.close();

    // Read with a plain SQLite connection: the data really is in the file.
    const plain = new Database(path, { readonly: true });
    try {
      expect(plain.prepare('SELECT id FROM articles ORDER BY id').pluck().all()).toEqual([article(1).id, article(2).id]);
      expect(plain.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(String(MIGRATIONS.length));
    } finally {
      plain.close();
    }
  });

  it('refuses a store with a newer schema version, naming the path', async () => {
    const path = join(scratch(), 'future.db');
    await open(path).close();
    const db = new Database(path);
    try {
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(MIGRATIONS.length + 5));
    } finally {
      db.close();
    }
    let caught: unknown;
    try {
      const s = SqliteStore.open(path);
      cleanups.push(() => s.close());
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(Error);
    const message = (caught as Error).message;
    expect(message).toContain(path);
    expect(message).toContain(String(MIGRATIONS.length + 5));
    expect(message).toContain(`(${MIGRATIONS.length})`);
    // The refused file is left untouched.
    const check = new Database(path, { readonly: true });
    try {
      expect(check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(String(MIGRATIONS.length + 5));
    } finally {
      check.close();
    }
  });

  it('closes its SQLite connection when it refuses a store', async () => {
    const path = join(scratch(), 'future.db');
    await open(path).close();
    const db = new Database(path);
    try {
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(MIGRATIONS.length + 1));
    } finally {
      db.close();
    }
    expect(existsSync(`${path}-wal`)).toBe(false); // every connection closed: WAL checkpointed and removed
    expect(() => SqliteStore.open(path)).toThrow(path);
    // A connection left open keeps the -wal/-shm files (and the file handle) alive.
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
