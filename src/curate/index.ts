export * from './keywords.js';
export * from './rules.js';
export * from './feeds.js';
export * from './explain.js';
export * from './similarity.js';
export * from './cluster.js';
export * from './coverage.js';
