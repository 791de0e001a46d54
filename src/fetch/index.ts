export * from './fetchSource.js';
export * from './limiter.js';
export * from './userAgent.js';
export * from './due.js';
export * from './health.js';
export * from './addresses.js';
export * from './robots.js';
export * from './pageFetch.js';
