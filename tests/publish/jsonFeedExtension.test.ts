/**
 * The JSON Feed extension (`_infrawire`) carries each fact once, and its
 * documented schema (docs/json-feed-extension.schema.json) holds on what a
 * whole cycle publishes, on a hand-built article with every optional field, and
 * on an article stored before today's model (read into today's shape).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedSchema, type LoadedConfig } from '../../src/config/index.js';
import type { Article, FeedEntryRecord } from '../../src/model/index.js';
import { runCycle } from '../../src/pipeline/index.js';
import { feedEntryOf, renderFeeds, type FeedSite } from '../../src/publish/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { entry, makeArticle } from '../helpers/articles.js';
import { ROOT, serveDir, tempDir, testConfig } from '../helpers/env.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'docs/json-feed-extension.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true });
// ajv-formats is CommonJS: its function is the module's `default` under Node's ESM interop.
ajvFormats.default(ajv);
const validExtension = ajv.compile(schema);

interface JsonItem {
  id: string;
  title: string;
  tags: string[];
  authors: { name: string }[];
  _infrawire: { article: Record<string, unknown> & { figures: { display: string; text: string }[] } };
}

const site: FeedSite = { baseUrl: 'https://feeds.example', author: 'infrawire' };
const feed = feedSchema.parse({ name: 'gpu', title: 'GPU feed' });
const itemsOf = (json: string) => (JSON.parse(json) as { items: JsonItem[] }).items;
const schemaErrors = (value: unknown) => (validExtension(value) ? [] : validExtension.errors!.map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message}`));

/** An item's standard fields that the extension must not repeat (as article fields of the same meaning). */
const ITEM_OWN = ['id', 'url', 'title', 'summary', 'bodyHtml', 'authors', 'published', 'updated', 'keywords', 'enclosures'];

describe('the _infrawire extension through a cycle', () => {
  const tmp = tempDir();
  let config: LoadedConfig;
  let stop: () => Promise<void>;
  let items: JsonItem[];

  beforeAll(async () => {
    const served = await serveDir(join(ROOT, 'fixtures'));
    stop = served.stop;
    const sources: [string, string][] = [
      ['DC Wire', '/sources/dcwire.rss'],
      ['GPU Cloud Report', '/sources/gpucloud.atom'],
      ['Power Desk', '/sources/powerdesk-faq.rss'],
      ['Infra Wire JSON', '/sources/wire.json'],
      ['Rackcast', '/media/podcast.rss'],
      ['Northgrid', '/media/news-media.rss'],
      ['Compute Ledger', '/media/attachments.json'],
    ];
    config = testConfig(tmp.dir, served.url, sources, { pool: { size: 0 } });
    const store = SqliteStore.open(config.store.path);
    try {
      await runCycle(config, store, { now: () => new Date('2026-11-27T12:00:00Z') });
    } finally {
      await store.close();
    }
    items = itemsOf(readFileSync(join(config.publish.dir, 'ai-infrastructure.json'), 'utf8'));
  });
  afterAll(async () => {
    await stop();
    tmp.cleanup();
  });

  it('matches the documented schema on every item, with FAQs, figures and media among them', () => {
    expect(items.length).toBeGreaterThan(10);
    for (const item of items) expect(schemaErrors(item._infrawire), item.title).toEqual([]);
    expect(items.some((i) => (i._infrawire.article.faqs as unknown[]).length > 0)).toBe(true);
    expect(items.some((i) => i._infrawire.article.figures.length > 0)).toBe(true);
    expect(items.some((i) => i._infrawire.article.image !== undefined)).toBe(true);
  });

  it('repeats none of the item\'s own fields', () => {
    for (const item of items) for (const key of ITEM_OWN) expect(item._infrawire.article, `${item.title}: ${key}`).not.toHaveProperty(key);
  });
});

describe('the _infrawire extension on one article', () => {
  const full: Article = makeArticle(1, {
    guid: 'urn:uuid:4d1c',
    language: 'en-GB',
    authors: ['Ada Mensah'],
    faqs: [
      { question: 'Who is involved?', answer: 'Ada Mensah, the operator\'s chief executive, signed it.', generated: true },
      { question: 'When does it open?', answer: 'In 2028.', fromPage: true },
    ],
    figures: [
      { kind: 'money', value: 60e9, max: 65e9, unit: 'USD', text: '$60–65 billion', display: '$60–65 billion' },
      { kind: 'money', value: 3.1, unit: 'USD', per: 'GPU-hour', text: '$3.10 per GPU-hour', display: '$3.10 per GPU-hour' },
      { kind: 'percent', value: 12, unit: '%', measure: 'growth', text: '12%', display: '12%' },
    ],
    related: [{ url: 'https://other.example/a', title: 'Other take', source: 'Other Wire', published: '2026-11-20T08:00:00.000Z' }],
    storyFaqs: [
      {
        question: 'Do the reports agree?',
        generated: true,
        facts: [
          { text: 'The round values it at $14.6 billion.', figure: { kind: 'money', value: 14.6e9, unit: 'USD', text: '$14.6 billion', display: '$14.6 billion' }, outlet: 'Feed One', source: 'one', url: 'https://one.example/a' },
          { text: 'It is valued at $15 billion.', figure: { kind: 'money', value: 15e9, unit: 'USD', text: '$15 billion', display: '$15 billion' }, outlet: 'Other Wire', source: 'other', url: 'https://other.example/a' },
        ],
      },
    ],
    enclosures: [{ url: 'https://cdn.example/ep1.mp3', type: 'audio/mpeg', length: 1000 }],
    image: { url: 'https://cdn.example/hall.jpg', width: 1200, height: 675, from: 'page' },
  });

  it('holds every optional field the schema knows, and the schema catches a duplicated or unknown field', () => {
    const [item] = itemsOf(renderFeeds(feed, site, [entry(full, ['GPU cluster'])]).json);
    expect(schemaErrors(item!._infrawire)).toEqual([]);
    expect(item!.authors).toEqual([{ name: 'Ada Mensah' }]);
    for (const key of ['keywords', 'bodyHtml', 'id', 'feedKeywords']) {
      const withDuplicate = { ...item!._infrawire, article: { ...item!._infrawire.article, [key]: 'x' } };
      expect(schemaErrors(withDuplicate).join('\n'), key).toMatch(/must NOT have additional properties/);
    }
    expect(schemaErrors({ ...item!._infrawire, feedKeywords: ['GPU'] }).join('\n')).toMatch(/must NOT have additional properties/);
    const unattributed = structuredClone(item!._infrawire) as unknown as { article: { storyFaqs: { facts: Record<string, unknown>[] }[] } };
    delete unattributed.article.storyFaqs[0]!.facts[0]!.outlet;
    expect(schemaErrors(unattributed).join('\n')).toMatch(/must have required property 'outlet'/);
  });

  it('takes the tags from the feed\'s current decision, never the keywords frozen into the stored article', () => {
    // Stored at ingest when the rule matched "GPU"; the feed's entry now says "data center".
    const stored = { ...makeArticle(2), keywords: ['GPU'] };
    const record: FeedEntryRecord = { id: stored.id, keywords: JSON.stringify(['data center']), addedAt: '2026-11-21T00:00:00.000Z', revision: 1 } as FeedEntryRecord;
    const json = renderFeeds(feed, site, [feedEntryOf(record, Buffer.from(JSON.stringify(stored)))]).json;
    const [item] = itemsOf(json);
    expect(item!.tags).toEqual(['data center']);
    expect(json).not.toContain('"GPU"');
  });

  it('reads an article stored before figures had `display` into today\'s shape', () => {
    const old = makeArticle(3, { figures: [{ kind: 'power', value: 3e8, unit: 'W', text: '300 MW' } as Article['figures'][number]] });
    const [item] = itemsOf(renderFeeds(feed, site, [entry(old)]).json);
    expect(item!._infrawire.article.figures).toEqual([{ kind: 'power', value: 3e8, unit: 'W', text: '300 MW', display: '300 MW' }]);
    expect(schemaErrors(item!._infrawire)).toEqual([]);
  });
});
