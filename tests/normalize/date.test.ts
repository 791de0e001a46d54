import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDate, resolveDates } from '../../src/normalize/index.js';

const iso = (raw: string | undefined): string | undefined => parseDate(raw)?.toISOString();

describe('parseDate', () => {
  // Run in a zone far from UTC so "no zone → UTC" is really tested.
  const savedTz = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'America/New_York';
  });
  afterAll(() => {
    process.env.TZ = savedTz;
  });

  it('reads RFC 822 / RFC 1123 dates with and without weekday', () => {
    expect(iso('Mon, 02 Nov 2026 10:00:00 GMT')).toBe('2026-11-02T10:00:00.000Z');
    expect(iso('02 Nov 2026 10:00:00 GMT')).toBe('2026-11-02T10:00:00.000Z');
    expect(iso('Mon, 2 Nov 2026 10:00:00 +0200')).toBe('2026-11-02T08:00:00.000Z');
    expect(iso('Mon, 02 Nov 2026 10:00 EST')).toBe('2026-11-02T15:00:00.000Z');
    expect(iso('Mon, 02 Nov 2026 10:00:00 -0700')).toBe('2026-11-02T17:00:00.000Z');
    expect(iso('Mon, 02 Nov 26 10:00:00 UT')).toBe('2026-11-02T10:00:00.000Z');
    expect(iso('Monday, 02 November 2026 10:00:00 Z')).toBe('2026-11-02T10:00:00.000Z');
  });

  it('reads RFC 822 dates without a zone as UTC', () => {
    expect(iso('Mon, 02 Nov 2026 10:00:00')).toBe('2026-11-02T10:00:00.000Z');
    expect(iso('02 Nov 2026')).toBe('2026-11-02T00:00:00.000Z');
  });

  it('reads ISO 8601 / RFC 3339 dates', () => {
    expect(iso('2026-11-02T10:00:00Z')).toBe('2026-11-02T10:00:00.000Z');
    expect(iso('2026-11-02T10:00:00.123Z')).toBe('2026-11-02T10:00:00.123Z');
    expect(iso('2026-11-02T10:00:00+02:00')).toBe('2026-11-02T08:00:00.000Z');
    expect(iso('2026-11-02T10:00:00-05:30')).toBe('2026-11-02T15:30:00.000Z');
    expect(iso('2026-11-02t10:00:00z')).toBe('2026-11-02T10:00:00.000Z');
    expect(iso('2026-11-02 10:00:00+0000')).toBe('2026-11-02T10:00:00.000Z');
  });

  it('reads ISO dates without a zone as UTC, not local time', () => {
    expect(iso('2026-11-02T10:00:00')).toBe('2026-11-02T10:00:00.000Z');
    expect(iso('2026-11-02T10:00')).toBe('2026-11-02T10:00:00.000Z');
    expect(iso('2026-11-02')).toBe('2026-11-02T00:00:00.000Z');
  });

  it('returns undefined for garbage, impossible or missing dates', () => {
    for (const raw of [undefined, '', '   ', 'hello 2020', 'yesterday', '2026-13-01', '2026-02-30T00:00:00Z',
      '2026-11-02T25:00:00Z', 'Mon, 02 Foo 2026 10:00:00 GMT', 'Mon, 02 Nov 2026 10:00:00 XYZ', '1700000000']) {
      expect(iso(raw), String(raw)).toBeUndefined();
    }
  });
});

describe('resolveDates', () => {
  const firstSeen = new Date('2026-11-02T12:00:00Z');
  const d = (s: string): Date => new Date(s);

  it('keeps valid published and updated', () => {
    expect(resolveDates(d('2026-11-01T00:00:00Z'), d('2026-11-02T00:00:00Z'), firstSeen)).toEqual({
      published: '2026-11-01T00:00:00.000Z',
      updated: '2026-11-02T00:00:00.000Z',
    });
  });

  it('falls back published → updated → firstSeen, and updated → published', () => {
    expect(resolveDates(undefined, d('2026-11-01T00:00:00Z'), firstSeen)).toEqual({
      published: '2026-11-01T00:00:00.000Z',
      updated: '2026-11-01T00:00:00.000Z',
    });
    expect(resolveDates(d('2026-10-01T00:00:00Z'), undefined, firstSeen)).toEqual({
      published: '2026-10-01T00:00:00.000Z',
      updated: '2026-10-01T00:00:00.000Z',
    });
    expect(resolveDates(undefined, undefined, firstSeen)).toEqual({
      published: '2026-11-02T12:00:00.000Z',
      updated: '2026-11-02T12:00:00.000Z',
    });
  });

  it('replaces dates too far in the future with firstSeen', () => {
    expect(resolveDates(d('2027-01-01T00:00:00Z'), undefined, firstSeen)).toEqual({
      published: '2026-11-02T12:00:00.000Z',
      updated: '2026-11-02T12:00:00.000Z',
    });
    // within the 24 h allowance: kept
    expect(resolveDates(d('2026-11-03T11:00:00Z'), undefined, firstSeen).published).toBe('2026-11-03T11:00:00.000Z');
    // a custom allowance
    expect(resolveDates(d('2026-11-02T13:00:00Z'), undefined, firstSeen, 60_000).published).toBe(
      '2026-11-02T12:00:00.000Z',
    );
  });

  it('never lets updated be earlier than published', () => {
    expect(resolveDates(d('2026-11-02T00:00:00Z'), d('2026-11-01T00:00:00Z'), firstSeen)).toEqual({
      published: '2026-11-02T00:00:00.000Z',
      updated: '2026-11-02T00:00:00.000Z',
    });
  });

  it('treats an invalid Date as missing', () => {
    expect(resolveDates(new Date(Number.NaN), undefined, firstSeen).published).toBe('2026-11-02T12:00:00.000Z');
  });
});
