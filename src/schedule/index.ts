export * from './cycle.js';
export * from './daemon.js';
export * from './curateStore.js';
