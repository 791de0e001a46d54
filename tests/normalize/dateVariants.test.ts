import { describe, expect, it } from 'vitest';
import { parseDate } from '../../src/normalize/index.js';
import { fixture } from '../helpers/articles.js';

interface DateCase {
  raw: string;
  expected: string | null;
  timezone?: string;
  variant?: string;
}

const { cases } = JSON.parse(fixture('dates.json')) as { cases: DateCase[] };

describe('date variants (fixtures/model/dates.json)', () => {
  it('has cases for every variant the model promises', () => {
    const variants = new Set(cases.map((c) => c.variant));
    for (const v of ['no weekday', 'two-digit year', 'named zone', 'GMT+N', 'German month', 'French month', 'RFC 3339', 'no zone, default UTC', 'no zone, source zone', 'Unix seconds']) {
      expect(variants.has(v), v).toBe(true);
    }
  });

  for (const c of cases) {
    it(`${c.raw}${c.timezone ? ` in ${c.timezone}` : ''} → ${c.expected ?? 'not a date'}`, () => {
      expect(parseDate(c.raw, c.timezone ? { timezone: c.timezone } : {})?.toISOString() ?? null).toBe(c.expected);
    });
  }
});
