/** The schedule interval behind /healthz and feed Cache-Control. */
import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { freshSeconds, longestGapMs } from '../../src/schedule/index.js';

function nextRuns(expression: string): Date[] {
  const task = cron.createTask(expression, () => {});
  try {
    return task.getNextRuns(12);
  } finally {
    void task.destroy();
  }
}

describe('schedule interval', () => {
  it('is the gap of a regular schedule and the longest gap of an irregular one', () => {
    expect(longestGapMs(nextRuns('*/30 * * * *'))).toBe(30 * 60_000);
    expect(longestGapMs(nextRuns('0 8,20 * * *'))).toBe(12 * 3_600_000);
    expect(longestGapMs(nextRuns('0 6,9 * * *'))).toBe(21 * 3_600_000);
  });

  it('keeps feeds fresh until the next cycle, between 1 second and one interval', () => {
    const now = new Date('2026-11-28T10:10:00Z');
    expect(freshSeconds(new Date('2026-11-28T10:30:00Z'), 1_800_000, now)).toBe(1200);
    expect(freshSeconds(new Date('2026-11-28T10:10:00.200Z'), 1_800_000, now)).toBe(1);
    expect(freshSeconds(new Date('2026-11-28T09:00:00Z'), 1_800_000, now)).toBe(1);
    expect(freshSeconds(new Date('2026-11-29T10:00:00Z'), 1_800_000, now)).toBe(1800);
    expect(freshSeconds(null, 1_800_000, now)).toBe(1800);
  });
});
