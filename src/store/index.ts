export * from './store.js';
export * from './lock.js';
export * from './curation.js';
export * from './scratch.js';
