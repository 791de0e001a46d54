/** The parse pool: decode → parse → normalize of fetched bodies, and article pages' extraction, on worker threads (or inline). */
export * from './pageJob.js';
export * from './parseJob.js';
export * from './pool.js';
