/**
 * Article page fetches in the SQLite store (`pages`): the last fetch of each
 * article's page, with its item revision, validators, backoff and extraction.
 *
 * Rules: one row per article, replaced whole by each record; it goes with its
 * article (ON DELETE CASCADE). `extracted` is JSON, read back as written.
 */
import type { PageRecord } from '../../model/index.js';
import type { PageRepository } from '../types.js';
import type { SqliteAccess } from './access.js';

interface PageRow {
  article_id: string;
  source: string;
  url: string;
  final_url: string | null;
  item_hash: string | null;
  outcome: 'ok' | 'failed';
  kind: string | null;
  error: string | null;
  status: number | null;
  fetched_at: string;
  failures: number;
  next_try_at: string | null;
  etag: string | null;
  last_modified: string | null;
  extracted: string | null;
}

function fromRow(row: PageRow): PageRecord {
  const optional = {
    finalUrl: row.final_url, itemHash: row.item_hash, kind: row.kind, error: row.error, status: row.status,
    nextTryAt: row.next_try_at, etag: row.etag, lastModified: row.last_modified,
    extracted: row.extracted === null ? null : JSON.parse(row.extracted),
  };
  const present = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== null));
  return { articleId: row.article_id, source: row.source, url: row.url, outcome: row.outcome, fetchedAt: row.fetched_at, failures: row.failures, ...present };
}

export class SqlitePages implements PageRepository {
  constructor(private readonly db: SqliteAccess) {}

  async get(articleId: string): Promise<PageRecord | undefined> {
    const row = this.db.statement('SELECT * FROM pages WHERE article_id = ?').get(articleId) as PageRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  record(page: PageRecord): Promise<void> {
    return this.db.write(() => {
      this.db
        .statement(
          `INSERT OR REPLACE INTO pages (article_id, source, url, final_url, item_hash, outcome, kind, error, status, fetched_at, failures, next_try_at, etag, last_modified, extracted)
           VALUES (@articleId, @source, @url, @finalUrl, @itemHash, @outcome, @kind, @error, @status, @fetchedAt, @failures, @nextTryAt, @etag, @lastModified, @extracted)`,
        )
        .run({
          articleId: page.articleId, source: page.source, url: page.url, finalUrl: page.finalUrl ?? null, itemHash: page.itemHash ?? null,
          outcome: page.outcome, kind: page.kind ?? null, error: page.error ?? null, status: page.status ?? null, fetchedAt: page.fetchedAt,
          failures: page.failures, nextTryAt: page.nextTryAt ?? null, etag: page.etag ?? null, lastModified: page.lastModified ?? null,
          extracted: page.extracted ? JSON.stringify(page.extracted) : null,
        });
    });
  }

  async dueRetries(source: string, now: string, limit: number): Promise<PageRecord[]> {
    const rows = this.db.statement(`SELECT * FROM pages WHERE source = ? AND outcome = 'failed' AND next_try_at IS NOT NULL AND next_try_at <= ? ORDER BY next_try_at LIMIT ?`).all(source, now, limit) as PageRow[];
    return rows.map(fromRow);
  }

  async countsBySource(): Promise<Map<string, { fetched: number; failed: number }>> {
    const rows = this.db.statement(`SELECT source, sum(outcome = 'ok') AS fetched, sum(outcome = 'failed') AS failed FROM pages GROUP BY source`).all() as { source: string; fetched: number; failed: number }[];
    return new Map(rows.map((r) => [r.source, { fetched: r.fetched, failed: r.failed }]));
  }
}
