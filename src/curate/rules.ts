/**
 * Watch rules: compile config terms once, then decide about one article.
 *
 * Rules:
 * - Pure: a decision is a function of the article, the rules and "now"; it
 *   says why (every matched term with the field and text it matched in), so
 *   every kept or dropped story can be explained.
 * - Score = sum over matched terms of weight x the best field factor it matched
 *   in: title 3, summary and categories 2, body, author, url and figures 1. So a
 *   title match weighs more than a body match.
 * - Kept when no exclude term matches, the story is not older than
 *   `maxAgeDays`, and the score reaches `minScore` (default 1) with at least
 *   one match.
 * - Matched terms (their labels) become the published entry's categories.
 * - Default field scope is title, summary and body: a source's own categories,
 *   authors and URL only count for terms that ask for them.
 */
import type { Field, SimpleTermConfig, TermConfig, WatchRulesConfig } from '../config/index.js';
import type { Article, Figure } from '../model/index.js';
import { compileKeyword, findKeyword, foldText, type KeywordMatcher } from './keywords.js';
import { compileLinearRegex, type LinearRegex } from '../lib/regex.js';

export type MatchField = Field | 'figures';

export const FIELD_FACTOR: Record<MatchField, number> = { title: 3, summary: 2, categories: 2, body: 1, author: 1, url: 1, figures: 1 };
const DEFAULT_FIELDS: readonly Field[] = ['title', 'summary', 'body'];
const DAY_MS = 86_400_000;

export interface FieldHit {
  field: MatchField;
  /** What matched, as it reads in the (accent-folded) text. */
  text: string;
}

export interface TermMatch {
  term: string;
  weight: number;
  score: number;
  hits: FieldHit[];
}

export interface Decision {
  kept: boolean;
  score: number;
  minScore: number;
  matches: TermMatch[];
  excludedBy: TermMatch[];
  /** One line: why kept or dropped. */
  reason: string;
}

/** The folded text of each field of an article, computed once per decision. */
export type ArticleFields = Record<Field, string> & { figures: readonly Figure[] };

interface CompiledTerm {
  label: string;
  weight: number;
  /** The fields and texts it matched, or undefined when it did not match. */
  match(fields: ArticleFields): FieldHit[] | undefined;
}

export interface CompiledRules {
  terms: CompiledTerm[];
  exclude: CompiledTerm[];
  minScore: number;
  maxAgeDays?: number;
}

export function articleFields(article: Pick<Article, 'title' | 'summary' | 'paragraphs' | 'faqs' | 'categories' | 'authors' | 'url'> & { figures?: Figure[] }): ArticleFields {
  const body = [...article.paragraphs, ...article.faqs.flatMap((f) => [f.question, f.answer])].join('\n');
  return {
    title: foldText(article.title),
    summary: foldText(article.summary),
    body: foldText(body),
    categories: foldText(article.categories.join('\n')),
    author: foldText(article.authors.join('\n')),
    url: safeDecode(article.url),
    figures: article.figures ?? [],
  };
}

function safeDecode(url: string): string {
  try {
    return foldText(decodeURI(url));
  } catch {
    return foldText(url);
  }
}

function textHits(fields: ArticleFields, scope: readonly Field[], find: (text: string) => string | undefined): FieldHit[] | undefined {
  const hits: FieldHit[] = [];
  for (const field of scope) {
    const text = find(fields[field]);
    if (text !== undefined) hits.push({ field, text });
  }
  return hits.length ? hits : undefined;
}

function keywordTerm(term: string, aliases: readonly string[], scope: readonly Field[], weight: number): CompiledTerm {
  const matchers: KeywordMatcher[] = [term, ...aliases].map(compileKeyword);
  const find = (text: string) => {
    for (const m of matchers) {
      const hit = findKeyword(m, text);
      if (hit !== undefined) return hit;
    }
    return undefined;
  };
  return { label: term, weight, match: (fields) => textHits(fields, scope, find) };
}

function patternTerm(pattern: LinearRegex, label: string, scope: readonly Field[], weight: number): CompiledTerm {
  return { label, weight, match: (fields) => textHits(fields, scope, (text) => pattern.find(text)) };
}

function figureTerm(t: Extract<SimpleTermConfig, { figure: string }>, weight: number): CompiledTerm {
  const bounds = [t.atLeast !== undefined ? `>= ${t.atLeast}` : '', t.atMost !== undefined ? `<= ${t.atMost}` : ''].filter(Boolean).join(' ');
  const label = t.label ?? `${t.figure}${t.unit ? ` ${t.unit}` : ''} ${bounds}`;
  const fits = (f: Figure) =>
    f.kind === t.figure &&
    (t.unit === undefined || f.unit.toLowerCase() === t.unit.toLowerCase()) &&
    // A range fits when it reaches into the bounds.
    (t.atLeast === undefined || (f.max ?? f.value) >= t.atLeast) &&
    (t.atMost === undefined || f.value <= t.atMost);
  return {
    label,
    weight,
    match: (fields) => {
      const hits = fields.figures.filter(fits).map((f): FieldHit => ({ field: 'figures', text: f.text }));
      return hits.length ? hits : undefined;
    },
  };
}

function compileSimple(t: SimpleTermConfig): CompiledTerm {
  if (typeof t === 'string') return keywordTerm(t, [], DEFAULT_FIELDS, 1);
  if ('term' in t) return keywordTerm(t.term, t.aliases ?? [], t.fields ?? DEFAULT_FIELDS, t.weight ?? 1);
  if ('pattern' in t) return patternTerm(compileLinearRegex(t.pattern), t.label ?? `/${t.pattern}/`, t.fields ?? DEFAULT_FIELDS, t.weight ?? 1);
  return figureTerm(t, t.weight ?? 1);
}

function compileTerm(t: TermConfig): CompiledTerm {
  if (typeof t === 'string' || !('allOf' in t)) return compileSimple(t);
  const parts = t.allOf.map(compileSimple);
  return {
    label: t.label ?? parts.map((p) => p.label).join(' + '),
    weight: t.weight ?? 1,
    match: (fields) => {
      const hits: FieldHit[] = [];
      for (const part of parts) {
        const partHits = part.match(fields);
        if (!partHits) return undefined;
        hits.push(...partHits);
      }
      return hits;
    },
  };
}

/** Terms with the same label count once (the first wins), like duplicate keywords. */
function uniqueByLabel(terms: CompiledTerm[]): CompiledTerm[] {
  const seen = new Set<string>();
  return terms.filter((t) => !seen.has(t.label.toLowerCase()) && seen.add(t.label.toLowerCase()));
}

export function compileRules(rules: WatchRulesConfig): CompiledRules {
  const terms = [...(rules.keywords ?? []), ...(rules.terms ?? [])].map(compileTerm);
  return {
    terms: uniqueByLabel(terms),
    exclude: (rules.exclude ?? []).map(compileTerm),
    minScore: rules.minScore ?? 1,
    ...(rules.maxAgeDays !== undefined ? { maxAgeDays: rules.maxAgeDays } : {}),
  };
}

/** A source's own rules on top of a feed's: its terms add, its excludes add, its thresholds win. */
export function overlayRules(base: CompiledRules, extra: CompiledRules | undefined, extraConfig?: WatchRulesConfig): CompiledRules {
  if (!extra) return base;
  return {
    terms: uniqueByLabel([...base.terms, ...extra.terms]),
    exclude: [...base.exclude, ...extra.exclude],
    minScore: extraConfig?.minScore ?? base.minScore,
    ...((extraConfig?.maxAgeDays ?? base.maxAgeDays) !== undefined ? { maxAgeDays: extraConfig?.maxAgeDays ?? base.maxAgeDays } : {}),
  };
}

function matchTerms(terms: readonly CompiledTerm[], fields: ArticleFields): TermMatch[] {
  const out: TermMatch[] = [];
  for (const term of terms) {
    const hits = term.match(fields);
    if (!hits) continue;
    const factor = Math.max(...hits.map((h) => FIELD_FACTOR[h.field]));
    out.push({ term: term.label, weight: term.weight, score: term.weight * factor, hits });
  }
  return out;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function decide(article: Pick<Article, 'published'>, fields: ArticleFields, rules: CompiledRules, now: Date): Decision {
  const matches = matchTerms(rules.terms, fields);
  const excludedBy = matchTerms(rules.exclude, fields);
  const score = round(matches.reduce((sum, m) => sum + m.score, 0));
  const base = { score, minScore: rules.minScore, matches, excludedBy };
  if (excludedBy.length) return { ...base, kept: false, reason: `dropped: excluded by ${excludedBy.map((m) => `"${m.term}"`).join(', ')}` };
  if (rules.maxAgeDays !== undefined) {
    const ageDays = (now.getTime() - Date.parse(article.published)) / DAY_MS;
    if (ageDays > rules.maxAgeDays) return { ...base, kept: false, reason: `dropped: published ${article.published}, older than ${rules.maxAgeDays} days` };
  }
  if (!matches.length) return { ...base, kept: false, reason: 'dropped: no watch term matched' };
  if (score < rules.minScore) return { ...base, kept: false, reason: `dropped: score ${score} below ${rules.minScore}` };
  return { ...base, kept: true, reason: `kept: score ${score} (minimum ${rules.minScore})` };
}

/** The categories a kept decision publishes: matched term labels, in rule order. */
export function decisionCategories(decision: Decision): string[] {
  return decision.matches.map((m) => m.term);
}
