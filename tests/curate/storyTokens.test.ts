/**
 * `storyTokens` reads the lede's words and names in one pass; this is the
 * plain two-pass reading it replaced (sentences split, then words), kept as
 * the reference: both must give the same tokens, weights and order on any text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText, storyTokens } from '../../src/curate/index.js';

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’.,]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;

/** The names of the reference reading: words capitalised inside a sentence, as written (storyTokens normalizes both sides alike). */
function referenceNames(lede: string): string[] {
  return lede.split(/(?<=[.!?:])\s+/).flatMap((sentence) => (sentence.match(WORD) ?? []).slice(1).filter((w) => /^\p{Lu}/u.test(w)));
}

/** Tokens of `title` alone weigh 2 exactly when they are numbers or one of the lede's names, whatever the lede's own words. */
function referenceTokens(title: string, lede: string): [string, number][] {
  const folded = foldText(`${title}\n${lede}`);
  const names = new Set([...storyTokens(referenceNames(foldText(lede)).join(' '), '').keys()]);
  const weights = new Map<string, number>();
  for (const raw of folded.match(WORD) ?? []) {
    const token = [...storyTokens(raw, '').keys()][0];
    if (token === undefined) continue;
    const weight = /\d/.test(token) || names.has(token) ? 2 : 1;
    weights.set(token, Math.max(weights.get(token) ?? 0, weight));
  }
  return [...weights];
}

const PIECES = ['Nvidia', 'Oulu', 'the', 'GPU-rich', "O'Neil's", '2.4bn', '600MW', '40,000', 'Café', 'ÉCOLE', 'e\u0301', 'ﬁ', '１２', 'centres', 'U.S.', 'Mr.', '.', ':', '!', '?', ' ', '\n', '\t', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u0085', 'x.Y'];
const text = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join('')),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((parts) => parts.join(' ')),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
);

describe('storyTokens', () => {
  it('gives what reading sentences first gives', () => {
    fc.assert(
      fc.property(text, text, (title, lede) => {
        expect([...storyTokens(title, lede)]).toEqual(referenceTokens(title, lede));
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});
