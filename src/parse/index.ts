export * from './decode.js';
export * from './errors.js';
export * from './parseFeed.js';
export * from './sniff.js';
