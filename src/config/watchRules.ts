/**
 * The watch-rule and curation parts of config.json.
 *
 * Rules:
 * - A plain string is a keyword: the simple form stays valid everywhere
 *   (`watch.keywords`, `feeds[].keywords`).
 * - Richer terms are objects with exactly one of `term`, `pattern`, `allOf`
 *   or `figure`, so a term's meaning is never ambiguous.
 * - Regular expressions are checked with the linear-time engine at load, so a
 *   pattern it cannot run is refused with its path instead of failing a cycle.
 * - Keywords are bounded in length (a compiled keyword must fit the regex
 *   engine's stack); a longer one is refused at load with its path.
 * - Figure thresholds are in base units (dollars, watts, a device count,
 *   percent), the same units `article.figures` carries.
 */
import { z } from 'zod';
import { regexProblem } from '../lib/regex.js';

export const FIELDS = ['title', 'summary', 'body', 'categories', 'author', 'url'] as const;
export type Field = (typeof FIELDS)[number];

const text = z.string().trim().min(1, 'must not be empty');
/** Longer than any real phrase; a keyword of thousands of characters overflows the regex compiler's stack. */
export const KEYWORD_MAX_CHARS = 200;
/** A keyword must contain a letter or digit: one made of separators would match every story. */
export const keywordText = text.max(KEYWORD_MAX_CHARS, `must be at most ${KEYWORD_MAX_CHARS} characters`).regex(/[\p{L}\p{N}]/u, 'must contain a letter or digit');
const weight = z.number().min(0).max(100).optional().describe('Score of a match in a body-weight field (default 1); a title match counts 3x, summary and categories 2x');
const fields = z.array(z.enum(FIELDS)).min(1).optional().describe('Where the term may match (default: title, summary, body)');
const label = z.string().trim().min(1).optional().describe('The name a match is shown and published (as a category) under');

const keywordTerm = z.strictObject({
  term: keywordText.describe('A word or phrase: whole words, case- and diacritic-insensitive, simple plurals and -er/-re spellings'),
  aliases: z.array(keywordText).optional().describe('Other spellings that count as this term'),
  weight,
  fields,
});

const patternTerm = z.strictObject({
  pattern: z
    .string()
    .min(1, 'must not be empty')
    .superRefine((source, ctx) => {
      const problem = regexProblem(source);
      if (problem) ctx.addIssue({ code: 'custom', message: `not a valid RE2 regular expression: ${problem}` });
    })
    .describe('A regular expression (RE2 syntax, case-insensitive, linear time)'),
  label,
  weight,
  fields,
});

const figureTerm = z
  .strictObject({
    figure: z.enum(['money', 'power', 'compute', 'percent']).describe('Which kind of key figure'),
    atLeast: z.number().optional().describe('Lowest value, in base units (dollars, watts, count, percent)'),
    atMost: z.number().optional().describe('Highest value, in base units'),
    unit: z.string().trim().min(1).optional().describe('Only figures in this unit (e.g. USD, H100)'),
    label,
    weight,
  })
  .refine((f) => f.atLeast !== undefined || f.atMost !== undefined, 'needs atLeast or atMost');

const simpleTerm = z.union([keywordText, keywordTerm, patternTerm, figureTerm]);

const allOfTerm = z.strictObject({
  allOf: z.array(simpleTerm).min(2, 'must list at least two terms').describe('Matches only when every listed term matches'),
  label,
  weight,
});

export const termSchema = z.union([keywordText, keywordTerm, patternTerm, figureTerm, allOfTerm]);
export type TermConfig = z.infer<typeof termSchema>;
export type SimpleTermConfig = z.infer<typeof simpleTerm>;

const ruleFields = {
  terms: z.array(termSchema).optional().describe('Watch terms: keywords with aliases, weights and field scope, patterns, all-of groups, figure conditions'),
  exclude: z.array(termSchema).optional().describe('A story matching any of these is dropped'),
  minScore: z.number().min(0).optional().describe('Lowest total score a kept story needs (default 1)'),
  maxAgeDays: z.number().positive().optional().describe('Stories published longer ago than this are dropped'),
};

export const watchRulesSchema = z.strictObject({
  keywords: z.array(keywordText).optional().describe('Simple keywords: whole words or phrases, weight 1, in title, summary and body'),
  ...ruleFields,
});

export const watchSchema = z
  .strictObject({
    keywords: z.array(keywordText).default([]).describe('Case-insensitive whole words or phrases; a simple plural (s, es) also matches'),
    ...ruleFields,
  })
  .refine((w) => w.keywords.length > 0 || (w.terms?.length ?? 0) > 0, { message: 'must list at least one keyword', path: ['keywords'] });

export const curateSchema = z
  .strictObject({
    clusterWindowHours: z.number().positive().max(24 * 30).default(72).describe('Reports of one story published this close together may merge into one entry'),
    clusterThreshold: z.number().min(0).max(1).default(0.25).describe('Similarity (0-1) of title + lede from which two reports count as one story'),
    retentionDays: z.number().positive().default(30).describe('Articles first seen longer ago are pruned from the store and never come back'),
  })
  .prefault({})
  .describe('Story clustering and retention');

export type WatchRulesConfig = z.infer<typeof watchRulesSchema>;
export type CurateConfig = z.infer<typeof curateSchema>;
