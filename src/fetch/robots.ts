/**
 * robots.txt for page fetches: whether infrawire may fetch an article page.
 *
 * Rules (RFC 9309, read by robots-parser, a maintained parser):
 * - Asked once per origin and kept ROBOTS_TTL_MS (a failed answer
 *   ROBOTS_RETRY_MS), at most ROBOTS_ORIGINS origins (the oldest goes first).
 * - 2xx: its rules for the user agent token `infrawire` (else `*`) apply.
 *   4xx (none there, 401/403 included): everything is allowed.
 *   5xx, a timeout or any network failure: nothing is allowed until it is asked
 *   again (the RFC's "unreachable": complete disallow).
 * - Fetched like everything else (fetchSource: the caller's deadlines, size cap,
 *   address policy); at most ROBOTS_MAX_BYTES are read, as the RFC allows.
 */
import { createRequire } from 'node:module';
import type { AddressPolicy, Resolver } from './addresses.js';
import { fetchSource } from './fetchSource.js';

// robots-parser is CommonJS whose types declare an ES default export: loaded as what it is, typed as what it declares.
const robotsParser = createRequire(import.meta.url)('robots-parser') as typeof import('robots-parser').default;

export const ROBOTS_TTL_MS = 24 * 3600_000;
export const ROBOTS_RETRY_MS = 3600_000;
export const ROBOTS_ORIGINS = 2000;
export const ROBOTS_MAX_BYTES = 512 * 1024;
export const ROBOTS_AGENT = 'infrawire';

export interface RobotsVerdict {
  allowed: boolean;
  /** Why not, in an operator's words. */
  reason?: string;
}

interface Entry {
  at: number;
  ttl: number;
  verdict: (url: string) => RobotsVerdict;
}

export interface RobotsFetchOptions {
  timeoutMs: number;
  connectTimeoutMs?: number;
  addressPolicy?: AddressPolicy;
  resolve?: Resolver;
}

/** robots.txt answers by origin, kept for a day; one cache per process. */
export class RobotsCache {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly now: () => number = Date.now) {}

  async check(url: string, opts: RobotsFetchOptions): Promise<RobotsVerdict> {
    const origin = new URL(url).origin;
    let entry = this.entries.get(origin);
    if (!entry || this.now() - entry.at >= entry.ttl) {
      entry = await this.fetch(origin, opts);
      this.entries.delete(origin);
      this.entries.set(origin, entry);
      if (this.entries.size > ROBOTS_ORIGINS) this.entries.delete(this.entries.keys().next().value!);
    }
    return entry.verdict(url);
  }

  private async fetch(origin: string, opts: RobotsFetchOptions): Promise<Entry> {
    const robotsUrl = `${origin}/robots.txt`;
    const fetched = await fetchSource(robotsUrl, { ...opts, maxBytes: ROBOTS_MAX_BYTES, accept: 'text/plain, */*;q=0.5' });
    const at = this.now();
    if (fetched.ok && !fetched.notModified) {
      const robots = robotsParser(robotsUrl, fetched.body.toString('utf8'));
      return { at, ttl: ROBOTS_TTL_MS, verdict: (url) => (robots.isDisallowed(url, ROBOTS_AGENT) ? { allowed: false, reason: `disallowed by ${robotsUrl}` } : { allowed: true }) };
    }
    if (!fetched.ok && fetched.status !== undefined && fetched.status >= 400 && fetched.status < 500) return { at, ttl: ROBOTS_TTL_MS, verdict: () => ({ allowed: true }) };
    const why = fetched.ok ? 'no usable answer' : fetched.error;
    return { at, ttl: ROBOTS_RETRY_MS, verdict: () => ({ allowed: false, reason: `${robotsUrl} unreachable (${why}): nothing is fetched from this site until it answers` }) };
  }
}
