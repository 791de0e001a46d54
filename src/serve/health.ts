/**
 * Daemon health as /healthz and the status page report it.
 *
 * Rules:
 * - `failing` (HTTP 503): no cycle finished within two schedule intervals (a
 *   daemon that has not finished one yet counts from its start). Only this asks
 *   a supervisor to restart the process.
 * - `starting`: the first cycle has not finished yet.
 * - `degraded`: cycles run, but the last one failed, or it polled sources and
 *   reached none of them (no network, a DNS outage). HTTP 200: restarting a
 *   daemon does not bring the internet back.
 * - `ok`: the last cycle reached at least one source it polled (or polled none
 *   because none was due, after one that reached some).
 * - Pure: the clock is passed in.
 */

export interface CycleReach {
  /** Sources the cycle polled. */
  polled: number;
  /** Of those, the ones that answered (a feed, or not modified). */
  answered: number;
  /** The first failure's reason, when none answered. */
  firstError?: string;
}

export interface CycleClock {
  startedAt: Date;
  lastCycleFinishedAt?: Date;
  lastCycleOk?: boolean;
  /** The last cycle that polled any source: how many it reached. */
  lastReach?: CycleReach;
  intervalMs: number;
}

export type DaemonStatus = 'starting' | 'ok' | 'degraded' | 'failing';

export interface HealthReport {
  status: DaemonStatus;
  /** The status in words, for people (the status page, a supervisor's log). */
  reason: string;
  lastCycleFinishedAt: string | null;
  lastCycleOk: boolean | null;
  sourcesPolled: number | null;
  sourcesReached: number | null;
  intervalSeconds: number;
  /** Seconds since the last cycle finished (or since start, before the first). */
  ageSeconds: number;
}

export function formatDuration(seconds: number): string {
  if (seconds >= 2 * 86_400) return `${Math.round(seconds / 86_400)} days`;
  if (seconds >= 2 * 3_600) return `${Math.round(seconds / 3_600)} h`;
  return seconds >= 60 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
}

function statusOf(clock: CycleClock, ageMs: number): [DaemonStatus, string] {
  const every = formatDuration(Math.round(clock.intervalMs / 1000));
  if (ageMs > 2 * clock.intervalMs) {
    const since = clock.lastCycleFinishedAt ? 'no cycle has finished' : 'the first cycle has not finished';
    return ['failing', `${since} for ${formatDuration(Math.round(ageMs / 1000))}, though one should run every ${every}`];
  }
  if (!clock.lastCycleFinishedAt) return ['starting', 'the first cycle has not finished yet'];
  if (clock.lastCycleOk === false) return ['degraded', 'the last cycle failed (the log says why); the feeds stay as last published'];
  const reach = clock.lastReach;
  if (reach && reach.polled > 0 && reach.answered === 0) {
    const why = reach.firstError ? ` (${reach.firstError})` : '';
    return ['degraded', `the last cycle reached none of the ${reach.polled} sources it polled${why}: is this machine offline? The feeds stay as last published`];
  }
  if (!reach) return ['ok', 'cycles run; no source was due yet'];
  return ['ok', `the last cycle that polled sources reached ${reach.answered} of ${reach.polled}`];
}

export function healthReport(clock: CycleClock, now: Date): HealthReport {
  const since = clock.lastCycleFinishedAt ?? clock.startedAt;
  const ageMs = Math.max(0, now.getTime() - since.getTime());
  const [status, reason] = statusOf(clock, ageMs);
  return {
    status,
    reason,
    lastCycleFinishedAt: clock.lastCycleFinishedAt?.toISOString() ?? null,
    lastCycleOk: clock.lastCycleOk ?? null,
    sourcesPolled: clock.lastReach?.polled ?? null,
    sourcesReached: clock.lastReach?.answered ?? null,
    intervalSeconds: Math.round(clock.intervalMs / 1000),
    ageSeconds: Math.round(ageMs / 1000),
  };
}

/** How many of a cycle's polled sources answered; undefined when it polled none (a tick with nothing due). */
export function cycleReach(sources: readonly { ok: boolean; error?: string }[]): CycleReach | undefined {
  if (!sources.length) return undefined;
  const answered = sources.filter((s) => s.ok).length;
  const firstError = answered ? undefined : sources.find((s) => s.error)?.error;
  return { polled: sources.length, answered, ...(firstError ? { firstError } : {}) };
}

/** A cycle reached no source: most likely no network. Said once, with what to try instead. */
export function unreachedLine(reach: CycleReach, when: string): string {
  const why = reach.firstError ? ` (first: ${reach.firstError})` : '';
  return `none of the ${reach.polled} sources could be reached ${when}${why}: is this machine offline? \`infrawire demo\` runs infrawire on built-in sample feeds without a network`;
}
