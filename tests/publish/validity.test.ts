/**
 * What the W3C feed validator warns about, through whole cycles over loopback:
 * every atom:source carries `updated` (the source feed's own, else when it was
 * fetched, fixed when the article is first stored), no empty summary element is
 * written, and a feed with no entries yet is dated by infrawire's first publish
 * (kept across cycles), never 1970-01-01.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type LoadedConfig } from '../../src/config/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { rawTestConfig, serveDir, tempDir, validateAtom } from '../helpers/env.js';

function rss(lastBuildDate: string | undefined, items: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Grid &amp; Compute Weekly</title><link>https://gridcompute.example/</link><description>Power for AI</description>
${lastBuildDate ? `<lastBuildDate>${lastBuildDate}</lastBuildDate>` : ''}
${items}
</channel></rss>`;
}

const TITLE_ONLY = `<item><title>Nordic GPU campus signs 300 MW power deal</title><link>https://gridcompute.example/nordic-300mw</link>
<pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate></item>`;
const WITH_BODY = `<item><title>Hyperscaler books 40,000 GPUs in a new data center</title><link>https://gridcompute.example/hyperscaler-40k</link>
<pubDate>Mon, 30 Nov 2026 07:00:00 GMT</pubDate><description>A hyperscaler booked 40,000 GPUs for a data center opening next spring.</description></item>`;
// No date: read again every time its feed changes (it is never known), so only the keep rule holds its atom:source still.
const UNDATED = `<item><title>Utility approves a substation for a GPU data center</title><link>https://gridcompute.example/substation</link>
<description>The substation feeds 150 MW to the data center.</description></item>`;
const UNDATED_FEED = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Chip Desk</title><id>urn:uuid:5d3c4a60-chip-desk</id>
<entry><title>Accelerator start-up opens a GPU cluster in Oslo</title><id>urn:uuid:5d3c4a60-oslo</id>
<link href="https://chipdesk.example/oslo-cluster"/><published>2026-11-29T10:00:00Z</published>
<content type="text">The GPU cluster has 2,000 accelerators.</content><author><name>Desk</name></author></entry>
</feed>`;

describe('W3C warnings: atom:source updated, empty summaries, empty feeds', () => {
  const tmp = tempDir();
  const site = join(tmp.dir, 'site');
  let server: Awaited<ReturnType<typeof serveDir>>;
  let config: LoadedConfig;
  const atom = (name = 'ai-infrastructure') => readFileSync(join(config.publish.dir, `${name}.atom`), 'utf8');
  const cycle = async (at: string) => {
    const store = SqliteStore.open(config.store.path);
    try {
      return await runCycle(config, store, { now: () => new Date(at) });
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    mkdirSync(site);
    writeFileSync(join(site, 'grid.rss'), rss('Mon, 30 Nov 2026 09:15:00 GMT', TITLE_ONLY + WITH_BODY + UNDATED));
    writeFileSync(join(site, 'chips.atom'), UNDATED_FEED);
    server = await serveDir(site);
    const raw = rawTestConfig(server.url, [
      ['Grid', '/grid.rss'],
      ['Chips', '/chips.atom'],
    ]);
    // A second feed that nothing matches: it stays empty.
    raw.feeds = [
      { name: 'ai-infrastructure', title: 'AI infrastructure (test)' },
      { name: 'quantum', title: 'Quantum', keywords: ['qubit'] },
    ];
    config = parseConfig(raw, join(tmp.dir, 'config.json'));
    await cycle('2026-12-01T10:00:00Z');
  });
  afterAll(async () => {
    await server.stop();
    tmp.cleanup();
  });

  const entryOf = (xml: string, title: string): string => {
    const entry = xml.split('<entry>').find((e) => e.includes(title));
    if (!entry) throw new Error(`no entry titled ${title}`);
    return entry;
  };

  it("gives atom:source the source feed's own updated, else the time it was fetched", () => {
    const xml = atom();
    expect(entryOf(xml, 'Nordic GPU campus')).toMatch(/<source>[^]*<updated>2026-11-30T09:15:00\.000Z<\/updated>[^]*<\/source>/);
    expect(entryOf(xml, 'Accelerator start-up')).toMatch(/<source>[^]*<updated>2026-12-01T10:00:00\.000Z<\/updated>[^]*<\/source>/);
  });

  it('writes no empty summary element: a title-only item has none, an item with text has one', () => {
    const xml = atom();
    expect(entryOf(xml, 'Nordic GPU campus')).not.toContain('<summary');
    expect(entryOf(xml, 'Hyperscaler books')).toContain('<summary type="html">');
    expect(xml).not.toMatch(/<summary[^>]*>(<!\[CDATA\[\]\]>)?<\/summary>/);
  });

  it('dates a feed with no entries by its first publish, not 1970', () => {
    const xml = atom('quantum');
    expect(xml).not.toContain('<entry>');
    expect(xml).toContain('<updated>2026-12-01T10:00:00.000Z</updated>');
    expect(xml).not.toContain('1970');
    expect(readFileSync(join(config.publish.dir, 'quantum.rss'), 'utf8')).toContain('Tue, 01 Dec 2026 10:00:00 GMT');
  });

  it('validates, both feeds, with no warning', async () => {
    const result = await validateAtom(join(config.publish.dir, 'ai-infrastructure.atom'), join(config.publish.dir, 'quantum.atom'));
    expect(result.code, result.output).toBe(0);
  });

  it('keeps all three across later cycles: a rebuilt source feed does not change a stored entry, the empty feed keeps its date', async () => {
    const before = atom();
    const emptyBefore = atom('quantum');
    // The source rebuilds its feed (new lastBuildDate), the items unchanged; the Atom source feed adds nothing.
    writeFileSync(join(site, 'grid.rss'), rss('Wed, 02 Dec 2026 06:00:00 GMT', TITLE_ONLY + WITH_BODY + UNDATED));
    const summary = await cycle('2026-12-02T10:00:00Z');
    expect(summary.sources.find((s) => s.name === 'Grid')).toMatchObject({ ok: true, itemsNew: 0, itemsChanged: 0 });
    expect(atom()).toBe(before);
    expect(atom('quantum')).toBe(emptyBefore);
  });

  it("a new item of the rebuilt feed gets the feed's new date", async () => {
    const fresh = `<item><title>Colocation provider adds liquid cooling for GPU racks</title><link>https://gridcompute.example/colo-liquid</link>
<pubDate>Thu, 03 Dec 2026 07:00:00 GMT</pubDate><description>Liquid cooling for 120 kW GPU racks arrives at the colocation site.</description></item>`;
    writeFileSync(join(site, 'grid.rss'), rss('Thu, 03 Dec 2026 08:00:00 GMT', fresh + TITLE_ONLY + WITH_BODY + UNDATED));
    await cycle('2026-12-03T10:00:00Z');
    const xml = atom();
    expect(entryOf(xml, 'Colocation provider')).toContain('<updated>2026-12-03T08:00:00.000Z</updated>\n      <link rel="self"');
    expect(entryOf(xml, 'Nordic GPU campus')).toContain('<updated>2026-11-30T09:15:00.000Z</updated>\n      <link rel="self"');
    expect(entryOf(xml, 'Utility approves')).toContain('<updated>2026-11-30T09:15:00.000Z</updated>\n      <link rel="self"');
  });
});
