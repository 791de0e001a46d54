/** Watch rules: keywords, variants, aliases, excludes, weights, fields, all-of, figures, regex, score and age. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type TermConfig, type WatchRulesConfig } from '../../src/config/index.js';
import { articleFields, compileRules, decide, decisionCategories, feedRulesFor, decideFeeds } from '../../src/curate/index.js';
import type { Article, Figure } from '../../src/model/index.js';
import { ROOT } from '../helpers/env.js';

const NOW = new Date('2026-11-28T12:00:00Z');

function article(over: Partial<Article> = {}): Article {
  return {
    id: 'tag:test,2026:1',
    url: 'https://news.example/2026/11/story',
    title: 'A quiet week',
    source: { name: 'Test Wire', url: 'https://news.example/feed' },
    authors: [],
    published: '2026-11-27T08:00:00.000Z',
    updated: '2026-11-27T08:00:00.000Z',
    summary: '',
    paragraphs: [],
    faqs: [],
    categories: [],
    figures: [],
    related: [],
    keywords: [],
    ...over,
  };
}

function judge(rules: WatchRulesConfig, a: Article) {
  return decide(a, articleFields(a), compileRules(rules), NOW);
}

const matchesKeyword = (keyword: TermConfig, text: string) => judge({ terms: [keyword] }, article({ paragraphs: [text] })).kept;

describe('keywords', () => {
  it('"AI" matches whole words only: not rain, said or Thailand', () => {
    for (const text of ['It will rain today.', 'He said no.', 'A plant in Thailand.', 'AIM high', 'the Kaiser']) expect(matchesKeyword('AI', text), text).toBe(false);
    for (const text of ['An AI campus.', 'AI-ready racks', '(AI)', 'new AIs']) expect(matchesKeyword('AI', text), text).toBe(true);
  });

  it('is case- and diacritic-insensitive', () => {
    expect(matchesKeyword('Tromso', 'A new site near TROMSØ'.replace('Ø', 'O'))).toBe(true);
    expect(matchesKeyword('Sao Paulo', 'Expansion in São Paulo')).toBe(true);
    expect(matchesKeyword('São Paulo', 'Expansion in sao paulo')).toBe(true);
    expect(matchesKeyword('nscale', 'NSCALE signs deal')).toBe(true);
  });

  it('"data center" matches plurals, hyphens and the -re spelling', () => {
    for (const text of ['a data center', 'two data centers', 'the data centre', 'new data centres', 'a data-centre campus']) expect(matchesKeyword('data center', text), text).toBe(true);
    expect(matchesKeyword('data centre', 'two data centers')).toBe(true);
    expect(matchesKeyword('data center', 'a data centrex')).toBe(false);
    expect(matchesKeyword('optimize', 'they optimise cooling')).toBe(true);
  });

  it('aliases count as the term and publish under its name', () => {
    const d = judge({ terms: [{ term: 'Nscale', aliases: ['N-Scale', 'Nscale Global'] }] }, article({ title: 'Nscal? No: N-Scale opens a site' }));
    expect(d.kept).toBe(true);
    expect(decisionCategories(d)).toEqual(['Nscale']);
    expect(d.matches[0]!.hits).toEqual([{ field: 'title', text: 'N-Scale' }]);
  });
});

describe('scores and decisions', () => {
  it('a title match weighs more than a body match', () => {
    const rules = { keywords: ['GPU'] };
    const inTitle = judge(rules, article({ title: 'GPU prices fall' }));
    const inBody = judge(rules, article({ paragraphs: ['GPU prices fall'] }));
    expect(inTitle.score).toBeGreaterThan(inBody.score);
    expect(inTitle.score).toBe(3);
    expect(inBody.score).toBe(1);
  });

  it('weights multiply and the minimum score is enforced', () => {
    const rules: WatchRulesConfig = { terms: [{ term: 'GPU', weight: 2 }, 'cluster'], minScore: 4 };
    const low = judge(rules, article({ paragraphs: ['A GPU cluster in Ohio.'] }));
    expect(low.score).toBe(3);
    expect(low.kept).toBe(false);
    expect(low.reason).toContain('below 4');
    const high = judge(rules, article({ title: 'GPU deal', paragraphs: ['A cluster.'] }));
    expect(high.score).toBe(7);
    expect(high.kept).toBe(true);
  });

  it('exclude terms drop a story whatever its score', () => {
    const d = judge({ keywords: ['Nvidia'], exclude: ['earnings call'] }, article({ title: 'Nvidia earnings call transcript' }));
    expect(d.kept).toBe(false);
    expect(d.reason).toContain('excluded by "earnings call"');
    expect(d.matches.map((m) => m.term)).toEqual(['Nvidia']);
  });

  it('field scope: a term only matches where it is allowed to', () => {
    const a = article({ title: 'Weekly roundup', categories: ['Nscale'], authors: ['Jane Lambda'], url: 'https://news.example/power-deal/x' });
    expect(judge({ keywords: ['Nscale'] }, a).kept).toBe(false);
    const cat = judge({ terms: [{ term: 'Nscale', fields: ['categories'] }] }, a);
    expect(cat.kept).toBe(true);
    expect(cat.score).toBe(2);
    expect(judge({ terms: [{ term: 'Lambda', fields: ['author'] }] }, a).kept).toBe(true);
    expect(judge({ terms: [{ term: 'power deal', fields: ['url'] }] }, a).kept).toBe(true);
    expect(judge({ terms: [{ term: 'Weekly', fields: ['body'] }] }, a).kept).toBe(false);
  });

  it('all-of groups need every part', () => {
    const rules: WatchRulesConfig = { terms: [{ allOf: ['Norway', 'data center'], weight: 2 }] };
    expect(judge(rules, article({ title: 'New data center in Norway' })).kept).toBe(true);
    expect(decisionCategories(judge(rules, article({ title: 'New data center in Norway' })))).toEqual(['Norway + data center']);
    expect(judge(rules, article({ title: 'New data center in Sweden' })).kept).toBe(false);
    expect(judge(rules, article({ title: 'Hiking in Norway' })).kept).toBe(false);
  });

  it('figure conditions compare article.figures in base units', () => {
    const power = (watts: number): Figure => ({ kind: 'power', value: watts, unit: 'W', text: `${watts / 1e6} MW`, display: `${watts / 1e6} MW` });
    const money = (usd: number): Figure => ({ kind: 'money', value: usd, unit: 'USD', text: `$${usd / 1e9} billion`, display: `$${usd / 1e9} billion` });
    const rules: WatchRulesConfig = { terms: [{ figure: 'power', atLeast: 100e6, label: 'power >= 100 MW' }, { figure: 'money', atLeast: 1e9, unit: 'USD' }] };
    const big = judge(rules, article({ figures: [power(300e6)] }));
    expect(big.kept).toBe(true);
    expect(big.matches).toEqual([{ term: 'power >= 100 MW', weight: 1, score: 1, hits: [{ field: 'figures', text: '300 MW' }] }]);
    expect(judge(rules, article({ figures: [power(40e6), money(0.5e9)] })).kept).toBe(false);
    expect(decisionCategories(judge(rules, article({ figures: [money(1.9e9)] })))).toEqual(['money USD >= 1000000000']);
    const both: WatchRulesConfig = { terms: [{ allOf: ['data center', { figure: 'power', atLeast: 100e6 }], label: 'big data center' }] };
    expect(judge(both, article({ title: 'Data center plan', figures: [power(300e6)] })).kept).toBe(true);
    expect(judge(both, article({ title: 'Data center plan', figures: [power(30e6)] })).kept).toBe(false);
  });

  it('maximum age drops old stories', () => {
    const rules = { keywords: ['GPU'], maxAgeDays: 2 };
    expect(judge(rules, article({ title: 'GPU', published: '2026-11-27T00:00:00Z' })).kept).toBe(true);
    const old = judge(rules, article({ title: 'GPU', published: '2026-11-20T00:00:00Z' }));
    expect(old.kept).toBe(false);
    expect(old.reason).toContain('older than 2 days');
  });

  it('regular expressions run in linear time: (a+)+$ cannot stall a cycle', () => {
    const evil = `${'a'.repeat(50_000)}!`;
    const d = judge({ terms: [{ pattern: '(a+)+$', label: 'evil' }, { pattern: 'H[12]00s?', label: 'Hopper' }] }, article({ title: 'Racks of H100s', paragraphs: [evil] }));
    expect(d.matches.map((m) => m.term)).toEqual(['Hopper']);
    expect(judge({ terms: [{ pattern: '(a+)+$' }] }, article({ paragraphs: ['a'.repeat(50_000)] })).kept).toBe(true);
  });
});

describe('rules in config', () => {
  const raw = (watch: unknown, feeds: unknown[] = [{ name: 'main', title: 'Main' }], sources: unknown[] = [{ name: 'Wire', url: 'https://w.example/feed' }]) => ({ sources, watch, feeds });

  it('the second curated feed shown in README.md is a valid config and keeps what it says', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const snippet = /```json\n("feeds": \[[\s\S]*?"power-deals"[\s\S]*?\n\])\n```/.exec(readme)![1]!;
    const config = parseConfig({ sources: [{ name: 'Wire', url: 'https://w.example/feed' }], watch: { keywords: ['GPU'] }, ...JSON.parse(`{${snippet}}`) }, '/tmp/c.json');
    const story = article({ title: 'A new data center campus', figures: [{ kind: 'power', value: 300e6, unit: 'W', text: '300 MW', display: '300 MW' }] });
    const kept = decideFeeds(story, feedRulesFor(config), NOW).filter((d) => d.decision.kept);
    expect(kept.map((d) => d.feed)).toEqual(['power-deals']);
    expect(decisionCategories(kept[0]!.decision)).toEqual(['100 MW+ data center']);
  });

  it('a regex RE2 cannot run is refused at load with its path', () => {
    let problems: string[] = [];
    try {
      parseConfig(raw({ keywords: ['x'], terms: ['ok', { pattern: '(a)\\1' }] }), '/tmp/c.json');
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems.some((p) => p.startsWith('watch.terms[1].pattern: not a valid RE2 regular expression'))).toBe(true);
  });

  it('each feed has its own rules; a source adds its own excludes', () => {
    const config = parseConfig(
      raw(
        { keywords: ['data center'] },
        [
          { name: 'main', title: 'Main' },
          { name: 'nscale', title: 'Nscale', keywords: ['Nscale'] },
          { name: 'power-deals', title: 'Power deals', watch: { terms: [{ figure: 'power', atLeast: 100e6 }], exclude: ['rumour'] } },
        ],
        [{ name: 'Wire', url: 'https://w.example/feed', watch: { exclude: ['sponsored'] } }, { name: 'Other', url: 'https://o.example/feed' }],
      ),
      '/tmp/c.json',
    );
    const rules = feedRulesFor(config);
    const story = article({ source: { name: 'Wire', url: 'https://w.example/feed' }, title: 'Nscale plans a data center', figures: [{ kind: 'power', value: 200e6, unit: 'W', text: '200 MW', display: '200 MW' }] });
    const kept = (a: Article) => decideFeeds(a, rules, NOW).filter((d) => d.decision.kept).map((d) => d.feed);
    expect(kept(story)).toEqual(['main', 'nscale', 'power-deals']);
    expect(kept({ ...story, paragraphs: ['A rumour, not confirmed.'] })).toEqual(['main', 'nscale']);
    expect(kept({ ...story, paragraphs: ['Sponsored content.'] })).toEqual([]);
    expect(kept({ ...story, paragraphs: ['Sponsored content.'], source: { name: 'Other', url: 'https://o.example/feed' } })).toEqual(['main', 'nscale', 'power-deals']);
  });
});
