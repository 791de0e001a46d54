/**
 * Dedupe layers (a) and (b) through real cycles: the same source's guid keeps
 * its first id when the link changes; another source's copy of an already
 * stored canonical URL is not stored or published a second time; among
 * copies first seen in one cycle, the highest-priority source's is kept.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runDryRun, withDryRun } from '../../src/cli/explain.js';
import { parseConfig } from '../../src/config/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { tempDir, serveDir } from '../helpers/env.js';
import { collect, feedEntries, storedArticles } from '../helpers/store.js';

function rss(items: { title: string; link: string; guid: string }[]): string {
  const body = items.map((i) => `<item><title>${i.title}</title><link>${i.link}</link><guid isPermaLink="false">${i.guid}</guid><pubDate>Thu, 26 Nov 2026 09:00:00 +0000</pubDate><description>${i.title}. The GPU cloud expands.</description></item>`);
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://one.example/</link><description>d</description>${body.join('')}</channel></rss>`;
}

describe('dedupe layers (a) and (b)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let served: Awaited<ReturnType<typeof serveDir>>;
  let base: string;

  beforeAll(async () => {
    tmp = tempDir();
    served = await serveDir(tmp.dir);
    base = served.url;
  });
  afterAll(async () => {
    await served?.stop();
    tmp?.cleanup();
  });

  it('one stored article and one entry, under its first id and source', async () => {
    const config = parseConfig(
      {
        sources: [
          { name: 'One', url: `${base}/one.rss` },
          { name: 'Two', url: `${base}/two.rss` },
        ],
        watch: { keywords: ['GPU'] },
        feeds: [{ name: 'f', title: 'F' }],
        store: { path: 'store.db' },
        fetch: { timeoutMs: 5000, concurrency: 1 },
      },
      join(tmp.dir, 'config.json'),
    );
    writeFileSync(join(tmp.dir, 'one.rss'), rss([{ title: 'Orca Cloud adds GPUs', link: 'https://one.example/orca', guid: 'g-1' }]));
    writeFileSync(join(tmp.dir, 'two.rss'), rss([{ title: 'Syndicated: Orca Cloud adds GPUs', link: 'https://one.example/orca?utm_source=two', guid: 'two-77' }]));
    const store = SqliteStore.open(config.store.path);
    try {
      const first = await runCycle(config, store);
      expect(first.itemsNew).toBe(1);
      const [entry] = await feedEntries(store, 'f', 10);
      expect(entry!.article.source.name).toBe('One');
      const explained = await withDryRun(config, (run) => collect(run.items()));
      expect(explained.find((e) => e.article.source.name === 'Two')).toMatchObject({ decisions: [], skipped: "a copy of One's report of the same URL" });

      writeFileSync(join(tmp.dir, 'one.rss'), rss([{ title: 'Orca Cloud adds GPUs (updated)', link: 'https://one.example/orca-renamed', guid: 'g-1' }]));
      const second = await runCycle(config, store);
      expect(second.itemsNew).toBe(0);
      expect(storedArticles(store)).toHaveLength(1);
      const entries = await feedEntries(store, 'f', 10);
      expect(entries).toHaveLength(1);
      expect(entries[0]!.article.id).toBe(entry!.article.id);
      expect(entries[0]!.article.title).toBe('Orca Cloud adds GPUs (updated)');
      expect(entries[0]!.article.url).toBe('https://one.example/orca-renamed');
    } finally {
      await store.close();
    }
  });

  it('copies of one URL first seen in the same cycle: the higher-priority source keeps it, whichever answered first; later copies are skipped', async () => {
    const wire = { title: 'Wire: Orca Cloud adds GPUs', link: 'https://origin.example/orca?utm_source=wire', guid: 'w-1' };
    const origin = { title: 'Orca Cloud adds GPUs', link: 'https://origin.example/orca', guid: 'o-1' };
    for (const order of [['Wire', 'Origin'], ['Origin', 'Wire']]) {
      const dir = join(tmp.dir, order.join('-'));
      const raw = {
        // One fetch at a time, in this order.
        sources: order.map((name) => ({ name, url: `${base}/${order.join('-')}/${name}.rss`, ...(name === 'Origin' ? { priority: 5 } : {}) })),
        watch: { keywords: ['GPU'] },
        feeds: [{ name: 'f', title: 'F' }],
        store: { path: 'store.db' },
        fetch: { timeoutMs: 5000, concurrency: 1 },
      };
      const config = parseConfig(raw, join(dir, 'config.json'));
      mkdirSync(dir);
      writeFileSync(join(dir, 'Wire.rss'), rss([wire]));
      writeFileSync(join(dir, 'Origin.rss'), rss([origin]));
      // A dry run before any store says which report replaced which.
      const before = await withDryRun(config, (run) => collect(run.items()));
      expect(before.map((e) => [e.article.source.name, e.replaces, e.replacedBy])).toEqual(
        order[0] === 'Wire' ? [['Wire', undefined, 'Origin'], ['Origin', 'Wire', undefined]] : [['Origin', undefined, undefined], ['Wire', undefined, undefined]],
      );
      if (order[0] === 'Origin') expect(before[1]!.skipped).toBe("a copy of Origin's report of the same URL");
      else {
        writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
        const lines: string[] = [];
        const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
        try {
          await runDryRun({ config: join(dir, 'config.json') });
        } finally {
          spy.mockRestore();
        }
        const text = lines.join('\n');
        expect(text).toContain("REPLACED by Origin's report of the same URL (first seen in the same cycle; Origin has the higher priority)");
        expect(text).toContain("REPLACES Wire's report of the same URL (first seen in the same cycle; Origin has the higher priority)");
      }
      const store = SqliteStore.open(config.store.path);
      try {
        const first = await runCycle(config, store);
        expect(first.itemsNew, order.join(', ')).toBe(1);
        expect(storedArticles(store).map((a) => [a.article.source.name, a.article.title])).toEqual([['Origin', 'Orca Cloud adds GPUs']]);
        expect((await feedEntries(store, 'f', 10)).map((e) => e.article.source.name)).toEqual(['Origin']);
        // A later cycle: the wire's copy (edited, so parsed again) is another source's copy of a stored URL.
        writeFileSync(join(dir, 'Wire.rss'), rss([{ ...wire, title: 'Wire: Orca Cloud adds more GPUs' }]));
        const explained = await withDryRun(config, (run) => collect(run.items()));
        expect(explained.find((e) => e.article.source.name === 'Wire')).toMatchObject({ skipped: "a copy of Origin's report of the same URL" });
        await runCycle(config, store);
        expect(storedArticles(store).map((a) => [a.article.source.name, a.article.title])).toEqual([['Origin', 'Orca Cloud adds GPUs']]);
      } finally {
        await store.close();
      }
    }
    // The higher priority counts only among copies seen together: a copy first seen in a later cycle is skipped.
    const dir = join(tmp.dir, 'later');
    mkdirSync(dir);
    const config = parseConfig(
      {
        sources: [
          { name: 'Wire', url: `${base}/later/Wire.rss` },
          { name: 'Origin', url: `${base}/later/Origin.rss`, priority: 5 },
        ],
        watch: { keywords: ['GPU'] },
        feeds: [{ name: 'f', title: 'F' }],
        store: { path: 'store.db' },
        fetch: { timeoutMs: 5000, concurrency: 1 },
      },
      join(dir, 'config.json'),
    );
    writeFileSync(join(dir, 'Wire.rss'), rss([wire]));
    writeFileSync(join(dir, 'Origin.rss'), rss([]));
    const store = SqliteStore.open(config.store.path);
    try {
      await runCycle(config, store);
      writeFileSync(join(dir, 'Origin.rss'), rss([origin]));
      await runCycle(config, store);
      expect(storedArticles(store).map((a) => a.article.source.name)).toEqual(['Wire']);
    } finally {
      await store.close();
    }
  });
});
