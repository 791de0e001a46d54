/**
 * Articles in the SQLite store, with what curation keeps about them: feed
 * decisions, story clusters, tombstones.
 *
 * Rules:
 * - Every article seen is kept (kept by a feed or not), so "new" means "id not
 *   in `articles`", and the first-seen time is set once and never changes.
 * - An article's row changes only when its content changed (its revision
 *   goes up and its stored decision is deleted); re-seeing the same story is a no-op.
 * - A cluster's lead is chosen once and never changes, so a published entry
 *   keeps its id when coverage is added.
 * - Pruned means gone for good: a tombstone (by id, and by source + guid)
 *   keeps a pruned item from coming back as new.
 * - Reads for a pass take columns and JSON paths, never whole articles where
 *   the pass needs less (SQLite's `->`/`json_extract` on the stored JSON).
 */
import type { Article, ClusterCoverage, Figure } from '../../model/index.js';
import type { ArticleOwner, ArticleRepository, ClusterRepository, CurationRow, DecisionRepository, SaveResult, StoredDecision, StoryText, TombstoneRepository } from '../types.js';
import type { SqliteAccess } from './access.js';

type DecisionColumns = { rules: string | null; decided_at: number | null; valid_until: number | null; kept: string | null };

function decisionOf(r: DecisionColumns, kept: StoredDecision['kept']): StoredDecision {
  return { rules: r.rules!, decidedAt: r.decided_at!, ...(r.valid_until !== null ? { validUntil: r.valid_until } : {}), kept };
}

export class SqliteArticles implements ArticleRepository {
  constructor(private readonly db: SqliteAccess) {}

  async idByGuid(source: string, guid: string): Promise<string | undefined> {
    return this.db.statement("SELECT id FROM articles WHERE source = ? AND json_extract(data, '$.guid') = ? ORDER BY first_seen LIMIT 1").pluck().get(source, guid) as string | undefined;
  }

  async owner(id: string): Promise<ArticleOwner | undefined> {
    return this.db.statement("SELECT source, first_seen AS firstSeen, json_extract(data, '$.source.feedUpdated') AS feedUpdated FROM articles WHERE id = ?").get(id) as ArticleOwner | undefined;
  }

  async firstSeen(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const stmt = this.db.statement('SELECT first_seen FROM articles WHERE id = ?').pluck();
    for (const id of ids) {
      const seen = stmt.get(id) as string | undefined;
      if (seen) out.set(id, seen);
    }
    return out;
  }

  save(article: Article, firstSeen: string, inputHash?: string): Promise<SaveResult> {
    return this.db.write(() => {
      const data = JSON.stringify(article);
      const hash = inputHash ?? null;
      const existing = this.db.statement('SELECT data, input_hash AS hash FROM articles WHERE id = ?').get(article.id) as { data: string; hash: string | null } | undefined;
      if (existing?.data === data) {
        if (existing.hash !== hash) this.db.statement('UPDATE articles SET input_hash = ? WHERE id = ?').run(hash, article.id);
        return 'unchanged';
      }
      if (existing === undefined) {
        this.db
          .statement('INSERT INTO articles (id, source, url, first_seen, published, updated, data, input_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(article.id, article.source.name, article.url, firstSeen, article.published, article.updated, data, hash);
        return 'new';
      }
      this.db
        .statement('UPDATE articles SET source = ?, url = ?, published = ?, updated = ?, data = ?, input_hash = ?, revision = revision + 1 WHERE id = ?')
        .run(article.source.name, article.url, article.published, article.updated, data, hash, article.id);
      // New content may match other rules: curation decides it again.
      this.db.statement('DELETE FROM article_decisions WHERE article_id = ?').run(article.id);
      return 'changed';
    });
  }

  async get(id: string): Promise<Article | undefined> {
    const data = this.db.statement('SELECT data FROM articles WHERE id = ?').pluck().get(id) as string | undefined;
    return data === undefined ? undefined : (JSON.parse(data) as Article);
  }

  async byUrl(url: string): Promise<Article | undefined> {
    const data = this.db.statement('SELECT data FROM articles WHERE url = ? ORDER BY first_seen, id LIMIT 1').pluck().get(url) as string | undefined;
    return data ? (JSON.parse(data) as Article) : undefined;
  }

  /** Read as blobs (no text decoding unless the caller asks), in one statement: a feed's entries, a third cheaper than one read each. */
  async data(ids: readonly string[]): Promise<Map<string, Buffer>> {
    const rows = this.db.statement('SELECT id, CAST(data AS BLOB) AS data FROM articles WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as { id: string; data: Buffer }[];
    return new Map(rows.map((r) => [r.id, r.data]));
  }

  async storyTexts(ids: readonly string[]): Promise<StoryText[]> {
    const stmt = this.db.statement("SELECT json_extract(data, '$.title') AS title, json_extract(data, '$.summary') AS summary FROM articles WHERE id = ?");
    return ids.map((id) => {
      const row = stmt.get(id) as { title: string | null; summary: string | null } | undefined;
      return { title: row?.title ?? '', summary: row?.summary ?? '' };
    });
  }

  /**
   * A pass holds one row per stored article (50,000 after a large first cycle), so the
   * strings most rows repeat (source, first-seen time, rules fingerprint) are kept once
   * each, and rows whose kept JSON is the same share one parsed value: read-only, as
   * every user of a row only reads its decision or replaces it whole.
   */
  async curationRows(): Promise<CurationRow[]> {
    const strings = new Map<string, string>();
    const once = (s: string) => {
      const seen = strings.get(s);
      if (seen !== undefined) return seen;
      strings.set(s, s);
      return s;
    };
    const keptByJson = new Map<string, StoredDecision['kept']>();
    const keptOf = (json: string) => {
      let kept = keptByJson.get(json);
      if (!kept) keptByJson.set(json, (kept = JSON.parse(json) as StoredDecision['kept']));
      return kept;
    };
    const rows: CurationRow[] = [];
    const found = this.db
      .statement(
        `SELECT a.id, a.source, a.first_seen, a.published, d.rules, d.decided_at, d.valid_until, d.kept
         FROM articles a LEFT JOIN article_decisions d ON d.article_id = a.id ORDER BY a.first_seen, a.id`,
      )
      .iterate() as IterableIterator<{ id: string; source: string; first_seen: string; published: string } & DecisionColumns>;
    for (const r of found) {
      const decision = r.rules !== null && r.kept !== null ? decisionOf({ ...r, rules: once(r.rules) }, keptOf(r.kept)) : undefined;
      rows.push({ id: r.id, source: once(r.source), firstSeen: once(r.first_seen), published: r.published, ...(decision ? { decision } : {}) });
    }
    return rows;
  }

  /**
   * Read backwards along the `articles_source_input` index: a body holds the source's
   * newest items, and a source with years of stored articles must not cost a read of
   * them all per poll (an item left out is only normalized again).
   */
  async recentInputs(source: string, limit: number): Promise<{ hash: string; id: string; decision: StoredDecision }[]> {
    const rows = this.db
      .statement(
        `SELECT a.input_hash AS hash, a.id, d.rules, d.decided_at, d.valid_until, d.kept FROM articles a JOIN article_decisions d ON d.article_id = a.id
         WHERE a.source = ? AND a.input_hash IS NOT NULL ORDER BY a.first_seen DESC LIMIT ?`,
      )
      .all(source, limit) as ({ hash: string; id: string } & DecisionColumns)[];
    return rows.map((r) => ({ hash: r.hash, id: r.id, decision: decisionOf(r, JSON.parse(r.kept!) as StoredDecision['kept']) }));
  }

  prune(ids: readonly string[], at: string): Promise<void> {
    return this.db.write(() => {
      const tomb = this.db.statement(
        "INSERT OR IGNORE INTO tombstones (article_id, source, guid, url, pruned_at) SELECT id, source, json_extract(data, '$.guid'), url, ? FROM articles WHERE id = ?",
      );
      const del = this.db.statement('DELETE FROM articles WHERE id = ?');
      const unlead = this.db.statement('DELETE FROM story_clusters WHERE lead_id = ?');
      for (const id of ids) {
        tomb.run(at, id);
        del.run(id);
        unlead.run(id);
      }
    });
  }
}

export class SqliteDecisions implements DecisionRepository {
  constructor(private readonly db: SqliteAccess) {}

  save(articleId: string, d: StoredDecision): Promise<void> {
    return this.db.write(() => {
      this.db
        .statement('INSERT OR REPLACE INTO article_decisions (article_id, rules, decided_at, valid_until, kept) VALUES (?, ?, ?, ?, ?)')
        .run(articleId, d.rules, d.decidedAt, d.validUntil ?? null, JSON.stringify(d.kept));
    });
  }
}

export class SqliteClusters implements ClusterRepository {
  constructor(private readonly db: SqliteAccess) {}

  async leads(): Promise<Map<string, string>> {
    const rows = this.db.statement('SELECT article_id, lead_id FROM story_clusters').all() as { article_id: string; lead_id: string }[];
    return new Map(rows.map((r) => [r.article_id, r.lead_id]));
  }

  join(articleId: string, leadId: string, at: string): Promise<void> {
    return this.db.write(() => {
      this.db.statement('INSERT OR IGNORE INTO story_clusters (article_id, lead_id, joined_at) VALUES (?, ?, ?)').run(articleId, leadId, at);
    });
  }

  /** Read from columns and the title's JSON text (`->` keeps its escapes, so JSON.parse gives the stored string exactly), never a whole Article. */
  async coverage(leadId: string): Promise<ClusterCoverage> {
    return clusterCoverage(this.db, leadId);
  }
}

/** `ClusterRepository.coverage`, synchronous: feed records read it per covered lead inside one read. */
export function clusterCoverage(db: SqliteAccess, leadId: string): ClusterCoverage {
  const rows = db
    .statement(
      `SELECT a.url, a.data -> '$.title' AS title, a.source, a.data ->> '$.source.feedTitle' AS outlet, a.published, a.first_seen,
              a.data -> '$.summary' AS summary, a.data -> '$.figures' AS figures, a.data -> '$.paragraphs' AS paragraphs, a.data ->> '$.language' AS language
       FROM story_clusters c JOIN articles a ON a.id = c.article_id
       WHERE c.lead_id = ? AND c.article_id <> ? ORDER BY a.published, a.id`,
    )
    .all(leadId, leadId) as { url: string; title: string; source: string; outlet: string | null; published: string; first_seen: string; summary: string | null; figures: string | null; paragraphs: string | null; language: string | null }[];
  const related = rows.map((r) => ({
    url: r.url,
    title: JSON.parse(r.title) as string,
    source: r.source,
    ...(r.outlet ? { outlet: r.outlet } : {}),
    published: r.published,
    summary: r.summary ? (JSON.parse(r.summary) as string) : '',
    figures: r.figures ? (JSON.parse(r.figures) as Figure[]) : [],
    paragraphs: r.paragraphs ? (JSON.parse(r.paragraphs) as string[]) : [],
    ...(r.language ? { language: r.language } : {}),
  }));
  const leadSeen = db.statement('SELECT first_seen FROM articles WHERE id = ?').pluck().get(leadId) as string | undefined;
  const later = rows.filter((r) => leadSeen !== undefined && r.first_seen > leadSeen);
  const lastAdded = later.reduce<string | undefined>((max, r) => (max === undefined || r.first_seen > max ? r.first_seen : max), undefined);
  return { related, ...(lastAdded ? { lastAdded } : {}) };
}

export class SqliteTombstones implements TombstoneRepository {
  constructor(private readonly db: SqliteAccess) {}

  async has(id: string, source: string, guid: string | undefined): Promise<boolean> {
    const byId = this.db.statement('SELECT 1 FROM tombstones WHERE article_id = ?').get(id);
    if (byId || guid === undefined) return Boolean(byId);
    return Boolean(this.db.statement('SELECT 1 FROM tombstones WHERE source = ? AND guid = ?').get(source, guid));
  }
}
