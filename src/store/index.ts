export * from './store.js';
export * from './curation.js';
