export * from './schema.js';
export * from './load.js';
export * from './watchRules.js';
export * from './derived.js';
