/** When things run: the daemon's cron ticks, its lifecycle, and the schedule's interval. */
export * from './daemon.js';
export * from './interval.js';
