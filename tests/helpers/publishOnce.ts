/**
 * Child process of tests/hostile/disk.test.ts: publish every feed once from a
 * copy of the store and print the feed reports as JSON.
 *
 * Rules:
 * - Runs under limits the test process cannot take on itself (another uid
 *   for a read-only directory, `ulimit -f` for a full disk), so it opens the
 *   store file's bytes as an in-memory database and writes nothing but the feed files.
 */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config/index.js';
import { CycleMemory, publishFeeds } from '../../src/pipeline/index.js';
import { SqliteStore } from '../../src/store/index.js';

/** A WAL store file's bytes as an in-memory database: SQLite refuses a WAL image there, so its header says rollback journal (bytes 18 and 19, the file format's read and write versions). */
function rollbackJournalImage(image: Buffer): Buffer {
  const copy = Buffer.from(image);
  copy[18] = 1;
  copy[19] = 1;
  return copy;
}

const config = loadConfig(process.argv[2]!);
const store = new SqliteStore(new Database(rollbackJournalImage(readFileSync(config.store.path))), config.store.path);
try {
  process.stdout.write(JSON.stringify(await publishFeeds(config, store, new CycleMemory())));
} finally {
  await store.close();
}
