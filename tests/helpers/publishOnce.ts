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
import { loadConfig } from '../../src/config/index.js';
import { publishFeeds } from '../../src/schedule/index.js';
import { Store } from '../../src/store/index.js';

const config = loadConfig(process.argv[2]!);
const store = new Store(':memory:', readFileSync(config.store.path));
try {
  process.stdout.write(JSON.stringify(publishFeeds(config, store)));
} finally {
  store.close();
}
