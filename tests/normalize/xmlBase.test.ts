/**
 * xml:base through a whole cycle: relative links and images in Atom content come
 * out absolute in the published Atom and JSON Feed, and the Atom still validates.
 * The base chain is document URL → feed → entry → content, as RFC 3986 resolves it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/index.js';
import { parseConfig } from '../../src/config/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { rawTestConfig, serveDir, tempDir, validateAtom, type TestServer } from '../helpers/env.js';
import { MODEL_FIXTURES } from '../helpers/articles.js';

const HALDEN = 'https://ledger.example/newsroom/2026/11/';

describe('xml:base through a cycle', () => {
  let fixtures: TestServer;
  const tmp = tempDir();
  let config: LoadedConfig;

  beforeAll(async () => {
    fixtures = await serveDir(MODEL_FIXTURES);
    const url = fixtures.url;
    config = parseConfig(rawTestConfig(url, [['Grid Ledger', '/xml-base.atom']]), join(tmp.dir, 'config.json'));
    const store = SqliteStore.open(config.store.path);
    try {
      await runCycle(config, store, { now: () => new Date('2026-11-21T12:00:00Z') });
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await fixtures.stop();
    tmp.cleanup();
  });

  const published = (ext: string): string => readFileSync(join(config.publish.dir, `ai-infrastructure${ext}`), 'utf8');

  it('publishes valid Atom with the feed and entry bases applied to links and images', async () => {
    const result = await validateAtom(join(config.publish.dir, 'ai-infrastructure.atom'));
    expect(result.code, result.output).toBe(0);
    const xml = published('.atom');
    expect(xml).toContain(`href="${HALDEN}filings/halden-permit.pdf"`);
    expect(xml).toContain('href="https://ledger.example/newsroom/about/"');
    expect(xml).toContain(`src="${HALDEN}img/halden-hall.jpg"`);
    // The entry's relative alternate link resolves against the entry's base too.
    expect(xml).toContain(`${HALDEN}halden-gpu-hall.html`);
  });

  it('applies a content element base over the feed base, root-relative to the feed base host', () => {
    const xml = published('.atom');
    expect(xml).toContain('href="https://ledger.example/media/quarry/connection-map.html"');
    expect(xml).toContain('src="https://ledger.example/media/quarry/site.png"');
    expect(xml).not.toMatch(/(?:href|src)="(?!https?:)/);
  });

  it('carries the same absolute URLs in the JSON Feed: the model bodyHtml and content_html', () => {
    type Item = { title: string; content_html: string };
    const items = (JSON.parse(published('.json')) as { items: Item[] }).items;
    const find = (start: string): Item | undefined => items.find((i) => i.title.startsWith(start));
    const halden = find('Halden')!;
    const quarry = find('Quarry')!;
    expect(halden.content_html).toContain(`href="${HALDEN}filings/halden-permit.pdf"`);
    expect(halden.content_html).toContain(`src="${HALDEN}img/halden-hall.jpg"`);
    expect(quarry.content_html).toContain('src="https://ledger.example/media/quarry/site.png"');
    expect(quarry.content_html).toContain('href="https://ledger.example/media/quarry/connection-map.html"');
  });
});
