export * from './html.js';
export * from './document.js';
export * from './renderFeeds.js';
export * from './writeFeeds.js';
export * from './atom.js';
export * from './jsonFeed.js';
export * from './renderCache.js';
