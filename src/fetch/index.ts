export * from './fetchSource.js';
export * from './limiter.js';
export * from './userAgent.js';
