/**
 * Daemon health as /healthz reports it.
 *
 * Rules: healthy while the last cycle finished within two schedule intervals
 * (a daemon that has not finished one yet counts from its start, so a slow
 * first cycle is not an outage). Pure: the clock is passed in.
 */

export interface CycleClock {
  startedAt: Date;
  lastCycleFinishedAt?: Date;
  lastCycleOk?: boolean;
  intervalMs: number;
}

export interface HealthReport {
  status: 'ok' | 'stale';
  lastCycleFinishedAt: string | null;
  lastCycleOk: boolean | null;
  intervalSeconds: number;
  /** Seconds since the last cycle finished (or since start, before the first). */
  ageSeconds: number;
}

export function healthReport(clock: CycleClock, now: Date): HealthReport {
  const since = clock.lastCycleFinishedAt ?? clock.startedAt;
  const ageMs = Math.max(0, now.getTime() - since.getTime());
  return {
    status: ageMs <= 2 * clock.intervalMs ? 'ok' : 'stale',
    lastCycleFinishedAt: clock.lastCycleFinishedAt?.toISOString() ?? null,
    lastCycleOk: clock.lastCycleOk ?? null,
    intervalSeconds: Math.round(clock.intervalMs / 1000),
    ageSeconds: Math.round(ageMs / 1000),
  };
}
