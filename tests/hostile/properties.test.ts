/**
 * Property tests: whatever a source sends, normalize → curate → publish must
 * not throw and must give an Atom feed the independent validator accepts.
 *
 * Rules:
 * - Fixed seeds and a bounded number of runs, so a failure replays and the
 *   suite's time stays predictable.
 * - Every generated feed is validated in ONE validator call (one JVM).
 * - No timing assertions: "total" means never throws on any input.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { KEYWORD_MAX_CHARS, parseConfig } from '../../src/config/index.js';
import { compileKeywords, decideFeeds, feedRulesFor, keptFeeds, matchWatchRules } from '../../src/curate/index.js';
import type { FeedEntry, ParsedItem, SourceRef } from '../../src/model/index.js';
import { toArticle } from '../../src/normalize/index.js';
import { renderFeeds, type FeedSite } from '../../src/publish/index.js';
import { TEST_KEYWORDS, tempDir, validateAtom } from '../helpers/env.js';

const SEED = 20261128;
const FEED_RUNS = 40;

/** Any UTF-16 code unit: control characters, NUL, lone surrogates included. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const NASTY = ['', ']]>', '<script>alert(1)</script>', '<![CDATA[x]]>', '\u0000', '\u001b[31m', '\ud800', '\udfff', '\ufffe', '&lol;', '&#0;', '<a href="javascript:alert(1)">x</a>', 'GPU', 'data center', 'Nvidia'];

const hostileString = fc.oneof(
  fc.string({ unit: anyCodeUnit, maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(...NASTY),
  fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: anyCodeUnit, maxLength: 10 })), { maxLength: 12 }).map((parts) => parts.join('')),
  // Huge: up to ~10 KB made of one repeated hostile piece (the 1 MB title is in sources.test.ts).
  fc.tuple(fc.constantFrom(...NASTY, 'x', '\ud83d'), fc.integer({ min: 100, max: 400 })).map(([s, n]) => (s || 'y').repeat(n)),
);

const hostileHtml = fc.oneof(
  hostileString,
  fc.array(fc.tuple(fc.constantFrom('p', 'script', 'a', 'img', 'iframe', 'svg', 'b', 'div', 'style', 'dl', 'dt', 'dd'), hostileString), { maxLength: 6 }).map((parts) =>
    parts.map(([tag, text]) => `<${tag} onclick="${text}">${text}</${tag}>`).join(''),
  ),
);

const hostileDate = fc.oneof(
  hostileString,
  fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toUTCString())),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('0000-00-00T00:00:00Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00.000Z', 'Tue, 31 Feb 2026 25:61:61 GMT', '1970-01-01'),
);

const hostileLink = fc.oneof(
  hostileString,
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom('javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,<script>x</script>', '//evil.example/x', 'http://[::1', '/relative/path', '../../etc/passwd'),
);

const parsedItem: fc.Arbitrary<ParsedItem> = fc.record(
  {
    guid: hostileString,
    link: hostileLink,
    baseUrl: hostileLink,
    title: hostileHtml,
    contentHtml: hostileHtml,
    summaryHtml: hostileHtml,
    published: hostileDate,
    updated: hostileDate,
    authors: fc.array(hostileString, { maxLength: 3 }),
    categories: fc.array(hostileString, { maxLength: 3 }),
  },
  { requiredKeys: ['authors', 'categories'] },
);

const source: SourceRef = { name: 'Hostile', url: 'http://127.0.0.1:9/feed.xml', feedTitle: 'Hostile <b>feed</b> ]]>' };
const site: FeedSite = { baseUrl: 'http://127.0.0.1:8080', author: 'infrawire test' };
const NOW = new Date('2026-11-28T12:00:00Z');

const RAW_CONFIG = {
  sources: [{ name: 'Hostile', url: source.url }],
  watch: { keywords: TEST_KEYWORDS },
  feeds: [
    { name: 'everything', title: 'Everything ]]> <script>' },
    { name: 'chips', title: 'Chips', keywords: ['chip', 'semiconductor', 'GPU'] },
  ],
  publish: { dir: 'feeds', baseUrl: site.baseUrl },
  store: { path: 'store.db' },
};
const config = parseConfig(RAW_CONFIG, '/tmp/properties-config.json');

/** Normalize and curate items; every article becomes an entry (kept or not) so publish sees all of them. */
function pipeline(items: ParsedItem[]): FeedEntry[] {
  const rules = feedRulesFor(config);
  const matchers = compileKeywords(TEST_KEYWORDS);
  const entries: FeedEntry[] = [];
  for (const item of items) {
    const article = toArticle(item, source, NOW);
    if (!article) continue;
    const kept = keptFeeds(decideFeeds(article, rules, NOW));
    const keywords = [...(kept.get('everything') ?? []), ...matchWatchRules(article, matchers)];
    entries.push({ article, keywords, addedAt: NOW.toISOString() });
  }
  return entries;
}

describe('hostile structures through normalize → curate → publish', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('never throws and every Atom feed validates', { timeout: 240_000 }, async () => {
    const files: string[] = [];
    let entriesTotal = 0;
    fc.assert(
      fc.property(fc.array(parsedItem, { minLength: 1, maxLength: 4 }), (items) => {
        const entries = pipeline(items);
        entriesTotal += entries.length;
        const rendered = renderFeeds(config.feeds[0]!, site, entries);
        expect(rendered.atom.startsWith('<?xml')).toBe(true);
        JSON.parse(rendered.json);
        const file = join(tmp.dir, `feed-${files.length}.atom`);
        writeFileSync(file, rendered.atom);
        files.push(file);
      }),
      { seed: SEED, numRuns: FEED_RUNS, endOnFailure: true },
    );
    // The generator must reach publish with real entries, not only empty feeds.
    expect(files.length).toBe(FEED_RUNS);
    expect(entriesTotal).toBeGreaterThan(FEED_RUNS);
    const result = await validateAtom(...files);
    expect(result.output).not.toMatch(/\bFAIL\b/);
    expect(result.code, result.output).toBe(0);
  });
});

describe('keyword matching is total', () => {
  /** A keyword the config schema accepts; the rest are refused at load and never reach the matcher. */
  function acceptedKeyword(keyword: string): boolean {
    try {
      parseConfig({ ...RAW_CONFIG, watch: { keywords: [keyword] } }, '/tmp/k.json');
      return true;
    } catch {
      return false;
    }
  }

  it('arbitrary accepted keywords against arbitrary text never throw', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(hostileString, { minLength: 1, maxLength: 4 }), hostileString, (keywords, text) => {
        const valid = keywords.filter(acceptedKeyword);
        accepted += valid.length;
        const matchers = compileKeywords(valid);
        const matched = matchWatchRules({ title: text, summary: text, paragraphs: [text], faqs: [{ question: text, answer: text }] }, matchers);
        for (const m of matched) expect(valid).toContain(m);
      }),
      { seed: SEED, numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('the longest keyword the config accepts compiles and matches; a longer one is refused naming its path', () => {
    const longest = 'GPU '.repeat(KEYWORD_MAX_CHARS / 4).trim();
    expect(acceptedKeyword(longest)).toBe(true);
    expect(matchWatchRules({ title: longest, summary: '', paragraphs: [], faqs: [] }, compileKeywords([longest]))).toEqual([longest]);
    expect(() => parseConfig({ ...RAW_CONFIG, watch: { keywords: ['GPU', '&lol;'.repeat(KEYWORD_MAX_CHARS)] } }, '/tmp/k.json')).toThrow(/watch\.keywords\[1\].*at most 200/);
  });

  it('a keyword is found in any text that contains it between spaces', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{1,15}$/), hostileString, hostileString, (keyword, before, after) => {
        const matchers = compileKeywords([keyword]);
        const text = `${before} ${keyword} ${after}`;
        expect(matchWatchRules({ title: text, summary: '', paragraphs: [], faqs: [] }, matchers)).toEqual([keyword]);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
