/**
 * The embedded store: SQLite through better-sqlite3, one file, what infrawire
 * remembers across runs and restarts (the `Store` interface in ../types.ts).
 *
 * Rules:
 * - One file, WAL mode, foreign keys on; created with its folder on first use.
 *   WAL + synchronous=NORMAL: no corruption on a crash, only the last commits
 *   can be lost on power loss, and a commit costs no fsync.
 * - Migrations only append (`MIGRATIONS`); a store whose schema is newer than
 *   this infrawire is refused, naming both versions.
 * - Transactions never interleave: they queue on one chain (better-sqlite3 has
 *   one connection, and a transaction's session awaits between statements).
 *   A write outside a transaction is a transaction of its own.
 * - Inside `batch` each transaction is a savepoint of one longer transaction,
 *   committed every BATCH_MAX_WRITES transactions or BATCH_MAX_MS: still all or
 *   nothing each (a throw rolls back its own writes only), and a crash loses
 *   whole transactions from the end, never part of one. A commit per source was
 *   most of the store's cost in an unchanged cycle (a dozen file locks each).
 * - Each SQL statement is prepared once (`statement`).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Store, StoreSession } from '../types.js';
import type { SqliteAccess } from './access.js';
import { SqliteArticles, SqliteClusters, SqliteDecisions, SqliteTombstones } from './articles.js';
import { SqliteFeedEntries } from './feeds.js';
import { MIGRATIONS } from './schema.js';
import { SqliteSources } from './sources.js';

/** Page size of a new store file (SQLite's default is 4096): an article row (~6-8 KB of JSON) fits one page instead of spilling onto overflow pages, which cost an insert ~40% more CPU. */
export const PAGE_SIZE = 16384;

/**
 * A write batch commits after this many transactions, or this long after its
 * first one. The time bound usually ends a batch; the count stays high because
 * a commit writes every page the batch dirtied (a 10,000-source cycle of 304s
 * wrote ~100 MB of log at 500, ~15 MB at 5,000).
 */
export const BATCH_MAX_WRITES = 5000;
export const BATCH_MAX_MS = 1000;

function session(access: SqliteAccess): StoreSession {
  return {
    sources: new SqliteSources(access),
    articles: new SqliteArticles(access),
    decisions: new SqliteDecisions(access),
    clusters: new SqliteClusters(access),
    feeds: new SqliteFeedEntries(access),
    tombstones: new SqliteTombstones(access),
  };
}

export class SqliteStore implements Store {
  readonly sources: StoreSession['sources'];
  readonly articles: StoreSession['articles'];
  readonly decisions: StoreSession['decisions'];
  readonly clusters: StoreSession['clusters'];
  readonly feeds: StoreSession['feeds'];
  readonly tombstones: StoreSession['tombstones'];
  private readonly statements = new Map<string, Database.Statement>();
  /** The session a transaction's function is given: its writes run at once (the transaction holds the chain). */
  private readonly inTransaction: StoreSession;
  /** Transactions queue here, one after another. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Open batches (nested ones share one), the open batch transaction once begun, and a commit error a timer could not throw. */
  private batches = 0;
  private batchOpen?: { writes: number; timer: NodeJS.Timeout };
  private batchError?: unknown;
  private closed = false;

  /** Open (or create) the store file at `path`. */
  static open(path: string): SqliteStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    return new SqliteStore(new Database(path), path);
  }

  /** A store over an open better-sqlite3 database (`location` names it in messages); migrated, and closed if that fails. */
  constructor(
    readonly db: Database.Database,
    readonly location: string,
  ) {
    // SQLite ignores the page size for a store that already has pages, which keeps its own.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    try {
      this.migrate();
    } catch (err) {
      db.close(); // a store we refuse must not stay open (or keep its -wal file)
      throw err;
    }
    const own: SqliteAccess = { statement: (sql) => this.statement(sql), write: (fn) => this.transaction(async () => fn()) };
    const inside: SqliteAccess = { statement: (sql) => this.statement(sql), write: async (fn) => fn() };
    ({ sources: this.sources, articles: this.articles, decisions: this.decisions, clusters: this.clusters, feeds: this.feeds, tombstones: this.tombstones } = session(own));
    this.inTransaction = session(inside);
  }

  /** Where the store is: its file. */
  get path(): string {
    return this.location;
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const row = this.statement("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    const version = row ? Number(row.value) : 0;
    if (version > MIGRATIONS.length) {
      throw new Error(`store ${this.location} has schema version ${version}, newer than this infrawire (${MIGRATIONS.length}); upgrade infrawire`);
    }
    this.db.transaction(() => {
      for (let v = version; v < MIGRATIONS.length; v++) this.db.exec(MIGRATIONS[v]!);
      this.statement("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(String(MIGRATIONS.length));
    })();
  }

  /** A statement prepared once per store: preparing on every call was a large share of a cycle (bench profile). */
  statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) this.statements.set(sql, (stmt = this.db.prepare(sql)));
    return stmt.reader ? stmt.pluck(false) : stmt; // callers that want one column call .pluck() again
  }

  /** Run `step` after every transaction queued before it, and before any queued after. */
  private queued<T>(step: () => Promise<T>): Promise<T> {
    const result = this.chain.then(step, step);
    this.chain = result.catch(() => undefined);
    return result;
  }

  transaction<T>(fn: (tx: StoreSession) => Promise<T>): Promise<T> {
    return this.queued(async () => {
      if (this.closed) throw new Error(`store ${this.location} is closed`);
      if (this.batches === 0) return this.whole(fn);
      this.openBatch();
      const result = await this.savepoint(fn);
      if (++this.batchOpen!.writes >= BATCH_MAX_WRITES) this.commitBatch(false);
      return result;
    });
  }

  private async whole<T>(fn: (tx: StoreSession) => Promise<T>): Promise<T> {
    this.statement('BEGIN').run();
    try {
      const result = await fn(this.inTransaction);
      this.statement('COMMIT').run();
      return result;
    } catch (err) {
      if (this.db.inTransaction) this.statement('ROLLBACK').run();
      throw err;
    }
  }

  private async savepoint<T>(fn: (tx: StoreSession) => Promise<T>): Promise<T> {
    this.statement('SAVEPOINT tx').run();
    try {
      const result = await fn(this.inTransaction);
      this.statement('RELEASE tx').run();
      return result;
    } catch (err) {
      if (this.db.inTransaction) {
        this.statement('ROLLBACK TO tx').run();
        this.statement('RELEASE tx').run();
      }
      throw err;
    }
  }

  private openBatch(): void {
    if (this.batchOpen && !this.db.inTransaction) {
      // SQLite rolled the batch back by itself (a full disk, an I/O error): its writes are gone, as after a crash.
      clearTimeout(this.batchOpen.timer);
      this.batchOpen = undefined;
    }
    if (this.batchOpen) return;
    this.statement('BEGIN').run();
    const timer = setTimeout(() => void this.queued(async () => this.commitBatch(true)), BATCH_MAX_MS);
    timer.unref();
    this.batchOpen = { writes: 0, timer };
  }

  /** Commit the open batch transaction; from a timer, a failed commit is kept for the batch's end to throw (nothing there could catch it). */
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

  async batch<T>(fn: () => Promise<T>): Promise<T> {
    this.batches++;
    let result: T;
    try {
      result = await fn();
    } finally {
      if (--this.batches === 0) {
        // Polls abandoned at shutdown that finish later commit their own writes.
        await this.queued(async () => this.commitBatch(false)).catch((err: unknown) => (this.batchError ??= err));
      }
    }
    const failed = this.batches === 0 ? this.batchError : undefined;
    if (failed !== undefined) {
      this.batchError = undefined;
      throw failed;
    }
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // What a batch holds is kept, as its own commits would have kept it; a transaction still running finishes first.
    await this.queued(async () => {
      this.closed = true;
      try {
        this.commitBatch(false);
      } finally {
        this.db.close();
      }
    });
  }
}
