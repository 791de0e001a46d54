export * from './cycle.js';
export * from './daemon.js';
export * from './interval.js';
export * from './curateStore.js';
