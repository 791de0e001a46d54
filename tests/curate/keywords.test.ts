import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { compileKeyword, compileKeywords, matchableText, matchWatchRules } from '../../src/curate/index.js';
import type { Faq } from '../../src/model/index.js';

interface Matchable {
  title: string;
  summary: string;
  paragraphs: string[];
  faqs: Faq[];
}

const article = (over: Partial<Matchable> = {}): Matchable => ({ title: 'Untitled', summary: '', paragraphs: [], faqs: [], ...over });

/** The keywords of `keywords` found in a title-only article. */
const hits = (keywords: string[], title: string): string[] => matchWatchRules(article({ title }), compileKeywords(keywords));
const matches = (keyword: string, text: string): boolean => hits([keyword], text).length === 1;

describe('whole words only', () => {
  it('"AI" never matches inside other words', () => {
    for (const text of ['rain', 'said', 'Thailand', 'maintain', 'AIR', 'air', 'Airbus', 'FAIR', 'AI2', '3AI', 'naive', 'AIé', 'éAI', 'Kaiser']) {
      expect(matches('AI', text), text).toBe(false);
    }
  });

  it('"AI" matches the word itself next to punctuation, hyphens, possessives and plurals', () => {
    for (const text of ['AI', 'AI-driven growth', "an AI's budget", 'artificial intelligence (AI)', 'AIs and robots', 'ai', 'Ai', 'the AI.', '"AI"', 'AI\nnext', 'AI_infra']) {
      expect(matches('AI', text), text).toBe(true);
    }
  });

  it('letters outside ASCII count as letters (no \\b pitfalls)', () => {
    expect(matches('Lule', 'Luleå campus')).toBe(false);
    expect(matches('Luleå', 'new site in LULEÅ, Sweden')).toBe(true);
    expect(matches('caf', 'café')).toBe(false);
    expect(matches('Lambda', 'Lambdas3 cluster')).toBe(false);
    expect(matches('Lambda', 'Lambda3')).toBe(false);
    expect(matches('H100', 'H1000')).toBe(false);
    expect(matches('H100', '100,000 H100s')).toBe(true);
  });
});

describe('plurals and phrases', () => {
  it('the last word also matches with s or es', () => {
    expect(matches('GPU', 'GPUs')).toBe(true);
    expect(matches('GPU', 'new gpus arrive')).toBe(true);
    expect(matches('data center', 'three new data centers')).toBe(true);
    expect(matches('box', 'boxes')).toBe(true);
    expect(matches('GPU cluster', 'two GPU clusters')).toBe(true);
    // Only the last word takes the plural.
    expect(matches('GPU cluster', 'GPUs cluster')).toBe(false);
    // Other suffixes are other words.
    expect(matches('GPU', 'GPUx')).toBe(false);
    expect(matches('data center', 'data centered')).toBe(false);
    expect(matches('data center', 'data centerss')).toBe(false);
  });

  it('any run of spaces or hyphens inside a phrase matches any other', () => {
    for (const text of ['data center', 'data-center', 'Data\nCenter', 'data \t - center', 'DATA--CENTER', 'data   centers']) {
      expect(matches('data center', text), JSON.stringify(text)).toBe(true);
    }
    expect(matches('data-center', 'data center')).toBe(true);
    expect(matches('  data   center  ', 'Data-Center')).toBe(true);
    for (const text of ['datacenter', 'data_center', 'data.center', 'data, center']) {
      expect(matches('data center', text), JSON.stringify(text)).toBe(false);
    }
    expect(matches('data center', 'big data centre')).toBe(true); // -er/-re spellings are one word
  });

  it('is case-insensitive both ways', () => {
    expect(matches('Nscale', 'NSCALE raises')).toBe(true);
    expect(matches('NSCALE', 'nscale raises')).toBe(true);
    expect(matches('CoreWeave', 'coreweave')).toBe(true);
    expect(matches('AI infrastructure', 'ai INFRASTRUCTURE spending')).toBe(true);
    expect(matches('gigawatt', 'GigaWatts')).toBe(true);
  });
});

describe('keywords are literals', () => {
  it('treats regex metacharacters literally', () => {
    expect(matches('C++', 'written in C++ today')).toBe(true);
    expect(matches('C++', 'written in C today')).toBe(false);
    expect(matches('C++', 'CCC')).toBe(false);
    expect(matches('a.b', 'a.b')).toBe(true);
    expect(matches('a.b', 'axb')).toBe(false);
    expect(matches('(a+)+$', 'aaaa')).toBe(false);
    expect(matches('(a+)+$', 'pattern (a+)+$ here')).toBe(true);
    expect(matches('U.S.', 'the U.S. market')).toBe(true);
    expect(matches('U.S.', 'the UXSX market')).toBe(false);
    expect(matches('[GPU]', 'G')).toBe(false);
    expect(matches('a|b', 'a')).toBe(false);
    expect(matches('a|b', 'x a|b y')).toBe(true);
    expect(matches('\\d', '5')).toBe(false);
    expect(compileKeyword('(a+)+$').pattern.source).toContain('\\(a\\+\\)\\+\\$');
  });

  it('completes on 50,000-character adversarial input', () => {
    const keywords = ['(a+)+$', 'a a a a a a b', 'data center', 'AI', '.*.*.*=.*', 'x'.repeat(40)];
    const matchers = compileKeywords(keywords);
    const inputs = [
      'a'.repeat(50_000) + '!',
      'a '.repeat(25_000) + 'c',
      'data ' + ' -'.repeat(24_997) + ' centrx',
      'AI'.repeat(25_000),
      '='.repeat(50_000),
      'x'.repeat(50_000),
    ];
    for (const text of inputs) {
      expect(text.length).toBeGreaterThanOrEqual(50_000);
      expect(matchWatchRules(article({ title: 'T', paragraphs: [text] }), matchers)).toEqual([]);
    }
    // And a match after a long run is still found.
    expect(matchWatchRules(article({ paragraphs: ['a '.repeat(25_000) + 'b'] }), matchers)).toEqual(['a a a a a a b']);
  });

  it('a keyword made only of separators does not match every story', () => {
    // The schema accepts "-" (it is non-empty after trim); compiled, it must not turn into an empty pattern.
    const matchers = compileKeywords(['-']);
    expect(matchWatchRules(article({ title: 'Harbour Street bakery wins regional sourdough prize' }), matchers)).toEqual([]);
  });
});

describe('what is matched', () => {
  const matchers = compileKeywords(['Nscale', 'CoreWeave', 'gigawatt', 'H100']);

  it('looks at the title, the summary, each paragraph and FAQ questions and answers', () => {
    expect(matchWatchRules(article({ title: 'Nscale news' }), matchers)).toEqual(['Nscale']);
    expect(matchWatchRules(article({ summary: 'about CoreWeave' }), matchers)).toEqual(['CoreWeave']);
    expect(matchWatchRules(article({ paragraphs: ['first', 'a gigawatt of power'] }), matchers)).toEqual(['gigawatt']);
    expect(matchWatchRules(article({ faqs: [{ question: 'How many H100s?', answer: 'Many.' }] }), matchers)).toEqual(['H100']);
    expect(matchWatchRules(article({ faqs: [{ question: 'Who?', answer: 'Nscale.' }] }), matchers)).toEqual(['Nscale']);
    expect(matchWatchRules(article({ title: 'Bakery wins prize', summary: 'Sourdough', paragraphs: ['Rye bread'], faqs: [{ question: 'Q', answer: 'A' }] }), matchers)).toEqual([]);
  });

  it('keeps fields apart with a newline, so words of two fields never fuse', () => {
    const ai = compileKeywords(['AI']);
    expect(matchWatchRules(article({ title: 'A', summary: 'I' }), ai)).toEqual([]);
    expect(matchWatchRules(article({ title: 'r', paragraphs: ['AI', 'n'] }), ai)).toEqual(['AI']);
    expect(matchableText(article({ title: 't', summary: 's', paragraphs: ['p1', 'p2'], faqs: [{ question: 'q', answer: 'a' }] }))).toBe('t\ns\np1\np2\nq\na');
  });

  it('returns keywords as written in config, in config order, not text order', () => {
    const ordered = compileKeywords(['gigawatt', 'Nscale', 'data center', 'CoreWeave']);
    const text = article({ title: 'CoreWeave and NSCALE', paragraphs: ['one GIGAWATT for new Data-Centers'] });
    expect(matchWatchRules(text, ordered)).toEqual(['gigawatt', 'Nscale', 'data center', 'CoreWeave']);
    expect(matchWatchRules(text, compileKeywords(['CoreWeave', 'data center', 'Nscale', 'gigawatt']))).toEqual(['CoreWeave', 'data center', 'Nscale', 'gigawatt']);
  });

  it('reports a keyword listed twice (in any case) once, under its first spelling', () => {
    const dup = compileKeywords(['GPU', 'Nscale', 'gpu', 'NSCALE', 'Gpu']);
    expect(dup.map((m) => m.keyword)).toEqual(['GPU', 'Nscale']);
    expect(matchWatchRules(article({ title: 'Nscale buys GPUs' }), dup)).toEqual(['GPU', 'Nscale']);
  });

  it('config keywords differing only in case or surrounding spaces are reported once', () => {
    const config = parseConfig(
      {
        sources: [{ name: 'a', url: 'http://a.example/' }],
        watch: { keywords: ['CoreWeave', ' coreweave ', 'COREWEAVE', 'GPU cluster', 'gpu cluster '] },
        feeds: [{ name: 'f', title: 'F' }],
      },
      '/tmp/config.json',
    );
    const matchers = compileKeywords(config.watch.keywords);
    expect(matchWatchRules(article({ title: 'CoreWeave opens GPU clusters' }), matchers)).toEqual(['CoreWeave', 'GPU cluster']);
  });

  it('matches are repeatable (no lastIndex state between articles)', () => {
    const m = compileKeywords(['Nscale']);
    for (let i = 0; i < 5; i++) expect(matchWatchRules(article({ title: 'Nscale Nscale' }), m)).toEqual(['Nscale']);
    expect(m[0]!.pattern.global).toBe(false);
    expect(m[0]!.pattern.sticky).toBe(false);
  });
});
