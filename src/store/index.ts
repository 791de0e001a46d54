export * from './store.js';
export * from './lock.js';
