export * from './keywords.js';
export * from './regex.js';
export * from './rules.js';
export * from './feeds.js';
export * from './explain.js';
