/** The parse pool: decode → parse → normalize of fetched bodies on worker threads (or inline). */
export * from './parseJob.js';
export * from './pool.js';
