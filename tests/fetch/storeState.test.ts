/** Per-source state in a real SQLite file: the upgrade from the foundation's schema, and what recordAttempt keeps. */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/sqlite/schema.js';
import { SqliteStore } from '../../src/store/index.js';
import { tempDir } from '../helpers/env.js';
import type { SourceAttempt } from '../../src/model/index.js';

describe('source state in the store', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('upgrades a foundation store (schema 1) in place; an old row starts afresh on its first poll', async () => {
    const path = join(tmp.dir, 'old.db');
    const old = new Database(path);
    old.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    old.exec(MIGRATIONS[0]!);
    old.prepare("INSERT INTO meta VALUES ('schema_version', '1')").run();
    old.prepare("INSERT INTO sources (name, url, consecutive_failures) VALUES ('Wire', 'https://a.example/feed', 3)").run();
    old.close();

    const store = SqliteStore.open(path);
    try {
      expect(store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(String(MIGRATIONS.length));
      expect((await store.sources.all())[0]).toMatchObject({ name: 'Wire', configuredUrl: null, consecutiveFailures: 3, etag: null });
      expect(await store.sources.state('Wire', 'https://a.example/feed')).toBeUndefined();
      await store.sources.recordAttempt({ name: 'Wire', configuredUrl: 'https://a.example/feed', url: 'https://a.example/feed', at: '2026-11-27T12:00:00.000Z', outcome: 'ok', status: 200, nextCheckAt: '2026-11-27T12:15:00.000Z', etag: '"e1"' });
      expect(await store.sources.state('Wire', 'https://a.example/feed')).toMatchObject({ consecutiveFailures: 0, etag: '"e1"', lastOutcome: 'ok' });
    } finally {
      await store.close();
    }
  });

  it('keeps validators and counts across a 304 and a failure, and the first failure time across failures', async () => {
    const store = SqliteStore.open(join(tmp.dir, 's.db'));
    const base: SourceAttempt = { name: 'W', configuredUrl: 'https://a.example/f', url: 'https://a.example/f', at: '', outcome: 'ok', nextCheckAt: '' };
    try {
      await store.sources.recordAttempt({ ...base, at: 't1', outcome: 'ok', status: 200, etag: '"e1"', lastModified: 'lm1', bodyHash: 'h1', itemsSeen: 5, itemsKept: 2 });
      await store.sources.recordAttempt({ ...base, at: 't2', outcome: 'not-modified', status: 304 });
      expect(await store.sources.state('W', base.configuredUrl)).toMatchObject({ etag: '"e1"', lastModified: 'lm1', bodyHash: 'h1', itemsSeen: 5, itemsKept: 2, lastSuccessAt: 't2', lastOutcome: 'not-modified' });
      await store.sources.recordAttempt({ ...base, at: 't3', outcome: 'failed', status: 500, error: 'HTTP 500' });
      await store.sources.recordAttempt({ ...base, at: 't4', outcome: 'failed', error: 'connection refused' });
      expect(await store.sources.state('W', base.configuredUrl)).toMatchObject({ consecutiveFailures: 2, failingSince: 't3', lastError: 'connection refused', lastStatus: null, lastSuccessAt: 't2', etag: '"e1"', itemsSeen: 5 });
      await store.sources.recordAttempt({ ...base, at: 't5', outcome: 'ok', status: 200, itemsSeen: 6, itemsKept: 3 });
      expect(await store.sources.state('W', base.configuredUrl)).toMatchObject({ consecutiveFailures: 0, failingSince: null, lastError: null, itemsSeen: 6 });
    } finally {
      await store.close();
    }
  });
});
