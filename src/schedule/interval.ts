/**
 * The schedule's interval, for /healthz ("within two intervals") and feed
 * Cache-Control.
 *
 * Rules: the longest gap between the next few runs, so an irregular cron
 * expression ("0 8,20 * * *") is judged by its worst case and never reported
 * unhealthy between two legitimate runs.
 */

const FALLBACK_MS = 30 * 60 * 1000;

export function longestGapMs(runs: readonly Date[]): number {
  let longest = 0;
  for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i]!.getTime() - runs[i - 1]!.getTime());
  return longest > 0 ? longest : FALLBACK_MS;
}

/** Seconds until the next run, at least 1, at most the interval: how long a published feed stays fresh. */
export function freshSeconds(nextRun: Date | null, intervalMs: number, now: Date): number {
  const ms = nextRun ? nextRun.getTime() - now.getTime() : intervalMs;
  return Math.max(1, Math.min(Math.ceil(ms / 1000), Math.ceil(intervalMs / 1000)));
}
