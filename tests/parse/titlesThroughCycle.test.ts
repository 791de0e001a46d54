/**
 * Titles from a real cycle (loopback server → fetch → parse → normalize → store):
 * what a subscriber is shown is the text of each title construct, in order, with
 * the brackets an Atom plain-text title really has; the source's feed title is text.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/pipeline/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { serveDir, tempDir, testConfig, type TestServer } from '../helpers/env.js';
import { storedArticles } from '../helpers/store.js';

const XHTML = 'xmlns="http://www.w3.org/1999/xhtml"';
const FEED = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="xhtml"><div ${XHTML}>Grid <em>power</em> &amp; chips</div></title>
  <id>urn:test:titles</id><updated>2026-11-20T10:00:00Z</updated>
  <entry><id>urn:test:1</id><link href="https://titles.example/1"/><updated>2026-11-20T10:00:00Z</updated>
    <title type="text">Why &lt;GPU&gt; racks overheat</title><summary>Cooling racks in a data center.</summary></entry>
  <entry><id>urn:test:2</id><link href="https://titles.example/2"/><updated>2026-11-20T09:00:00Z</updated>
    <title type="xhtml"><div ${XHTML}>Substation <b>approved</b> for the new campus</div></title><summary>A data center campus.</summary></entry>
  <entry><id>urn:test:3</id><link href="https://titles.example/3"/><updated>2026-11-20T08:00:00Z</updated>
    <title type="html">Chips &amp;amp; &lt;i&gt;power&lt;/i&gt;</title><summary>Data center news.</summary></entry>
</feed>`;

describe('titles through a cycle', () => {
  const tmp = tempDir();
  let fixtures: TestServer;
  let base: string;
  beforeAll(async () => {
    writeFileSync(join(tmp.dir, 'titles.atom'), FEED);
    fixtures = await serveDir(tmp.dir);
    base = fixtures.url;
  });
  afterAll(async () => {
    await fixtures.stop();
    tmp.cleanup();
  });

  it('stores the shown text of plain-text, XHTML and HTML titles, and a plain-text feed title', async () => {
    const cfg = testConfig(tmp.dir, base, [['Titles', '/titles.atom']]);
    const store = SqliteStore.open(cfg.store.path);
    try {
      const summary = await runCycle(cfg, store, { now: () => new Date('2026-11-21T00:00:00Z') });
      expect(summary.sources[0]).toMatchObject({ ok: true, format: 'atom', itemsSeen: 3 });
      const articles = storedArticles(store).map((s) => s.article);
      expect(articles.map((a) => a.title).sort()).toEqual(['Chips & power', 'Substation approved for the new campus', 'Why <GPU> racks overheat']);
      expect(new Set(articles.map((a) => a.source.feedTitle))).toEqual(new Set(['Grid power & chips']));
    } finally {
      await store.close();
    }
  });
});
