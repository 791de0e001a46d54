/** The pipeline: one cycle's steps (poll → ingest → curate → publish) over a store. */
export * from './cycle.js';
export * from './curation.js';
export * from './decide.js';
export * from './ingest.js';
export * from './listener.js';
export * from './memory.js';
export * from './poll.js';
export * from './publish.js';
export * from './fullText.js';
