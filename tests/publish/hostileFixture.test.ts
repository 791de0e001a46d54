/**
 * A hostile source fixture through the whole pipeline (fetch over HTTP on
 * 127.0.0.1 → parse → normalize → curate → store → publish): every published
 * format stays valid and carries no markup from the source.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomUtils, parseDocument } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import type { CycleSummary } from '../../src/model/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { startFixtureServer, tempDir, testConfig, validateAtom } from '../helpers/env.js';

describe('hostile source fixture, published', () => {
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let tmp: ReturnType<typeof tempDir>;
  let config: LoadedConfig;
  let summary: CycleSummary;
  const file = (ext: string) => readFileSync(join(config.publish.dir, `ai-infrastructure.${ext}`), 'utf8');

  beforeAll(async () => {
    fixtures = await startFixtureServer();
    tmp = tempDir();
    config = testConfig(tmp.dir, fixtures.url, [['Hostile Wire', '/publish-hostile.rss']], { publish: { dir: 'feeds', baseUrl: 'http://127.0.0.1:8080', hub: 'http://127.0.0.1:9/hub' } });
    const store = SqliteStore.open(config.store.path);
    try {
      summary = await runCycle(config, store);
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await fixtures?.stop();
    tmp?.cleanup();
  });

  it('publishes both items', () => {
    expect(summary.sources[0]).toMatchObject({ ok: true, itemsSeen: 2, itemsKept: 2 });
    expect(summary.feeds[0]!.entries).toBe(2);
  });

  it('writes Atom the independent validator accepts with no errors or warnings', async () => {
    const result = await validateAtom(join(config.publish.dir, 'ai-infrastructure.atom'));
    expect(result.code, result.output).toBe(0);
  });

  it('lets no source markup through in any format', () => {
    for (const ext of ['atom', 'rss']) {
      const doc = parseDocument(file(ext), { xmlMode: true });
      for (const tag of ['script', 'img', 'iframe', 'b', 'p', 'a']) expect(DomUtils.getElementsByTagName(tag, doc), `${ext} <${tag}>`).toHaveLength(0);
      // Entry HTML (content, summary) parsed as HTML: only the tags infrawire builds, no handlers, no javascript: links.
      for (const el of DomUtils.getElementsByTagName((n) => ['content', 'summary', 'description', 'content:encoded'].includes(n), doc)) {
        const html = parseDocument(DomUtils.textContent(el));
        expect(DomUtils.getElementsByTagName((n) => ['script', 'img', 'iframe'].includes(n), html)).toHaveLength(0);
        for (const e of DomUtils.getElementsByTagName(() => true, html)) {
          expect(Object.keys(e.attribs).filter((k) => k.startsWith('on'))).toEqual([]);
          expect(e.attribs.href ?? '').not.toMatch(/^javascript:/i);
        }
      }
    }
    const json = JSON.parse(file('json'));
    for (const item of json.items) {
      const html = parseDocument(item.content_html);
      expect(DomUtils.getElementsByTagName((n) => ['script', 'img', 'iframe'].includes(n), html)).toHaveLength(0);
    }
  });
});
