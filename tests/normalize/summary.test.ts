import { describe, expect, it } from 'vitest';
import { toSummary } from '../../src/normalize/index.js';

describe('toSummary', () => {
  it('returns short text unchanged', () => {
    expect(toSummary('Short text.')).toBe('Short text.');
    expect(toSummary('x'.repeat(300))).toBe('x'.repeat(300));
  });

  it('cuts at the last word boundary and appends an ellipsis', () => {
    // 'alpha beta gamma delta' → max 13 lands inside "gamma"
    expect(toSummary('alpha beta gamma delta', 13)).toBe('alpha beta…');
    // a boundary exactly at max keeps the whole word
    expect(toSummary('alpha beta gamma delta', 10)).toBe('alpha beta…');
  });

  it('never exceeds max + 1 characters', () => {
    const text = 'lorem ipsum dolor sit amet '.repeat(40);
    for (const max of [20, 57, 100, 300]) {
      const summary = toSummary(text, max);
      expect(summary.length).toBeLessThanOrEqual(max + 1);
      expect(summary.endsWith('…')).toBe(true);
      expect(text.startsWith(summary.slice(0, -1))).toBe(true);
    }
  });

  it('prefers a sentence end after 60% of max, without ellipsis', () => {
    const text = 'The first sentence is here. The second one is long enough to be cut off somewhere.';
    expect(toSummary(text, 40)).toBe('The first sentence is here.');
  });

  it('ignores a sentence end before 60% of max', () => {
    const text = 'Short. Then a long sentence that continues well past the limit.';
    expect(toSummary(text, 40)).toBe('Short. Then a long sentence that…');
  });

  it('drops trailing punctuation before the ellipsis', () => {
    expect(toSummary('one, two, three, four', 9)).toBe('one, two…');
  });

  it('hard-cuts a single word longer than max', () => {
    expect(toSummary('a'.repeat(50), 10)).toBe(`${'a'.repeat(10)}…`);
  });

  it('uses 300 by default', () => {
    const summary = toSummary('word '.repeat(200));
    expect(summary).toBe(`${'word '.repeat(60).trim()}…`);
  });
});

describe('toSummary at abbreviations', () => {
  it('never cuts after "Nov." or "Mr." (issue 21)', () => {
    const text = 'Chief executive Lisa Su said on a call with analysts on Nov. 4 that demand for the MI355X had outrun supply in every region the company serves today.';
    expect(toSummary(text, 100)).toBe('Chief executive Lisa Su said on a call with analysts on Nov. 4 that demand for the MI355X had outrun…');
    const lee = 'The plant in Busan is almost done. Vice President of KSCC Mr. Lee said the substation would be finished before the summer.';
    expect(toSummary(lee, 70)).toBe('The plant in Busan is almost done. Vice President of KSCC Mr. Lee said…');
  });
});
