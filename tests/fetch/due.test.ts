/** Due times and backoff: pure functions, checked with a fixed clock and a fixed random. */
import { describe, expect, it } from 'vitest';
import { backoffMs, expiresInMs, intervalMs, isDue, maxAgeMs, nextCheckAt, retryAfterMs, type DuePolicy } from '../../src/fetch/due.js';

const MIN = 60_000;
const POLICY: DuePolicy = { minIntervalMs: 15 * MIN, maxIntervalMs: 24 * 60 * MIN, backoffMaxMs: 6 * 60 * MIN, jitter: 0 };
const NOW = new Date('2026-11-27T12:00:00Z');

describe('due times', () => {
  it('reads max-age, Expires (against the server Date) and Retry-After (seconds or date)', () => {
    expect(maxAgeMs('public, max-age=3600')).toBe(3_600_000);
    expect(maxAgeMs('no-cache')).toBeUndefined();
    expect(expiresInMs({ expires: 'Fri, 27 Nov 2026 14:00:00 GMT', date: 'Fri, 27 Nov 2026 13:00:00 GMT' }, NOW)).toBe(3_600_000);
    expect(expiresInMs({ expires: 'Fri, 27 Nov 2026 14:00:00 GMT' }, NOW)).toBe(2 * 3_600_000);
    expect(expiresInMs({ expires: 'not a date' }, NOW)).toBeUndefined();
    expect(expiresInMs({ expires: 'Thu, 01 Jan 1970 00:00:00 GMT' }, NOW)).toBe(0); // already expired
    expect(retryAfterMs('120', NOW)).toBe(120_000);
    expect(retryAfterMs('Fri, 27 Nov 2026 15:00:00 GMT', NOW)).toBe(3 * 3_600_000);
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
  });

  it('after a success takes the largest of minimum, ttl, max-age, Expires and Retry-After, clamped to the maximum', () => {
    const ok = { now: NOW, succeeded: true, consecutiveFailures: 0 };
    expect(intervalMs(ok, POLICY)).toBe(15 * MIN);
    expect(intervalMs({ ...ok, ttlMinutes: 60 }, POLICY)).toBe(60 * MIN);
    expect(intervalMs({ ...ok, ttlMinutes: 5 }, POLICY)).toBe(15 * MIN); // never faster than the minimum
    expect(intervalMs({ ...ok, ttlMinutes: 60, headers: { cacheControl: 'max-age=7200' } }, POLICY)).toBe(120 * MIN);
    expect(intervalMs({ ...ok, headers: { expires: 'Fri, 27 Nov 2026 16:00:00 GMT' } }, POLICY)).toBe(240 * MIN);
    expect(intervalMs({ ...ok, headers: { retryAfter: '18000' } }, POLICY)).toBe(300 * MIN);
    expect(intervalMs({ ...ok, ttlMinutes: 10_000 }, POLICY)).toBe(24 * 60 * MIN); // clamped
  });

  it('backs off exponentially after failures, capped, and honours a longer Retry-After', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map((n) => backoffMs(n, POLICY) / MIN)).toEqual([15, 30, 60, 120, 240, 360, 360]);
    const failed = { now: NOW, succeeded: false, consecutiveFailures: 1 };
    expect(intervalMs(failed, POLICY)).toBe(15 * MIN);
    expect(intervalMs({ ...failed, headers: { retryAfter: '7200' } }, POLICY)).toBe(120 * MIN);
    expect(intervalMs({ ...failed, consecutiveFailures: 5, headers: { retryAfter: '60' } }, POLICY)).toBe(240 * MIN);
    // ttl and max-age do not shorten or lengthen a backoff
    expect(intervalMs({ ...failed, ttlMinutes: 600, headers: { cacheControl: 'max-age=86400' } }, POLICY)).toBe(15 * MIN);
  });

  it('adds jitter up to the configured fraction of the interval', () => {
    const input = { now: NOW, succeeded: true, consecutiveFailures: 0 };
    const policy = { ...POLICY, jitter: 0.2 };
    expect(nextCheckAt({ ...input, random: () => 0 }, policy).toISOString()).toBe('2026-11-27T12:15:00.000Z');
    expect(nextCheckAt({ ...input, random: () => 0.5 }, policy).toISOString()).toBe('2026-11-27T12:16:30.000Z');
    expect(nextCheckAt({ ...input, random: () => 1 }, policy).toISOString()).toBe('2026-11-27T12:18:00.000Z');
  });

  it('is due when never checked or when the next check has come', () => {
    expect(isDue(null, NOW)).toBe(true);
    expect(isDue('2026-11-27T11:59:59.000Z', NOW)).toBe(true);
    expect(isDue('2026-11-27T12:00:00.000Z', NOW)).toBe(true);
    expect(isDue('2026-11-27T12:00:01.000Z', NOW)).toBe(false);
  });
});
