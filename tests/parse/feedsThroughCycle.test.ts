/**
 * Feeds people cannot lose, through a real cycle (loopback server → fetch → parse
 * pool → normalize → store): broken XML read leniently and reported as repaired,
 * Atom entries under a prefix declared on the entry, items with nothing to show
 * counted with their reason, JSON Feed with a bare version number, and xml:base on
 * RSS elements. The documents are fixtures/lenient (see its README).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { formatSummary } from '../../src/cli/report.js';
import type { Article } from '../../src/model/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import type { CycleSummary, SourceReport } from '../../src/model/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { ROOT, serveDir, tempDir, testConfig } from '../helpers/env.js';
import { storedArticles } from '../helpers/store.js';

const SOURCES: [string, string][] = [
  ['Gridline', '/broken-tags.rss'],
  ['Rackscale', '/prefixed-entries.atom'],
  ['Substation Daily', '/untitled-items.rss'],
  ['Compute Ledger', '/version-number.json'],
  ['Powerline', '/xml-base.rss'],
];

describe('feeds people cannot lose, through a cycle', () => {
  const tmp = tempDir();
  let stop: () => Promise<void>;
  let summary: CycleSummary;
  let articles: Article[];
  const report = (name: string): SourceReport => summary.sources.find((s) => s.name === name)!;
  const urlsOf = (name: string) => articles.filter((a) => a.source.name === name).map((a) => a.url).sort();

  beforeAll(async () => {
    const served = await serveDir(join(ROOT, 'fixtures/lenient'));
    stop = served.stop;
    // One parse worker: the pool's result crosses a thread boundary, as in production.
    const config = testConfig(tmp.dir, served.url, SOURCES, { pool: { size: 1 } });
    const store = SqliteStore.open(config.store.path);
    try {
      summary = await runCycle(config, store, { now: () => new Date('2026-11-27T12:00:00Z') });
      articles = storedArticles(store).map((s) => s.article);
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await stop?.();
    tmp.cleanup();
  });

  it('reads a feed with broken tags instead of failing the source, and reports the repair', () => {
    expect(report('Gridline')).toMatchObject({ ok: true, format: 'rss2', itemsSeen: 3, itemsNew: 3 });
    expect(report('Gridline').error).toBeUndefined();
    expect(report('Gridline').repaired).toEqual([
      'invalid XML at line 11: Unexpected close tag',
      'dropped the <item> the text ended inside (from character 1447)',
      'closed 4 unclosed elements (<p>, <item>, <channel>, …)',
      'dropped 1 end tag that closed nothing (</div>)',
      'matched 1 end tag to an element named in another case',
      'read 1 HTML void element as empty',
    ]);
    expect(urlsOf('Gridline')).toEqual([
      'https://gridline.example/2026/11/cobalt-oslo-region',
      'https://gridline.example/2026/11/helio-nevada-ppa',
      'https://gridline.example/2026/11/nova-vacancy',
    ]);
    const cobalt = articles.find((a) => a.url.endsWith('cobalt-oslo-region'))!;
    expect(cobalt.paragraphs.join(' ')).toContain('8,000 GPUs behind a new liquid cooling loop');
  });

  it('reads Atom entries under a prefix bound to Atom on the entry itself', () => {
    expect(report('Rackscale')).toMatchObject({ ok: true, format: 'atom', itemsSeen: 2, itemsNew: 2 });
    expect(urlsOf('Rackscale')).toEqual(['https://rackscale.example/2026/11/fjord-bergen', 'https://rackscale.example/2026/11/tidewater-offtake']);
  });

  it('counts items with neither title nor body text, with the reason and the first one, instead of dropping them silently', () => {
    expect(report('Substation Daily')).toMatchObject({
      ok: true,
      itemsSeen: 4,
      itemsNew: 1,
      itemsSkipped: {
        count: 3,
        reasons: { 'neither title nor body': 2, 'no title, and no text in its body': 1 },
        first: '2 (https://substation.example/2026/11/placeholder-1)',
      },
    });
    expect(urlsOf('Substation Daily')).toEqual(['https://substation.example/2026/11/ridgeline-ohio']);
  });

  it('reads a JSON Feed whose version is the bare number', () => {
    expect(report('Compute Ledger')).toMatchObject({ ok: true, format: 'json', itemsSeen: 2, itemsNew: 2 });
    expect(urlsOf('Compute Ledger')).toEqual(['https://computeledger.example/2026/11/halvard-cooling', 'https://computeledger.example/2026/11/tessera-b300']);
  });

  it('resolves RSS links and body URLs against the xml:base of the root, channel, item and content:encoded', () => {
    expect(report('Powerline')).toMatchObject({ ok: true, itemsSeen: 2, itemsNew: 2 });
    expect(urlsOf('Powerline')).toEqual(['https://powerline.example/news/2026/11/basalt-texas-plant', 'https://powerline.example/news/2026/11/kitewing-idaho']);
    const basalt = articles.find((a) => a.url.endsWith('basalt-texas-plant'))!;
    expect(basalt.bodyHtml).toContain('href="https://powerline.example/news/2026/11/basalt-background"');
    const kitewing = articles.find((a) => a.url.endsWith('kitewing-idaho'))!;
    expect(kitewing.bodyHtml).toContain('src="https://media.powerline.example/charts/kitewing-output.png"');
    expect(kitewing.bodyHtml).toContain('href="https://media.powerline.example/notes/kitewing.html"');
    expect(kitewing.source.feedLink).toBe('https://powerline.example/news/');
  });

  it('run shows the repair and the skipped items in its summary and its --json output', () => {
    const text = formatSummary(summary);
    const line = (name: string) => text.split('\n').find((l) => l.includes(` ${name} `))!;
    expect(line('Gridline')).toMatch(/^ok .*repaired broken XML \(invalid XML at line 11: Unexpected close tag; dropped the <item> the text ended inside/);
    expect(line('Substation Daily')).toContain('3 item(s) skipped (2: neither title nor body, 1: no title, and no text in its body; first: item 2 (https://substation.example/2026/11/placeholder-1))');
    // `run --json` prints the summary itself.
    const json = JSON.parse(JSON.stringify(summary)) as CycleSummary;
    expect(json.sources.find((s) => s.name === 'Gridline')?.repaired?.[0]).toBe('invalid XML at line 11: Unexpected close tag');
    expect(json.sources.find((s) => s.name === 'Substation Daily')?.itemsSkipped?.count).toBe(3);
    expect(summary.sources.every((s) => s.ok)).toBe(true);
  });
});
