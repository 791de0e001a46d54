/**
 * `splitSentences` scans for sentence ends instead of splitting with the
 * lookbehind pattern it replaced; this keeps that pattern as the reference:
 * both must cut any text at the same places.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/normalize/index.js';

const SENTENCE_BREAK = /(?<=(?<!\b[A-Z])[.!?]["'”’)]?)\s+(?=["“'‘(]?[A-Z0-9])/;
const MIN_SENTENCE = 25;
const reference = (paragraphs: string[]) =>
  paragraphs
    .flatMap((p) => p.split(SENTENCE_BREAK))
    .map((s) => s.trim())
    .filter((s) => s.length >= MIN_SENTENCE && /[.!?]["'”’)]?$/.test(s));

const PIECES = ['U.S.', 'A.', 'a.', '.', '!', '?', '"', "'", '”', '’', ')', '(', '“', '‘', ' ', '  ', '\n', '\u00a0', 'The', 'x', 'B', '9', '_', 'É', '$1.9 billion', 'It is a sentence long enough to count.'];
const paragraph = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join('')),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((parts) => parts.join(' ')),
);

describe('splitSentences', () => {
  it('cuts where the lookbehind pattern cuts', () => {
    fc.assert(
      fc.property(fc.array(paragraph, { maxLength: 4 }), (paragraphs) => {
        expect(splitSentences(paragraphs)).toEqual(reference(paragraphs));
      }),
      { numRuns: 3000, seed: 17 },
    );
  });
});
