/**
 * Watch keywords: which stories a feed keeps.
 *
 * Rules:
 * - Case-insensitive, whole words and phrases: a keyword matches only where it
 *   is not glued to other letters or digits, so "AI" never matches "rain",
 *   "said" or "Thailand", and "Lambda" does not match "Lambdas3".
 * - Plurals: the last word of a keyword also matches with a plain "s" or "es"
 *   ("GPU" matches "GPUs", "data center" matches "data centers"). Irregular
 *   plurals need a keyword of their own.
 * - Inside a phrase, any run of spaces or hyphens matches any other
 *   ("data center" matches "data-center" and "data\ncenter").
 * - Matching sees plain text only (title, summary, body paragraphs, FAQ),
 *   never HTML, so markup and attributes cannot match.
 * - Keywords are literals: every regex metacharacter in config is escaped,
 *   so no keyword can stall a cycle.
 */
import type { Article } from '../model/index.js';

export interface KeywordMatcher {
  keyword: string;
  pattern: RegExp;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function compileKeyword(keyword: string): KeywordMatcher {
  const words = keyword.trim().split(/[\s-]+/).filter(Boolean).map(escapeRegExp);
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

/** The plain text a keyword is matched against. */
export function matchableText(article: Pick<Article, 'title' | 'summary' | 'paragraphs' | 'faqs'>): string {
  return [article.title, article.summary, ...article.paragraphs, ...article.faqs.flatMap((f) => [f.question, f.answer])].join('\n');
}

/** The keywords (as written in config) that occur in the article; empty when none does. */
export function matchWatchRules(article: Pick<Article, 'title' | 'summary' | 'paragraphs' | 'faqs'>, matchers: readonly KeywordMatcher[]): string[] {
  const text = matchableText(article);
  return matchers.filter((m) => m.pattern.test(text)).map((m) => m.keyword);
}
