/**
 * Dedupe layers (a) and (b) through real cycles: the same source's guid keeps
 * its first id when the link changes; another source's copy of an already
 * stored canonical URL is not stored or published a second time.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDryRun } from '../../src/cli/explain.js';
import { parseConfig } from '../../src/config/index.js';
import { runCycle } from '../../src/schedule/index.js';
import { Store, storedArticles } from '../../src/store/index.js';
import { tempDir, serveDir } from '../helpers/env.js';

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
    const store = new Store(config.store.path);
    try {
      const first = await runCycle(config, store);
      expect(first.itemsNew).toBe(1);
      const [entry] = store.feedEntries('f', 10);
      expect(entry!.article.source.name).toBe('One');
      const explained = await withDryRun(config, (run) => [...run.items()]);
      expect(explained.find((e) => e.article.source.name === 'Two')).toMatchObject({ decisions: [], skipped: "a copy of One's report of the same URL" });

      writeFileSync(join(tmp.dir, 'one.rss'), rss([{ title: 'Orca Cloud adds GPUs (updated)', link: 'https://one.example/orca-renamed', guid: 'g-1' }]));
      const second = await runCycle(config, store);
      expect(second.itemsNew).toBe(0);
      expect(storedArticles(store)).toHaveLength(1);
      const entries = store.feedEntries('f', 10);
      expect(entries).toHaveLength(1);
      expect(entries[0]!.article.id).toBe(entry!.article.id);
      expect(entries[0]!.article.title).toBe('Orca Cloud adds GPUs (updated)');
      expect(entries[0]!.article.url).toBe('https://one.example/orca-renamed');
    } finally {
      store.close();
    }
  });
});
