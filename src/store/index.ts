/** The store stage: the `Store` interface the pipeline speaks, and its embedded SQLite implementation. */
export * from './types.js';
export * from './lock.js';
export { SqliteStore, PAGE_SIZE, BATCH_MAX_MS, BATCH_MAX_WRITES } from './sqlite/database.js';
export { ScratchStore } from './sqlite/scratch.js';
