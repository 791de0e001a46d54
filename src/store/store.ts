/**
 * The embedded store (SQLite through better-sqlite3): what infrawire remembers
 * across runs and restarts.
 *
 * Rules:
 * - One file, WAL mode, foreign keys on; created with its folder on first use.
 * - Every article seen is kept (kept by a feed or not), so "new" means "id not
 *   in `articles`", and the first-seen time is set once and never changes.
 * - An article's row changes only when its content changed; re-seeing the
 *   same story is a no-op.
 * - Writes that belong together go through `transaction()`.
 * - Inside a write batch (`beginBatch`/`endBatch`, a cycle's polls) each
 *   `transaction()` is a savepoint of one longer transaction, committed every
 *   BATCH_MAX_WRITES transactions or BATCH_MAX_MS: still all or nothing each
 *   (a throw rolls back its own writes only), and a crash loses whole
 *   transactions from the end, never part of one. A commit per source was
 *   most of the store's cost in an unchanged cycle (a dozen file locks and
 *   reads each, see bench/).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Article, RelatedReport } from '../model/index.js';
import { clusterCoverage } from './curation.js';
import { MIGRATIONS } from './schema.js';
import { copyToScratch, removeScratch, SCRATCH_ITEMS_SQL } from './scratch.js';

export type SaveResult = 'new' | 'changed' | 'unchanged';

export type SourceOutcome = 'ok' | 'not-modified' | 'failed' | 'gone';

export interface SourceState {
  name: string;
  /** The URL fetched next (a permanent redirect changes it). */
  url: string;
  /** The config URL this state belongs to; a new one in config.json starts afresh. */
  configuredUrl: string | null;
  movedAt: string | null;
  lastFetchAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  lastSuccessAt: string | null;
  lastOutcome: SourceOutcome | null;
  consecutiveFailures: number;
  failingSince: string | null;
  nextCheckAt: string | null;
  goneAt: string | null;
  etag: string | null;
  lastModified: string | null;
  bodyHash: string | null;
  itemsSeen: number;
  itemsKept: number;
}

export interface SourceAttempt {
  name: string;
  /** The config URL of the source. */
  configuredUrl: string;
  /** The URL to fetch next time (the moved-to URL after a 301/308). */
  url: string;
  moved?: boolean;
  at: string;
  outcome: SourceOutcome;
  status?: number;
  error?: string;
  nextCheckAt: string;
  /** Validators and body hash of a parsed (or 304) response; kept when absent. */
  etag?: string;
  lastModified?: string;
  bodyHash?: string;
  /** Counts of a parsed response; kept on "not modified". */
  itemsSeen?: number;
  itemsKept?: number;
}

const SOURCE_STATE_COLUMNS = `name, url, configured_url AS configuredUrl, moved_at AS movedAt, last_fetch_at AS lastFetchAt,
  last_status AS lastStatus, last_error AS lastError, last_success_at AS lastSuccessAt, last_outcome AS lastOutcome,
  consecutive_failures AS consecutiveFailures, failing_since AS failingSince, next_check_at AS nextCheckAt, gone_at AS goneAt,
  etag, last_modified AS lastModified, body_hash AS bodyHash, items_seen AS itemsSeen, items_kept AS itemsKept`;
const SOURCE_STATE_SELECT = `SELECT ${SOURCE_STATE_COLUMNS} FROM sources`;
/** `recordAttempt`'s upsert (a constant: a statement is found by its text, and a template built per call costs its hashing every call). */
const RECORD_ATTEMPT_SQL = `INSERT INTO sources (name, url, configured_url, moved_at, last_fetch_at, last_status, last_error, last_success_at, last_outcome,
     consecutive_failures, failing_since, next_check_at, gone_at, etag, last_modified, body_hash, items_seen, items_kept)
   VALUES (@name, @url, @configuredUrl, @movedAt, @at, @status, @error, CASE WHEN @failed THEN NULL ELSE @at END, @outcome,
     @failed, CASE WHEN @failed THEN @at END, @nextCheckAt, @gone, @etag, @lastModified, @bodyHash,
     coalesce(@itemsSeen, 0), coalesce(@itemsKept, 0))
   ON CONFLICT(name) DO UPDATE SET
     url = @url, configured_url = @configuredUrl, moved_at = coalesce(@movedAt, moved_at),
     last_fetch_at = @at, last_status = @status, last_error = @error, last_outcome = @outcome,
     last_success_at = CASE WHEN @failed THEN last_success_at ELSE @at END,
     consecutive_failures = CASE WHEN @failed THEN consecutive_failures + 1 ELSE 0 END,
     failing_since = CASE WHEN @failed THEN coalesce(failing_since, @at) END,
     next_check_at = @nextCheckAt, gone_at = @gone,
     etag = coalesce(@etag, etag), last_modified = coalesce(@lastModified, last_modified), body_hash = coalesce(@bodyHash, body_hash),
     items_seen = coalesce(@itemsSeen, items_seen), items_kept = coalesce(@itemsKept, items_kept)
   RETURNING ${SOURCE_STATE_COLUMNS}`;

export interface FeedEntry {
  article: Article;
  keywords: string[];
  addedAt: string;
  /**
   * The Article JSON as stored (UTF-8), present only when `article` is exactly
   * it (no cluster coverage applied): the JSON Feed carries these bytes as they
   * are instead of serializing the article again.
   */
  stored?: Buffer;
}

/** A feed entry as stored (keywords JSON unparsed), with its cluster's coverage; `revision` changes whenever the article's data does. */
export interface FeedEntryRecord {
  id: string;
  revision: number;
  keywords: string;
  addedAt: string;
  coverage?: { related: RelatedReport[]; lastAdded?: string };
}

/** A stored state counts only while it belongs to the source's configured URL: a new URL starts the source afresh. */
function ownState(state: SourceState | undefined, configuredUrl: string): SourceState | undefined {
  return state?.configuredUrl === configuredUrl ? state : undefined;
}

/** A copy of a store file's bytes marked rollback-journal (header bytes 18/19 = 2 mean WAL, which an in-memory database cannot use). */
function rollbackJournalImage(image: Buffer): Buffer {
  const copy = Buffer.from(image);
  copy[18] = 1;
  copy[19] = 1;
  return copy;
}

/** A cluster lead as published: the other outlets' reports in `related`, `updated` moved to when the last one was first seen. */
export function feedEntryOf(record: FeedEntryRecord, data: Buffer): FeedEntry {
  const stored = JSON.parse(data.toString('utf8')) as Article;
  const keywords = JSON.parse(record.keywords) as string[];
  const cov = record.coverage;
  if (!cov) return { article: stored, keywords, addedAt: record.addedAt, stored: data };
  const article = { ...stored, related: cov.related, updated: cov.lastAdded && cov.lastAdded > stored.updated ? cov.lastAdded : stored.updated };
  return { article, keywords, addedAt: record.addedAt };
}

/** Page size of a new store file (SQLite's default is 4096). */
export const PAGE_SIZE = 16384;

/**
 * A write batch commits after this many top-level transactions, or this long
 * after its first one. The time bound is what usually ends a batch; the count
 * stays high because a commit writes every page the batch dirtied, and a cycle
 * of 304s dirties a page of `sources` per source: at 500 a 10,000-source cycle
 * wrote ~100 MB of 16 KiB pages to the log, at 5,000 ~15 MB.
 */
export const BATCH_MAX_WRITES = 5000;
export const BATCH_MAX_MS = 1000;

export class Store {
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** Open write batches (nested cycles share one); the transaction that holds them, once begun; `transaction()` nesting depth. */
  private batches = 0;
  private batchOpen?: { writes: number; timer: NodeJS.Timeout };
  private batchError?: unknown;
  private depth = 0;
  /** A scratch copy's folder, removed by `close()`. */
  private scratchDir?: string;
  /** One transaction function for every call: better-sqlite3 builds four wrappers per `db.transaction(fn)`, a cost paid per source and article. */
  private readonly runInTransaction: (fn: () => unknown) => unknown;

  /** `image`: the bytes of a closed store's file (no write-ahead log beside it), opened as an in-memory database instead of `path` (for a reader that may write no file at all). */
  constructor(
    readonly path: string,
    image?: Buffer,
  ) {
    if (path !== ':memory:' && !image) mkdirSync(dirname(path), { recursive: true });
    this.db = image ? new Database(rollbackJournalImage(image)) : new Database(path);
    // A new store gets 16 KiB pages: an article row (~6-8 KB of JSON) then fits one page instead of
    // spilling onto overflow pages, which made an insert cost ~40% more CPU and write more (bench/).
    // SQLite ignores this for a store that already has pages, which keeps its size.
    this.db.pragma(`page_size = ${PAGE_SIZE}`);
    this.db.pragma('journal_mode = WAL');
    // WAL + NORMAL: no corruption on a crash, only the last commits can be lost on power loss,
    // and a commit costs no fsync (it was most of a cycle's wall time, see bench/).
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.runInTransaction = this.db.transaction((fn: () => unknown) => fn());
    try {
      this.migrate();
    } catch (err) {
      this.db.close(); // a store we refuse must not stay open (or keep its -wal file)
      throw err;
    }
  }

  /**
   * A scratch copy of the store at `path` (empty when there is none yet), on
   * disk in a private temp folder that `close()` removes: dry runs write to it
   * freely, and the store itself is only read (`scratch.ts`).
   */
  static scratchCopy(path: string): Store {
    const scratch = copyToScratch(path);
    let store: Store | undefined;
    try {
      store = new Store(scratch.file);
      store.scratchDir = scratch.dir;
      store.db.exec(SCRATCH_ITEMS_SQL);
      return store;
    } catch (err) {
      store?.close();
      removeScratch(scratch.dir);
      throw err;
    }
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const row = this.statement("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    const version = row ? Number(row.value) : 0;
    if (version > MIGRATIONS.length) {
      throw new Error(`store ${this.path} has schema version ${version}, newer than this infrawire (${MIGRATIONS.length}); upgrade infrawire`);
    }
    this.transaction(() => {
      for (let v = version; v < MIGRATIONS.length; v++) this.db.exec(MIGRATIONS[v]!);
      this.statement("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(String(MIGRATIONS.length));
    });
  }

  /** A statement prepared once per store: preparing on every call was a large share of a cycle (bench profile). */
  statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) this.statements.set(sql, (stmt = this.db.prepare(sql)));
    return stmt.reader ? stmt.pluck(false) : stmt; // callers that want one column call .pluck() again
  }

  transaction<T>(fn: () => T): T {
    if (this.batches === 0 || this.depth > 0) return this.nested(fn);
    if (this.batchOpen && !this.db.inTransaction) {
      // SQLite rolled the batch back by itself (a full disk, an I/O error): its writes are gone, as after a crash.
      clearTimeout(this.batchOpen.timer);
      this.batchOpen = undefined;
    }
    if (!this.batchOpen) {
      this.statement('BEGIN').run();
      const timer = setTimeout(() => this.commitBatch(true), BATCH_MAX_MS);
      timer.unref();
      this.batchOpen = { writes: 0, timer };
    }
    const result = this.nested(fn); // a savepoint: a throw rolls back this transaction's writes only
    if (++this.batchOpen.writes >= BATCH_MAX_WRITES) this.commitBatch(false);
    return result;
  }

  private nested<T>(fn: () => T): T {
    this.depth++;
    try {
      return this.runInTransaction(fn) as T;
    } finally {
      this.depth--;
    }
  }

  /**
   * Group this store's transactions into few commits until `endBatch()` (see
   * the rules above). Batches nest; the last `endBatch()` commits, and throws
   * if a commit of the batch failed meanwhile.
   */
  beginBatch(): void {
    this.batches++;
  }

  endBatch(): void {
    if (this.batches === 0) return;
    if (--this.batches > 0) return;
    this.commitBatch(false);
    const failed = this.batchError;
    this.batchError = undefined;
    if (failed !== undefined) throw failed;
  }

  /** Commit the open batch transaction; from a timer, a failed commit is kept for `endBatch` to throw (nothing there could catch it). */
  private commitBatch(fromTimer: boolean): void {
    const open = this.batchOpen;
    if (!open) return;
    clearTimeout(open.timer);
    this.batchOpen = undefined;
    if (!this.db.open || !this.db.inTransaction) return;
    try {
      this.statement('COMMIT').run();
    } catch (err) {
      if (this.db.inTransaction) this.statement('ROLLBACK').run();
      if (!fromTimer) throw err;
      this.batchError ??= err;
    }
  }

  /** First-seen times of the ids already stored. */
  firstSeen(ids: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    const stmt = this.statement('SELECT first_seen FROM articles WHERE id = ?').pluck();
    for (const id of ids) {
      const seen = stmt.get(id) as string | undefined;
      if (seen) out.set(id, seen);
    }
    return out;
  }

  /**
   * Store an article (`inputHash`: what it was normalized from, see
   * `knownInputs`; omitted when a date came from the poll time, so the item is
   * normalized again next time).
   */
  saveArticle(article: Article, firstSeen: string, inputHash?: string): SaveResult {
    const data = JSON.stringify(article);
    const hash = inputHash ?? null;
    const existing = this.statement('SELECT data, input_hash AS hash FROM articles WHERE id = ?').get(article.id) as { data: string; hash: string | null } | undefined;
    if (existing?.data === data) {
      if (existing.hash !== hash) this.statement('UPDATE articles SET input_hash = ? WHERE id = ?').run(hash, article.id);
      return 'unchanged';
    }
    if (existing === undefined) {
      this
        .statement('INSERT INTO articles (id, source, url, first_seen, published, updated, data, input_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(article.id, article.source.name, article.url, firstSeen, article.published, article.updated, data, hash);
      return 'new';
    }
    this
      .statement('UPDATE articles SET source = ?, url = ?, published = ?, updated = ?, data = ?, input_hash = ?, revision = revision + 1 WHERE id = ?')
      .run(article.source.name, article.url, article.published, article.updated, data, hash, article.id);
    // New content may match other rules: curation decides it again.
    this.statement('DELETE FROM article_decisions WHERE article_id = ?').run(article.id);
    return 'changed';
  }

  getArticle(id: string): Article | undefined {
    const data = this.statement('SELECT data FROM articles WHERE id = ?').pluck().get(id) as string | undefined;
    return data === undefined ? undefined : (JSON.parse(data) as Article);
  }

  /** The stored article with this canonical URL (the earliest seen when several sources share it). */
  articleByUrl(url: string): Article | undefined {
    const data = this.statement('SELECT data FROM articles WHERE url = ? ORDER BY first_seen, id LIMIT 1').pluck().get(url) as string | undefined;
    return data ? (JSON.parse(data) as Article) : undefined;
  }

  /** Put an article into a curated feed (or refresh its matched keywords); true when it was not there yet. */
  keepInFeed(feed: string, articleId: string, keywords: string[], at: string): boolean {
    const json = JSON.stringify(keywords);
    const existing = this.statement('SELECT keywords FROM feed_entries WHERE feed = ? AND article_id = ?').pluck().get(feed, articleId) as string | undefined;
    if (existing === undefined) {
      this.statement('INSERT INTO feed_entries (feed, article_id, keywords, added_at) VALUES (?, ?, ?, ?)').run(feed, articleId, json, at);
      return true;
    }
    if (existing !== json) this.statement('UPDATE feed_entries SET keywords = ? WHERE feed = ? AND article_id = ?').run(json, feed, articleId);
    return false;
  }

  /** The newest entries of a feed, newest first (by published, then id for a stable order). */
  feedEntries(feed: string, limit: number): FeedEntry[] {
    const records = this.feedEntryRecords(feed, limit);
    const data = this.articlesData(records.map((r) => r.id));
    return records.map((r) => feedEntryOf(r, data.get(r.id)!));
  }

  /**
   * A feed's entries as stored, without their Article JSON (read it with
   * `articlesData`), with each cluster lead's coverage: what publishing needs to
   * tell an unchanged entry from a changed one. Index reads only, proportional
   * to the feed, not to the store: the entries' columns from a covering index,
   * and whether a lead has other reports by its cluster index.
   */
  feedEntryRecords(feed: string, limit: number): FeedEntryRecord[] {
    const rows = this
      .statement(
        `SELECT a.id, a.revision, e.keywords, e.added_at,
           EXISTS (SELECT 1 FROM story_clusters c WHERE c.lead_id = a.id AND c.article_id <> a.id) AS covered
         FROM feed_entries e JOIN articles a INDEXED BY articles_feed_order ON a.id = e.article_id
         WHERE e.feed = ? ORDER BY a.published DESC, a.id LIMIT ?`,
      )
      .all(feed, limit) as { id: string; revision: number; keywords: string; added_at: string; covered: number }[];
    return rows.map((r) => {
      const coverage = r.covered ? clusterCoverage(this, r.id) : undefined;
      return { id: r.id, revision: r.revision, keywords: r.keywords, addedAt: r.added_at, ...(coverage?.related.length ? { coverage } : {}) };
    });
  }

  /** When `feed` was first published: `now` on the first call (recorded), the recorded time after. */
  feedFirstPublished(feed: string, now: string): string {
    const key = `feed_first_published:${feed}`;
    const known = this.statement('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
    if (known !== undefined) return known;
    this.statement('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, now);
    return now;
  }

  /** The stored Article JSON of these ids as UTF-8 bytes (read as blobs: no text decoding unless the caller asks), in one statement (a feed's entries: a third cheaper than one read each); ids not stored are absent. */
  articlesData(ids: readonly string[]): Map<string, Buffer> {
    const rows = this
      .statement('SELECT id, CAST(data AS BLOB) AS data FROM articles WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids)) as { id: string; data: Buffer }[];
    return new Map(rows.map((r) => [r.id, r.data]));
  }

  /**
   * Record one poll of a source. Success and "not modified" reset the failure
   * count; a failure adds one and keeps the first failure time. A config URL
   * that differs from the stored one starts the source afresh (validators,
   * failures, gone), because the operator has pointed it somewhere new.
   * Returns the source's state as recorded.
   */
  recordAttempt(a: SourceAttempt): SourceState {
    const failed = a.outcome === 'failed' || a.outcome === 'gone';
    const params = {
      name: a.name,
      configuredUrl: a.configuredUrl,
      url: a.url,
      movedAt: a.moved ? a.at : null,
      at: a.at,
      outcome: a.outcome,
      status: a.status ?? null,
      error: a.error ?? null,
      nextCheckAt: a.nextCheckAt,
      etag: a.etag ?? null,
      lastModified: a.lastModified ?? null,
      bodyHash: a.bodyHash ?? null,
      itemsSeen: a.itemsSeen ?? null,
      itemsKept: a.itemsKept ?? null,
      failed: failed ? 1 : 0,
      gone: a.outcome === 'gone' ? a.at : null,
    };
    return this.transaction(() => {
      const stored = this.statement('SELECT configured_url FROM sources WHERE name = ?').pluck().get(a.name) as string | null | undefined;
      if (stored !== undefined && stored !== a.configuredUrl) this.statement('DELETE FROM sources WHERE name = ?').run(a.name);
      return this.statement(RECORD_ATTEMPT_SQL).get(params) as SourceState;
    });
  }

  /** Every source's state, by name (one query: a cycle reads them all at once, not one by one). */
  sourceStates(): SourceState[] {
    return this.statement(`${SOURCE_STATE_SELECT} ORDER BY name`).all() as SourceState[];
  }

  /** The state of one source, but only while it belongs to this config URL. */
  sourceState(name: string, configuredUrl: string): SourceState | undefined {
    return ownState(this.statement(`${SOURCE_STATE_SELECT} WHERE name = ?`).get(name) as SourceState | undefined, configuredUrl);
  }

  /** `sourceState` of each configured source (by name; absent: none yet), in one read of every state. */
  sourceStatesFor(sources: readonly { name: string; url: string }[]): Map<string, SourceState> {
    const stored = new Map(this.sourceStates().map((s) => [s.name, s]));
    const out = new Map<string, SourceState>();
    for (const src of sources) {
      const state = ownState(stored.get(src.name), src.url);
      if (state) out.set(src.name, state);
    }
    return out;
  }

  close(): void {
    if (!this.db.open) return;
    this.batches = 0;
    try {
      this.commitBatch(false); // what a batch holds is kept, as its own commits would have kept it
    } finally {
      this.db.close();
      if (this.scratchDir) removeScratch(this.scratchDir);
    }
  }
}
