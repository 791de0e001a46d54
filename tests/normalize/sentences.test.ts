/**
 * The sentence segmenter (sentences.ts) on the labelled set in sentenceCases.ts:
 * the score is printed, and at least 99% of passages must split exactly as
 * labelled. The examples from issue 21 must each hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { segmentSentences, sentenceEnds, splitSentences } from '../../src/normalize/index.js';
import { SENTENCE_CASES } from './sentenceCases.js';

describe('segmentSentences', () => {
  it('splits the labelled trade-press passages as labelled', () => {
    const failures = SENTENCE_CASES.filter((sentences) => JSON.stringify(segmentSentences(sentences.join(' '))) !== JSON.stringify(sentences));
    const correct = SENTENCE_CASES.length - failures.length;
    console.log(`segmenter: ${correct}/${SENTENCE_CASES.length} passages split as labelled`);
    for (const f of failures) console.log(`  missed: ${f.join(' | ')}`);
    expect(SENTENCE_CASES.length).toBeGreaterThanOrEqual(100);
    expect(correct / SENTENCE_CASES.length).toBeGreaterThanOrEqual(0.99);
  });

  it('keeps the issue\'s abbreviation examples in one sentence', () => {
    const su = 'Chief executive Lisa Su said on a call with analysts on Nov. 4 that the MI355X was sold out.';
    const lee = 'Vice President of KSCC Mr. Lee said the plant would open in 2027.';
    expect(segmentSentences(`${su} ${lee} Shares rose 3.5%.`)).toEqual([su, lee, 'Shares rose 3.5%.']);
    expect(segmentSentences('J. P. Morgan arranged the $1.5 billion loan for Acme Inc. The deal closed Friday.')).toEqual([
      'J. P. Morgan arranged the $1.5 billion loan for Acme Inc.',
      'The deal closed Friday.',
    ]);
  });

  it('returns the input\'s own text: sentences in order, nothing but whitespace lost', () => {
    const PIECES = ['U.S.', 'Mr.', 'Nov.', 'J.', 'Inc.', '...', '…', '.', '!', '?', '"', '”', ')', '(', '“', ' ', '\n', 'The', 'it', '4', '$1.5', 'e.g.', 'Series A.'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(' ')), (text) => {
        const sentences = segmentSentences(text);
        expect(sentences.join('').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
        const ends = sentenceEnds(text);
        expect(ends).toHaveLength(sentences.length);
        ends.forEach((end, i) => expect(text.slice(0, end).endsWith(sentences[i]!)).toBe(true));
      }),
      { numRuns: 500, seed: 21 },
    );
  });

  it('splitSentences keeps only whole sentences long enough to answer a question', () => {
    expect(splitSentences(['Too short. Mr. Lee said the plant would open in 2027. And then', 'The U.S. site costs $1.5 billion to build.'])).toEqual([
      'Mr. Lee said the plant would open in 2027.',
      'The U.S. site costs $1.5 billion to build.',
    ]);
  });
});
