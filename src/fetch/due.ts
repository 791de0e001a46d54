/**
 * When to check a source next: pure functions of the source's state, the
 * response's caching headers and the clock, so they can be tested without I/O.
 *
 * Rules:
 * - After a success (or a 304) the interval is the largest of the configured
 *   minimum, the feed's <ttl>, Cache-Control max-age, Expires and Retry-After,
 *   clamped to the configured maximum: a publisher may slow us down, never speed us up.
 * - After a failure the interval doubles per consecutive failure from the
 *   minimum up to the backoff cap; Retry-After (429, 503) wins when it is longer.
 *   Polling never stops for failures; only 410 Gone stops it (see health.ts).
 * - Jitter adds up to `jitter` × interval, so sources that share a schedule
 *   drift apart instead of hitting publishers in bursts. `random` is injected.
 */

export interface DuePolicy {
  minIntervalMs: number;
  maxIntervalMs: number;
  backoffMaxMs: number;
  /** Fraction of the interval added at random (0 = none). */
  jitter: number;
}

/** Caching hints as the response gave them (raw header values). */
export interface CacheHeaders {
  cacheControl?: string;
  expires?: string;
  retryAfter?: string;
  /** The response's Date header: Expires is relative to the server's clock. */
  date?: string;
}

export interface DueInput {
  now: Date;
  /** True when the attempt ended in items or "not modified". */
  succeeded: boolean;
  /** Consecutive failures including this attempt (0 after a success). */
  consecutiveFailures: number;
  headers?: CacheHeaders;
  /** The feed's own <ttl>, in minutes. */
  ttlMinutes?: number;
  random?: () => number;
}

const MINUTE = 60_000;

/** Cache-Control max-age in ms; `no-cache`/`no-store` say nothing about polling intervals. */
export function maxAgeMs(cacheControl: string | undefined): number | undefined {
  const m = cacheControl?.match(/(?:^|[,\s])(?:s-)?max-age\s*=\s*"?(\d+)"?/i);
  return m ? Number(m[1]) * 1000 : undefined;
}

function httpDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/** How long until Expires, measured against the server's own Date when it sent one. */
export function expiresInMs(headers: CacheHeaders, now: Date): number | undefined {
  const expires = httpDate(headers.expires);
  if (expires === undefined) return undefined;
  const serverNow = httpDate(headers.date) ?? now.getTime();
  return Math.max(0, expires - serverNow);
}

/** Retry-After as delay-seconds or an HTTP date, in ms from now. */
export function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = httpDate(trimmed);
  return at === undefined ? undefined : Math.max(0, at - now.getTime());
}

/** The interval the publisher asks for (largest hint), 0 when it asks for nothing. */
export function publisherIntervalMs(headers: CacheHeaders | undefined, ttlMinutes: number | undefined, now: Date): number {
  const hints = [
    ttlMinutes !== undefined && ttlMinutes > 0 ? ttlMinutes * MINUTE : 0,
    maxAgeMs(headers?.cacheControl) ?? 0,
    headers ? expiresInMs(headers, now) ?? 0 : 0,
    retryAfterMs(headers?.retryAfter, now) ?? 0,
  ];
  return Math.max(...hints);
}

/** Exponential backoff: min, 2×min, 4×min … up to the cap. */
export function backoffMs(consecutiveFailures: number, policy: DuePolicy): number {
  const doublings = Math.min(Math.max(consecutiveFailures - 1, 0), 30);
  return Math.min(policy.minIntervalMs * 2 ** doublings, Math.max(policy.backoffMaxMs, policy.minIntervalMs));
}

/** The interval before the next check, before jitter. */
export function intervalMs(input: DueInput, policy: DuePolicy): number {
  if (input.succeeded) {
    const asked = publisherIntervalMs(input.headers, input.ttlMinutes, input.now);
    return Math.min(Math.max(policy.minIntervalMs, asked), policy.maxIntervalMs);
  }
  const retry = retryAfterMs(input.headers?.retryAfter, input.now) ?? 0;
  return Math.min(Math.max(backoffMs(input.consecutiveFailures, policy), retry), policy.maxIntervalMs);
}

export function nextCheckAt(input: DueInput, policy: DuePolicy): Date {
  const base = intervalMs(input, policy);
  const random = input.random ?? Math.random;
  const jitter = Math.floor(base * policy.jitter * Math.min(Math.max(random(), 0), 1));
  return new Date(input.now.getTime() + base + jitter);
}

/** A source is due when it has never been checked or its next check has come. */
export function isDue(nextCheck: string | null | undefined, now: Date): boolean {
  if (!nextCheck) return true;
  const t = Date.parse(nextCheck);
  return Number.isNaN(t) || t <= now.getTime();
}

export function duePolicyFromConfig(fetch: { minIntervalMinutes: number; maxIntervalMinutes: number; backoffMaxMinutes: number; jitter: number }): DuePolicy {
  return {
    minIntervalMs: fetch.minIntervalMinutes * MINUTE,
    maxIntervalMs: Math.max(fetch.maxIntervalMinutes, fetch.minIntervalMinutes) * MINUTE,
    backoffMaxMs: fetch.backoffMaxMinutes * MINUTE,
    jitter: fetch.jitter,
  };
}
