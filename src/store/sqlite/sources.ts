/**
 * Sources in the SQLite store: each configured source's state between polls.
 *
 * Rules: a state counts only while its `configured_url` equals the config's
 * URL (a new URL in config.json starts the source afresh); `recordAttempt` is
 * one upsert whose SQL holds the rules of failure counting and validators.
 */
import type { SourceAttempt, SourceState } from '../../model/index.js';
import type { SourceRepository } from '../types.js';
import type { SqliteAccess } from './access.js';

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

/** A stored state counts only while it belongs to the source's configured URL. */
function ownState(state: SourceState | undefined, configuredUrl: string): SourceState | undefined {
  return state?.configuredUrl === configuredUrl ? state : undefined;
}

export class SqliteSources implements SourceRepository {
  constructor(private readonly db: SqliteAccess) {}

  async all(): Promise<SourceState[]> {
    return this.db.statement(`${SOURCE_STATE_SELECT} ORDER BY name`).all() as SourceState[];
  }

  async state(name: string, configuredUrl: string): Promise<SourceState | undefined> {
    return ownState(this.db.statement(`${SOURCE_STATE_SELECT} WHERE name = ?`).get(name) as SourceState | undefined, configuredUrl);
  }

  async statesFor(sources: readonly { name: string; url: string }[]): Promise<Map<string, SourceState>> {
    const stored = new Map((await this.all()).map((s) => [s.name, s]));
    const out = new Map<string, SourceState>();
    for (const src of sources) {
      const state = ownState(stored.get(src.name), src.url);
      if (state) out.set(src.name, state);
    }
    return out;
  }

  recordAttempt(a: SourceAttempt): Promise<SourceState> {
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
    return this.db.write(() => {
      const stored = this.db.statement('SELECT configured_url FROM sources WHERE name = ?').pluck().get(a.name) as string | null | undefined;
      if (stored !== undefined && stored !== a.configuredUrl) this.db.statement('DELETE FROM sources WHERE name = ?').run(a.name);
      return this.db.statement(RECORD_ATTEMPT_SQL).get(params) as SourceState;
    });
  }
}
