import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDate, resolveDates } from '../../src/normalize/index.js';
import { isTimeZone } from '../../src/lib/time.js';

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
      '2026-11-02T25:00:00Z', 'Mon, 02 Foo 2026 10:00:00 GMT', 'Mon, 02 Nov 2026 10:00:00 XYZ', '17000000', '170000000000000',
      'Mon, 02 Nov 2026 10:00:00 GMT+15', '02 Nov 2026 10:00:00 +0275']) {
      expect(iso(raw), String(raw)).toBeUndefined();
    }
  });
});

describe('parseDate: real-world variants', () => {
  it('reads RFC 822 dates with named zones, GMT+N offsets and a trailing zone comment', () => {
    expect(iso('Mon, 02 Nov 2026 10:00:00 PDT')).toBe('2026-11-02T17:00:00.000Z');
    expect(iso('Mon, 02 Nov 2026 10:00:00 CEST')).toBe('2026-11-02T08:00:00.000Z');
    expect(iso('Mon, 02 Nov 2026 10:00:00 GMT+7')).toBe('2026-11-02T03:00:00.000Z');
    expect(iso('Mon, 02 Nov 2026 10:00:00 GMT-03:30')).toBe('2026-11-02T13:30:00.000Z');
    expect(iso('Mon, 02 Nov 2026 10:00:00 UTC+05:30')).toBe('2026-11-02T04:30:00.000Z');
    expect(iso('Mon, 02 Nov 2026 10:00:00 +0000 (UTC)')).toBe('2026-11-02T10:00:00.000Z');
    expect(iso('2 Nov 99 10:00 GMT')).toBe('1999-11-02T10:00:00.000Z');
    expect(iso('Mon, 2 Sept 2026 10:00:00 GMT')).toBe('2026-09-02T10:00:00.000Z');
  });

  it('reads common localized month and weekday names', () => {
    expect(iso('Di, 02 Dez 2026 10:00:00 +0100')).toBe('2026-12-02T09:00:00.000Z');
    expect(iso('2. März 2026 10:00:00 MEZ')).toBe('2026-03-02T09:00:00.000Z');
    expect(iso('mer., 02 déc. 2026 10:00:00 +0100')).toBe('2026-12-02T09:00:00.000Z');
    expect(iso('02 août 2026 10:00 GMT')).toBe('2026-08-02T10:00:00.000Z');
    expect(iso('lunes, 02 noviembre 2026 10:00:00 GMT')).toBe('2026-11-02T10:00:00.000Z');
    expect(iso('02 maggio 2026 10:00:00 GMT')).toBe('2026-05-02T10:00:00.000Z');
    expect(iso('02 mei 2026 10:00:00 GMT')).toBe('2026-05-02T10:00:00.000Z');
  });

  it('reads ISO dates with a named zone', () => {
    expect(iso('2026-11-02 10:00:00 UTC')).toBe('2026-11-02T10:00:00.000Z');
    expect(iso('2026-11-02T10:00:00 EST')).toBe('2026-11-02T15:00:00.000Z');
  });

  it('reads Unix timestamps in seconds and milliseconds', () => {
    expect(iso('1793613600')).toBe('2026-11-02T10:00:00.000Z');
    expect(iso('1793613600123')).toBe('2026-11-02T10:00:00.123Z');
  });

  it('reads zone-less dates in the source time zone, DST included', () => {
    const berlin = { timezone: 'Europe/Berlin' };
    expect(parseDate('2026-11-02T10:00:00', berlin)?.toISOString()).toBe('2026-11-02T09:00:00.000Z');
    expect(parseDate('2026-07-02T10:00:00', berlin)?.toISOString()).toBe('2026-07-02T08:00:00.000Z');
    expect(parseDate('Thu, 02 Jul 2026 10:00', berlin)?.toISOString()).toBe('2026-07-02T08:00:00.000Z');
    expect(parseDate('2026-11-02T10:00:00', { timezone: 'America/Los_Angeles' })?.toISOString()).toBe('2026-11-02T18:00:00.000Z');
    // a written zone wins over the source zone
    expect(parseDate('2026-07-02T10:00:00Z', berlin)?.toISOString()).toBe('2026-07-02T10:00:00.000Z');
  });

  it('knows IANA zone names', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
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

describe('dates before the web are a source bug', () => {
  const seen = new Date('2026-12-01T10:00:00Z');
  it('reads the epoch, year 1 and 1990 as missing (the first-seen time), 1991 as given', () => {
    for (const raw of ['1970-01-01T00:00:00Z', 'Thu, 01 Jan 1970 00:00:00 GMT', '0001-01-01T00:00:00Z', '1990-12-31T23:59:59Z']) {
      expect(resolveDates(parseDate(raw), undefined, seen), raw).toEqual({ published: seen.toISOString(), updated: seen.toISOString() });
    }
    expect(resolveDates(parseDate('1991-01-01T00:00:00Z'), parseDate('1970-01-01T00:00:00Z'), seen)).toEqual({ published: '1991-01-01T00:00:00.000Z', updated: '1991-01-01T00:00:00.000Z' });
  });
});
