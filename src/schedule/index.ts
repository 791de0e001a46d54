export * from './cycle.js';
export * from './daemon.js';
