/**
 * How the SQLite repositories reach the database, apart from the store that
 * owns it: the repositories (articles.ts, feeds.ts, sources.ts) and the store
 * (database.ts) both depend on this, never on each other both ways.
 */
import type Database from 'better-sqlite3';

/** What a repository runs its SQL through: prepared statements, and `write` for statements that change the store. */
export interface SqliteAccess {
  statement(sql: string): Database.Statement;
  /** Run `fn` as (part of) a transaction: at once inside one, else as a transaction of its own. */
  write<T>(fn: () => T): Promise<T>;
}
