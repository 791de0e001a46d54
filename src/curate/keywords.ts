/**
 * Keyword matching: which words and phrases occur in a story's text.
 *
 * Rules:
 * - Case- and diacritic-insensitive: text and keyword are both folded
 *   (NFKD, combining marks removed), so "Tromsø"-style accents and "é" never
 *   decide a match ("Nscale" matches "NSCALE", "cafe" matches "café").
 * - Whole words and phrases: a keyword matches only where it is not glued to
 *   other letters or digits, so "AI" never matches "rain", "said" or
 *   "Thailand", and "Lambda" does not match "Lambdas3".
 * - Plurals: the last word also matches with a plain "s" or "es" ("GPU"
 *   matches "GPUs"). Irregular plurals need a keyword (or alias) of their own.
 * - Spelling variants: a word ending in -er also matches -re and the other
 *   way round ("data center" matches "data centres"), -ize matches -ise,
 *   -yze matches -yse, -or matches -our.
 * - Inside a phrase, any run of spaces or hyphens matches any other
 *   ("data center" matches "data-center" and "data\ncenter").
 * - Keywords are literals: every regex metacharacter in config is escaped,
 *   and the pattern has no nested repetition, so no keyword can stall a cycle.
 * - Matching sees plain text only (the model never holds HTML), so markup and
 *   attributes cannot match.
 */
import type { Article } from '../model/index.js';

export interface KeywordMatcher {
  keyword: string;
  pattern: RegExp;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const NON_ASCII = /[^\0-\x7f]/;

/** Text with accents removed (NFKD, combining marks dropped); the form every matcher runs on. ASCII text is its own folded form. */
export function foldText(text: string): string {
  return NON_ASCII.test(text) ? text.normalize('NFKD').replace(/\p{M}+/gu, '') : text;
}

/** British/American spelling endings that name the same word; longest first. */
const SPELLING_VARIANTS: [RegExp, string][] = [
  [/(?<=\p{L}{3})(?:er|re)$/u, '(?:er|re)'],
  [/(?<=\p{L}{2})i[sz]ation$/u, 'i[sz]ation'],
  [/(?<=\p{L}{2})i[sz]e$/u, 'i[sz]e'],
  [/(?<=\p{L}{2})y[sz]e$/u, 'y[sz]e'],
  [/(?<=\p{L}{3})ou?r$/u, 'ou?r'],
];

function wordPattern(word: string): string {
  const lower = word.toLowerCase();
  for (const [ending, replacement] of SPELLING_VARIANTS) {
    const m = ending.exec(lower);
    if (m) return escapeRegExp(word.slice(0, m.index)) + replacement;
  }
  return escapeRegExp(word);
}

export function compileKeyword(keyword: string): KeywordMatcher {
  const words = foldText(keyword).trim().split(/[\s-]+/).filter(Boolean).map(wordPattern);
  // Config refuses keywords without a letter or digit; should one get here, it matches nothing.
  if (!/[\p{L}\p{N}]/u.test(keyword)) return { keyword, pattern: /(?!)/ };
  const body = words.join('[\\s\\-]+');
  // Lookarounds instead of \b: \b is ASCII-only and treats "é" as a boundary.
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${body}(?:e?s)?(?![\\p{L}\\p{N}])`, 'iu');
  return { keyword, pattern };
}

export function compileKeywords(keywords: readonly string[]): KeywordMatcher[] {
  const seen = new Set<string>();
  return keywords.filter((k) => !seen.has(k.toLowerCase()) && seen.add(k.toLowerCase())).map(compileKeyword);
}

/** The words of `text` a keyword matched (as written there), or undefined. `text` must be folded. */
export function findKeyword(matcher: KeywordMatcher, foldedText: string): string | undefined {
  return matcher.pattern.exec(foldedText)?.[0];
}

/** The plain text a keyword is matched against. */
export function matchableText(article: Pick<Article, 'title' | 'summary' | 'paragraphs' | 'faqs'>): string {
  return [article.title, article.summary, ...article.paragraphs, ...article.faqs.flatMap((f) => [f.question, f.answer])].join('\n');
}

/** The keywords (as written in config) that occur in the article; empty when none does. */
export function matchWatchRules(article: Pick<Article, 'title' | 'summary' | 'paragraphs' | 'faqs'>, matchers: readonly KeywordMatcher[]): string[] {
  const text = foldText(matchableText(article));
  return matchers.filter((m) => m.pattern.test(text)).map((m) => m.keyword);
}
