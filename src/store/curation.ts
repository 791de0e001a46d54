/**
 * The store's curation tables: story clusters, tombstones and feed membership
 * as curation rewrites it, stored feed decisions (see migrations 3 and 4 in
 * schema.ts).
 *
 * Rules:
 * - A cluster's lead (the report it is published as) is chosen once and never
 *   changes, so a published entry keeps its id when coverage is added.
 * - Pruned means gone for good: a tombstone (by id, and by source + guid)
 *   keeps a pruned item from coming back as new; a feed tombstone keeps an
 *   entry pruned by a feed's maxEntries out of that feed.
 * - Plain functions over `store.db`, called inside the caller's transaction.
 */
import type { Article, RelatedReport } from '../model/index.js';
import type { Store } from './store.js';

export interface StoredArticle {
  article: Article;
  firstSeen: string;
}

/** Dedupe layer (a): the id already stored for this source's guid, if any. */
export function articleIdByGuid(store: Store, source: string, guid: string): string | undefined {
  return store.statement("SELECT id FROM articles WHERE source = ? AND json_extract(data, '$.guid') = ? ORDER BY first_seen LIMIT 1").pluck().get(source, guid) as string | undefined;
}

/** The source an id is stored under, and when it was first seen (dedupe layer (b): another source's report of the same canonical URL). */
/** Who stored this id first, when, and the source feed's `updated` its article was stored with (null when none). */
export function storedOwner(store: Store, id: string): { source: string; firstSeen: string; feedUpdated: string | null } | undefined {
  return store
    .statement("SELECT source, first_seen AS firstSeen, json_extract(data, '$.source.feedUpdated') AS feedUpdated FROM articles WHERE id = ?")
    .get(id) as { source: string; firstSeen: string; feedUpdated: string | null } | undefined;
}

export function isTombstoned(store: Store, id: string, source: string, guid: string | undefined): boolean {
  const byId = store.statement('SELECT 1 FROM tombstones WHERE article_id = ?').get(id);
  if (byId || guid === undefined) return Boolean(byId);
  return Boolean(store.statement('SELECT 1 FROM tombstones WHERE source = ? AND guid = ?').get(source, guid));
}

export function storedArticles(store: Store): StoredArticle[] {
  const rows = store.statement('SELECT data, first_seen FROM articles ORDER BY first_seen, id').all() as { data: string; first_seen: string }[];
  return rows.map((r) => ({ article: JSON.parse(r.data) as Article, firstSeen: r.first_seen }));
}

/** Article id → the lead id of its cluster. */
export function clusterLeads(store: Store): Map<string, string> {
  const rows = store.statement('SELECT article_id, lead_id FROM story_clusters').all() as { article_id: string; lead_id: string }[];
  return new Map(rows.map((r) => [r.article_id, r.lead_id]));
}

export function joinCluster(store: Store, articleId: string, leadId: string, at: string): void {
  store.statement('INSERT OR IGNORE INTO story_clusters (article_id, lead_id, joined_at) VALUES (?, ?, ?)').run(articleId, leadId, at);
}

/**
 * The other reports of a lead's cluster, oldest first, and when the last one seen after the lead was first seen (coverage added).
 * Read from columns and the title's JSON text (`->` keeps its escapes, so JSON.parse gives the stored string exactly), never a whole Article.
 */
export function clusterCoverage(store: Store, leadId: string): { related: RelatedReport[]; lastAdded?: string } {
  const rows = store
    .statement(
      `SELECT a.url, a.data -> '$.title' AS title, a.source, a.published, a.first_seen FROM story_clusters c JOIN articles a ON a.id = c.article_id
       WHERE c.lead_id = ? AND c.article_id <> ? ORDER BY a.published, a.id`,
    )
    .all(leadId, leadId) as { url: string; title: string; source: string; published: string; first_seen: string }[];
  const related = rows.map((r) => ({ url: r.url, title: JSON.parse(r.title) as string, source: r.source, published: r.published }));
  const leadSeen = store.statement('SELECT first_seen FROM articles WHERE id = ?').pluck().get(leadId) as string | undefined;
  const later = rows.filter((r) => leadSeen !== undefined && r.first_seen > leadSeen);
  const lastAdded = later.reduce<string | undefined>((max, r) => (max === undefined || r.first_seen > max ? r.first_seen : max), undefined);
  return { related, ...(lastAdded ? { lastAdded } : {}) };
}

/** Article id → categories (JSON) of a feed's current entries. */
export function feedMembers(store: Store, feed: string): Map<string, string> {
  const rows = store.statement('SELECT article_id, keywords FROM feed_entries WHERE feed = ?').all(feed) as { article_id: string; keywords: string }[];
  return new Map(rows.map((r) => [r.article_id, r.keywords]));
}

export function removeFromFeed(store: Store, feed: string, articleId: string): void {
  store.statement('DELETE FROM feed_entries WHERE feed = ? AND article_id = ?').run(feed, articleId);
}

export function feedTombstones(store: Store, feed: string): Set<string> {
  return new Set(store.statement('SELECT article_id FROM feed_tombstones WHERE feed = ?').pluck().all(feed) as string[]);
}

export function tombstoneInFeed(store: Store, feed: string, articleId: string, at: string): void {
  store.statement('INSERT OR IGNORE INTO feed_tombstones (feed, article_id, pruned_at) VALUES (?, ?, ?)').run(feed, articleId, at);
  removeFromFeed(store, feed, articleId);
}

/** Delete articles for good: tombstone each (id, source, guid, url), then delete it (its feed entries, decision and cluster rows go with it). */
export function pruneArticles(store: Store, ids: readonly string[], at: string): void {
  const tomb = store.statement(
    "INSERT OR IGNORE INTO tombstones (article_id, source, guid, url, pruned_at) SELECT id, source, json_extract(data, '$.guid'), url, ? FROM articles WHERE id = ?",
  );
  const del = store.statement('DELETE FROM articles WHERE id = ?');
  const unlead = store.statement('DELETE FROM story_clusters WHERE lead_id = ?');
  for (const id of ids) {
    tomb.run(at, id);
    del.run(id);
    unlead.run(id);
  }
}

/** A feed decision as stored (see migration 4): the feeds that keep the article, with their categories. */
export interface StoredDecision {
  /** Fingerprint of the rules it was decided under. */
  rules: string;
  decidedAt: number;
  /** When a maxAgeDays limit will drop the article from a feed (ms); absent when none lies ahead. */
  validUntil?: number;
  kept: [feed: string, categories: string[]][];
}

/** What a curation pass reads of every stored article: columns only, never the Article JSON. */
export interface CurationRow {
  id: string;
  source: string;
  firstSeen: string;
  published: string;
  decision?: StoredDecision;
}

/**
 * Every stored article with its stored decision, oldest first (first seen, then id).
 * A pass holds one row per stored article (50,000 after a large first cycle), so the
 * strings most rows repeat (source, first-seen time, rules fingerprint) are kept once
 * each, and rows whose kept JSON is the same share one parsed value: read-only, as
 * every user of a row only reads its decision or replaces it whole.
 */
export function curationRows(store: Store): CurationRow[] {
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
  const found = store
    .statement(
      `SELECT a.id, a.source, a.first_seen, a.published, d.rules, d.decided_at, d.valid_until, d.kept
       FROM articles a LEFT JOIN article_decisions d ON d.article_id = a.id ORDER BY a.first_seen, a.id`,
    )
    .iterate() as IterableIterator<{ id: string; source: string; first_seen: string; published: string; rules: string | null; decided_at: number | null; valid_until: number | null; kept: string | null }>;
  for (const r of found) {
    rows.push({
      id: r.id,
      source: once(r.source),
      firstSeen: once(r.first_seen),
      published: r.published,
      ...(r.rules !== null && r.kept !== null
        ? { decision: { rules: once(r.rules), decidedAt: r.decided_at!, ...(r.valid_until !== null ? { validUntil: r.valid_until } : {}), kept: keptOf(r.kept) } }
        : {}),
    });
  }
  return rows;
}

/**
 * The source's `limit` articles first seen last that were stored with an input
 * hash, with their stored decisions: what a poll may find known (the caller
 * judges whether each decision still stands). A body holds the source's newest
 * items, and a source with years of stored articles must not cost a read of
 * them all per poll (an item left out is only normalized again).
 */
export function storedInputs(store: Store, source: string, limit: number): { hash: string; id: string; decision: StoredDecision }[] {
  const rows = store
    .statement(
      `SELECT a.input_hash AS hash, a.id, d.rules, d.decided_at, d.valid_until, d.kept FROM articles a JOIN article_decisions d ON d.article_id = a.id
       WHERE a.source = ? AND a.input_hash IS NOT NULL ORDER BY a.first_seen DESC LIMIT ?`,
    )
    .all(source, limit) as { hash: string; id: string; rules: string; decided_at: number; valid_until: number | null; kept: string }[];
  return rows.map((r) => ({
    hash: r.hash,
    id: r.id,
    decision: { rules: r.rules, decidedAt: r.decided_at, ...(r.valid_until !== null ? { validUntil: r.valid_until } : {}), kept: JSON.parse(r.kept) as StoredDecision['kept'] },
  }));
}

export function saveDecision(store: Store, articleId: string, d: StoredDecision): void {
  store
    .statement('INSERT OR REPLACE INTO article_decisions (article_id, rules, decided_at, valid_until, kept) VALUES (?, ?, ?, ?, ?)')
    .run(articleId, d.rules, d.decidedAt, d.validUntil ?? null, JSON.stringify(d.kept));
}

/** Title and lede of a stored article (what clustering compares), read without parsing the whole article in JS. */
export function storyText(store: Store, id: string): { title: string; summary: string } {
  const row = store.statement("SELECT json_extract(data, '$.title') AS title, json_extract(data, '$.summary') AS summary FROM articles WHERE id = ?").get(id) as
    | { title: string | null; summary: string | null }
    | undefined;
  return { title: row?.title ?? '', summary: row?.summary ?? '' };
}
