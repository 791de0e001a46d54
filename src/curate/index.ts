export * from './keywords.js';
