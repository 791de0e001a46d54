export * from './html.js';
export * from './renderFeeds.js';
export * from './writeFeeds.js';
