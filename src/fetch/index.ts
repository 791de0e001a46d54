export * from './fetchSource.js';
export * from './userAgent.js';
