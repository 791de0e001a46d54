/**
 * Real feed readers subscribe to the served feeds: newsboat (run
 * non-interactively with its own cache) and Python's feedparser, both
 * Debian packages. Hostile text included; after one more item is published,
 * newsboat shows exactly one new entry. Each reader's tests skip, naming the
 * package, where it is not installed (not under CI=true: tests/helpers/tools.ts).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig, type LoadedConfig } from '../../src/config/index.js';
import type { Article } from '../../src/model/index.js';
import { CycleMemory, publishFeeds } from '../../src/pipeline/index.js';
import { createFeedServer } from '../../src/serve/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { startServer, tempDir, type TestServer } from '../helpers/env.js';
import { needs, pythonWithFeedparser } from '../helpers/tools.js';
import { hostileArticle, makeArticle } from '../helpers/articles.js';

const run = promisify(execFile);
const python = needs('feedparser');
const newsboatTool = needs('newsboat');

const FEEDPARSER = `
import json, sys, calendar, feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({
  "bozo": int(d.bozo),
  "bozo_exception": str(d.get("bozo_exception", "")),
  "version": d.version,
  "entries": [{"title": e.get("title"), "link": e.get("link"),
               "date": calendar.timegm(e.published_parsed) if e.get("published_parsed") else None} for e in d.entries],
}))
`;

interface ParsedByFeedparser {
  bozo: number;
  bozo_exception: string;
  version: string;
  entries: { title: string | null; link: string | null; date: number | null }[];
}

let tmp: ReturnType<typeof tempDir>;
let config: LoadedConfig;
let store: SqliteStore;
let server: TestServer;
let base: string;
const articles: Article[] = [makeArticle(1), makeArticle(2, { authors: ['Ada'] }), hostileArticle(), makeArticle(3)];

async function keep(article: Article) {
  await store.articles.save(article, article.published);
  await store.feeds.keep('ai', article.id, article.keywords, article.published);
}

beforeAll(async () => {
  tmp = tempDir();
  config = parseConfig(
    {
      sources: [{ name: 'DC Wire', url: 'https://dcwire.example/feed.rss' }],
      watch: { keywords: ['GPU cluster'] },
      feeds: [{ name: 'ai', title: 'AI infra', subtitle: 'test' }],
      publish: { dir: 'feeds', baseUrl: 'http://127.0.0.1:8080' },
      store: { path: 'store.db' },
    },
    join(tmp.dir, 'config.json'),
  );
  store = SqliteStore.open(config.store.path);
  for (const a of articles) await keep(a);
  await publishFeeds(config, store, new CycleMemory());
  server = await startServer(createFeedServer({ dir: config.publish.dir, feeds: config.feeds }));
  base = server.url;
});
afterAll(async () => {
  await server.stop();
  await store.close();
  tmp.cleanup();
});

async function feedparser(url: string): Promise<ParsedByFeedparser> {
  const { stdout } = await run(pythonWithFeedparser()!, ['-c', FEEDPARSER, url], { timeout: 60_000 });
  return JSON.parse(stdout) as ParsedByFeedparser;
}

python.describe('Python feedparser', () => {
  for (const [ext, version] of [['atom', 'atom10'], ['rss', 'rss20']] as const) {
    it(`parses the ${ext} feed with bozo 0 and every entry's title, link and date`, async () => {
      const parsed = await feedparser(`${base}/feeds/ai.${ext}`);
      expect(parsed.bozo_exception).toBe('');
      expect(parsed.bozo).toBe(0);
      expect(parsed.version).toBe(version);
      expect(parsed.entries).toHaveLength(articles.length);
      const byLink = new Map(parsed.entries.map((e) => [e.link, e]));
      for (const a of articles) {
        // The hostile link's quotes and angle brackets go out percent-encoded.
        const e = byLink.get(a === articles[2] ? 'https://evil.example/a?x=1&y=%222%22&z=%3C3%3E' : a.url);
        expect(e, `entry ${a.url}`).toBeDefined();
        expect(e!.date).toBe(Date.parse(a.published) / 1000);
        if (a !== articles[2]) expect(e!.title).toBe(a.title);
        else expect(e!.title).toContain('Bad');
      }
    });
  }
});

newsboatTool.describe('newsboat', () => {
  const home = () => join(tmp.dir, 'newsboat');

  async function newsboat(...commands: string[]): Promise<string> {
    const args = ['-u', join(home(), 'urls'), '-c', join(home(), 'cache.db'), '-C', join(home(), 'config'), ...commands.flatMap((c) => ['-x', c])];
    const { stdout } = await run('newsboat', args, { timeout: 120_000, env: { ...process.env, HOME: home(), XDG_CONFIG_HOME: home(), XDG_DATA_HOME: home(), LANG: 'C.UTF-8' } });
    return stdout;
  }

  function cachedItems(): { title: string; url: string; pubDate: number; unread: number }[] {
    const db = new Database(join(home(), 'cache.db'), { readonly: true });
    try {
      return db.prepare('SELECT title, url, pubDate, unread FROM rss_item WHERE feedurl = ? ORDER BY pubDate').all(`${base}/feeds/ai.atom`) as never;
    } finally {
      db.close();
    }
  }

  it('subscribes to the Atom feed: every entry with its title, link and date', async () => {
    mkdirSync(home(), { recursive: true });
    writeFileSync(join(home(), 'urls'), `${base}/feeds/ai.atom\n`);
    writeFileSync(join(home(), 'config'), 'reload-threads 1\n');
    await newsboat('reload');
    const items = cachedItems();
    expect(items).toHaveLength(articles.length);
    for (const a of articles.filter((x) => x !== articles[2])) {
      expect(items.find((i) => i.url === a.url)).toMatchObject({ title: a.title, pubDate: Date.parse(a.published) / 1000, unread: 1 });
    }
    const hostile = items.find((i) => i.url.startsWith('https://evil.example/'))!;
    expect(hostile.title).toContain('<script>alert("x")</script>');
  });

  it('shows exactly one new entry after one more item is published', async () => {
    const db = new Database(join(home(), 'cache.db'));
    db.prepare('UPDATE rss_item SET unread = 0').run();
    db.close();
    expect(await newsboat('reload', 'print-unread')).toMatch(/^0 unread articles$/m);

    const extra = makeArticle(7, { title: 'Fresh GPU cluster story' });
    await keep(extra);
    expect((await publishFeeds(config, store, new CycleMemory()))[0]!.changed).toHaveLength(3);
    expect(await newsboat('reload', 'print-unread')).toMatch(/^1 unread articles?$/m);
    const unread = cachedItems().filter((i) => i.unread === 1);
    expect(unread).toEqual([{ title: 'Fresh GPU cluster story', url: extra.url, pubDate: Date.parse(extra.published) / 1000, unread: 1 }]);
  });
});
