/**
 * What infrawire remembers of each configured source between polls: the
 * outcome of its last attempt, its validators and when to check it next.
 * The store keeps it (`SourceRepository`); fetch reads its health from it.
 */

export type SourceOutcome = 'ok' | 'not-modified' | 'failed' | 'gone';

/**
 * What a source's stored state says it is now, the most urgent first
 * (fetch/health.ts decides it): gone (410, no longer polled), failing, moved
 * (permanently, config.json should follow), not-modified, ok; never-checked
 * before its first poll.
 */
export type SourceHealthState = 'gone' | 'failing' | 'moved' | 'not-modified' | 'ok' | 'never-checked';

/**
 * A source's condition as the daemon logs its changes (schedule/daemon.ts):
 * its health state, where not-modified is a kind of ok, failing past
 * `fetch.failingAlertHours` is news of its own, and a source not polled yet is new.
 */
export type SourceCondition = 'new' | 'ok' | 'failing' | 'failing-too-long' | 'moved' | 'gone';

export interface SourceState {
  name: string;
  /** The URL fetched next (a permanent redirect changes it). */
  url: string;
  /** The config URL this state belongs to; a new one in config.json starts afresh. */
  configuredUrl: string | null;
  movedAt: string | null;
  lastFetchAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  lastSuccessAt: string | null;
  lastOutcome: SourceOutcome | null;
  consecutiveFailures: number;
  failingSince: string | null;
  nextCheckAt: string | null;
  goneAt: string | null;
  etag: string | null;
  lastModified: string | null;
  bodyHash: string | null;
  itemsSeen: number;
  itemsKept: number;
}

/** One poll of a source, as recorded. */
export interface SourceAttempt {
  name: string;
  /** The config URL of the source. */
  configuredUrl: string;
  /** The URL to fetch next time (the moved-to URL after a 301/308). */
  url: string;
  moved?: boolean;
  at: string;
  outcome: SourceOutcome;
  status?: number;
  error?: string;
  nextCheckAt: string;
  /** Validators and body hash of a parsed (or 304) response; kept when absent. */
  etag?: string;
  lastModified?: string;
  bodyHash?: string;
  /** Counts of a parsed response; kept on "not modified". */
  itemsSeen?: number;
  itemsKept?: number;
}
