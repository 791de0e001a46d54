export * from './store.js';
export * from './lock.js';
export * from './curation.js';
