/**
 * One item that cannot be normalized fails alone: its feed's other items are
 * stored, and the source's report counts it and names it. The failing input is
 * real: a source timezone V8 does not know makes a zone-less date throw (config
 * validation refuses such a zone, so the tests pass it to `parseAndNormalize`
 * directly, and to a cycle through a pool that adds it to each job).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/cli/report.js';
import { parseConfig } from '../../src/config/index.js';
import { createParsePool, extractPageJob, parseAndNormalize, type ParseJob, type ParsePool } from '../../src/pool/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import { summaryFields, summaryLine } from '../../src/schedule/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { serveDir, tempDir } from '../helpers/env.js';
import { feedEntries } from '../helpers/store.js';

const FEED = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
  <title>Mixed Wire</title>
  <link>https://mixed.example.com/</link>
  <description>One item the zone breaks</description>
  <item>
    <title>Campus plan adds GPU halls</title>
    <link>https://mixed.example.com/news/zone-less</link>
    <pubDate>2026-11-20 10:00</pubDate>
    <description>The operator plans two GPU halls at the data center campus.</description>
  </item>
  <item>
    <title>Utility signs GPU campus power deal</title>
    <link>https://mixed.example.com/news/zoned</link>
    <pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate>
    <description>The data center campus gets 300 MW under the new deal.</description>
  </item>
</channel></rss>
`;

const job = (options: ParseJob['options']): ParseJob => ({
  source: 'Mixed Wire',
  body: new TextEncoder().encode(FEED),
  contentType: 'application/rss+xml',
  url: 'https://mixed.example.com/feed',
  maxItems: 50,
  now: '2026-11-21T00:00:00.000Z',
  options,
  normalizedWith: `options ${JSON.stringify(options)}`,
});

describe('an item that cannot be normalized', () => {
  it('fails alone, named by its link; the other item is normalized (inline and in a worker)', async () => {
    const worker = createParsePool({ size: 1, taskTimeoutMs: 60_000, maxMemoryMb: 256 });
    try {
      for (const result of [await parseAndNormalize(job({ timezone: 'Not/AZone' })), await worker.run(job({ timezone: 'Not/AZone' }))]) {
        expect(result.itemsSeen).toBe(2);
        expect(result.items[0]!.normalized).toBeUndefined();
        expect(result.items[0]!.error).toMatch(/^item 1 \(https:\/\/mixed\.example\.com\/news\/zone-less\) could not be read: .*Not\/AZone/);
        expect(result.items[1]!.error).toBeUndefined();
        expect(result.items[1]!.normalized!.article.url).toBe('https://mixed.example.com/news/zoned');
      }
      // With a zone V8 knows, both items read.
      expect((await parseAndNormalize(job({ timezone: 'Europe/Paris' }))).items.every((i) => i.normalized && !i.error)).toBe(true);
    } finally {
      await worker.close();
    }
  });

  describe('in a cycle', () => {
    let tmp: ReturnType<typeof tempDir>;
    let stop: () => Promise<void>;
    let url: string;

    beforeAll(async () => {
      tmp = tempDir();
      const served = join(tmp.dir, 'served');
      mkdirSync(served);
      writeFileSync(join(served, 'mixed.rss'), FEED);
      ({ url, stop } = await serveDir(served));
    });
    afterAll(async () => {
      await stop();
      tmp.cleanup();
    });

    it('stores the other item, keeps the source ok and says which item was not read', async () => {
      const config = parseConfig(
        { sources: [{ name: 'Mixed Wire', url: `${url}/mixed.rss` }], watch: { keywords: ['GPU'] }, feeds: [{ name: 'infra', title: 'Infra' }], store: { path: 'store.db' } },
        join(tmp.dir, 'config.json'),
      );
      // The real parse stage, with the zone config validation would refuse.
      const pool: ParsePool = { size: 0, run: (j) => parseAndNormalize({ ...j, options: { ...j.options, timezone: 'Not/AZone' } }), extract: async (j) => extractPageJob(j), busyMs: () => 0, workers: () => 0, releaseIdle: () => {}, close: async () => {} };
      const store = SqliteStore.open(config.store.path);
      try {
        const summary = await runCycle(config, store, { pool, now: () => new Date('2026-11-21T00:00:00.000Z') });
        const report = summary.sources[0]!;
        expect(report).toMatchObject({ ok: true, itemsSeen: 2, itemsNew: 1, itemsKept: 1, itemsFailed: 1 });
        expect(report.itemError).toContain('https://mixed.example.com/news/zone-less');
        expect((await feedEntries(store, 'infra', 10)).map((e) => e.article.url)).toEqual(['https://mixed.example.com/news/zoned']);
        expect(formatSummary(summary)).toMatch(/Mixed Wire .*1 item\(s\) not read: item 1 \(https:\/\/mixed\.example\.com\/news\/zone-less\) could not be read/);
        // The daemon's cycle record says it too.
        expect(summaryFields(summary)['itemsFailed']).toEqual([{ source: 'Mixed Wire', items: 1, error: report.itemError }]);
        expect(summaryLine(summary)).toContain('1 new, 1 kept, 1 not read (itemsFailed)');
      } finally {
        await store.close();
      }
    });
  });
});
