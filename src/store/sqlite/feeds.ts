/**
 * Curated feeds' entries in the SQLite store: which feed keeps which cluster
 * lead (rewritten by each curation pass), entries pushed out by a feed's
 * maxEntries (never re-added to it), and when each feed was first published.
 *
 * Rules: a feed's records are read in proportion to the feed, not the store:
 * the entries' columns from covering indexes, and a lead's coverage only when
 * its cluster index says it has other reports.
 */
import type { FeedEntryRecord } from '../../model/index.js';
import type { FeedEntryRepository } from '../types.js';
import { clusterCoverage } from './articles.js';
import type { SqliteAccess } from './access.js';

export class SqliteFeedEntries implements FeedEntryRepository {
  constructor(private readonly db: SqliteAccess) {}

  async members(feed: string): Promise<Map<string, string>> {
    const rows = this.db.statement('SELECT article_id, keywords FROM feed_entries WHERE feed = ?').all(feed) as { article_id: string; keywords: string }[];
    return new Map(rows.map((r) => [r.article_id, r.keywords]));
  }

  keep(feed: string, articleId: string, categories: string[], at: string): Promise<boolean> {
    return this.db.write(() => {
      const json = JSON.stringify(categories);
      const existing = this.db.statement('SELECT keywords FROM feed_entries WHERE feed = ? AND article_id = ?').pluck().get(feed, articleId) as string | undefined;
      if (existing === undefined) {
        this.db.statement('INSERT INTO feed_entries (feed, article_id, keywords, added_at) VALUES (?, ?, ?, ?)').run(feed, articleId, json, at);
        return true;
      }
      if (existing !== json) this.db.statement('UPDATE feed_entries SET keywords = ? WHERE feed = ? AND article_id = ?').run(json, feed, articleId);
      return false;
    });
  }

  remove(feed: string, articleId: string): Promise<void> {
    return this.db.write(() => {
      this.db.statement('DELETE FROM feed_entries WHERE feed = ? AND article_id = ?').run(feed, articleId);
    });
  }

  async tombstones(feed: string): Promise<Set<string>> {
    return new Set(this.db.statement('SELECT article_id FROM feed_tombstones WHERE feed = ?').pluck().all(feed) as string[]);
  }

  tombstone(feed: string, articleId: string, at: string): Promise<void> {
    return this.db.write(() => {
      this.db.statement('INSERT OR IGNORE INTO feed_tombstones (feed, article_id, pruned_at) VALUES (?, ?, ?)').run(feed, articleId, at);
      this.db.statement('DELETE FROM feed_entries WHERE feed = ? AND article_id = ?').run(feed, articleId);
    });
  }

  async records(feed: string, limit: number): Promise<FeedEntryRecord[]> {
    const rows = this.db
      .statement(
        `SELECT a.id, a.revision, e.keywords, e.added_at,
           EXISTS (SELECT 1 FROM story_clusters c WHERE c.lead_id = a.id AND c.article_id <> a.id) AS covered
         FROM feed_entries e JOIN articles a INDEXED BY articles_feed_order ON a.id = e.article_id
         WHERE e.feed = ? ORDER BY a.published DESC, a.id LIMIT ?`,
      )
      .all(feed, limit) as { id: string; revision: number; keywords: string; added_at: string; covered: number }[];
    return rows.map((r) => {
      const coverage = r.covered ? clusterCoverage(this.db, r.id) : undefined;
      return { id: r.id, revision: r.revision, keywords: r.keywords, addedAt: r.added_at, ...(coverage?.related.length ? { coverage } : {}) };
    });
  }

  async firstPublished(feed: string, now: string): Promise<string> {
    const key = `feed_first_published:${feed}`;
    const known = this.db.statement('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
    if (known !== undefined) return known;
    await this.db.write(() => this.db.statement('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(key, now));
    return (this.db.statement('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined) ?? now;
  }
}
