/**
 * The store as the pipeline speaks to it: repositories of what infrawire
 * remembers (sources, articles, decisions, story clusters, feed entries,
 * tombstones), behind one interface, so a network database can implement it
 * beside the embedded SQLite one without a change to the pipeline.
 *
 * Rules:
 * - Asynchronous: every operation returns a promise (a network store must
 *   wait; the SQLite one answers at once).
 * - Transactions are explicit: `transaction(fn)` runs `fn` with a session
 *   whose writes commit together or not at all, and transactions never
 *   interleave. Outside one, each write is a transaction of its own. Code
 *   inside `fn` uses only the session it is given.
 * - `batch(fn)` groups the transactions `fn` starts into few commits (a
 *   cycle's polls): each stays all or nothing, a crash loses whole ones from
 *   the end, never part of one.
 * - Plain data in and out: no presentation (rendering an entry is publish's).
 * - Operations are coarse where a pass reads much (a feed's records, texts by
 *   the chunk), so a network store answers a publish or a curation pass in
 *   few round trips.
 */
import type { Article, ClusterCoverage, FeedEntryRecord, PageRecord, SourceAttempt, SourceState } from '../model/index.js';

export type SaveResult = 'new' | 'changed' | 'unchanged';

/** A feed decision as stored: the feeds that keep the article, with their categories. */
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

/** Who stored an id first, when, and the source feed's `updated` its article was stored with (null when none). */
export interface ArticleOwner {
  source: string;
  firstSeen: string;
  feedUpdated: string | null;
}

/** What clustering compares of a report. */
export interface StoryText {
  title: string;
  summary: string;
}

export interface SourceRepository {
  /** Every source's state, by name order. */
  all(): Promise<SourceState[]>;
  /** The state of one source, but only while it belongs to this config URL (a new URL starts afresh). */
  state(name: string, configuredUrl: string): Promise<SourceState | undefined>;
  /** `state` of each configured source, in one read (absent: none yet). */
  statesFor(sources: readonly { name: string; url: string }[]): Promise<Map<string, SourceState>>;
  /**
   * Record one poll. Success and "not modified" reset the failure count; a
   * failure adds one and keeps the first failure time; a config URL that
   * differs from the stored one starts the source afresh. Returns the state as recorded.
   */
  recordAttempt(attempt: SourceAttempt): Promise<SourceState>;
}

export interface ArticleRepository {
  /** Dedupe layer (a): the id already stored for this source's guid, if any. */
  idByGuid(source: string, guid: string): Promise<string | undefined>;
  owner(id: string): Promise<ArticleOwner | undefined>;
  /** First-seen times of the ids already stored. */
  firstSeen(ids: readonly string[]): Promise<Map<string, string>>;
  /**
   * Store an article (`inputHash`: what it was normalized from; omitted when a
   * date came from the poll time). An article whose data changed gets a new
   * revision and loses its stored decision.
   */
  save(article: Article, firstSeen: string, inputHash?: string): Promise<SaveResult>;
  get(id: string): Promise<Article | undefined>;
  /** The stored article with this canonical URL (the earliest seen when several sources share it). */
  byUrl(url: string): Promise<Article | undefined>;
  /** The stored Article JSON of these ids as UTF-8 bytes; ids not stored are absent. */
  data(ids: readonly string[]): Promise<Map<string, Buffer>>;
  /** Title and lede of each id, in the order given (empty for an id not stored). */
  storyTexts(ids: readonly string[]): Promise<StoryText[]>;
  /** Every stored article with its stored decision, oldest first (first seen, then id). */
  curationRows(): Promise<CurationRow[]>;
  /** The source's `limit` articles first seen last that were stored with an input hash, with their decisions. */
  recentInputs(source: string, limit: number): Promise<{ hash: string; id: string; decision: StoredDecision }[]>;
  /** Delete for good: tombstone each (id, source, guid, url), then delete it with its entries, decision and cluster rows. */
  prune(ids: readonly string[], at: string): Promise<void>;
}

export interface DecisionRepository {
  save(articleId: string, decision: StoredDecision): Promise<void>;
}

export interface ClusterRepository {
  /** Article id → the lead id of its cluster. */
  leads(): Promise<Map<string, string>>;
  join(articleId: string, leadId: string, at: string): Promise<void>;
  /** The other reports of a lead's cluster, oldest first, and when the last one seen after the lead was first seen. */
  coverage(leadId: string): Promise<ClusterCoverage>;
}

export interface FeedEntryRepository {
  /** Article id → categories (JSON) of a feed's current entries. */
  members(feed: string): Promise<Map<string, string>>;
  /** Put an article into a feed (or refresh its categories); true when it was not there yet. */
  keep(feed: string, articleId: string, categories: string[], at: string): Promise<boolean>;
  remove(feed: string, articleId: string): Promise<void>;
  /** Entries pushed out by the feed's maxEntries: never re-added to it. */
  tombstones(feed: string): Promise<Set<string>>;
  tombstone(feed: string, articleId: string, at: string): Promise<void>;
  /** The newest `limit` entries (published, then id), without their JSON, with each lead's coverage. */
  records(feed: string, limit: number): Promise<FeedEntryRecord[]>;
  /** When the feed was first published: `now` on the first call (recorded), the recorded time after. */
  firstPublished(feed: string, now: string): Promise<string>;
}

export interface TombstoneRepository {
  /** Pruned by retention: never stored again, by id or by source + guid. */
  has(id: string, source: string, guid: string | undefined): Promise<boolean>;
}

/** Article page fetches (full text): one record per article, replaced by each fetch. */
export interface PageRepository {
  get(articleId: string): Promise<PageRecord | undefined>;
  record(page: PageRecord): Promise<void>;
  /** Per source: pages fetched (outcome ok) and failing (outcome failed), as last recorded. */
  countsBySource(): Promise<Map<string, { fetched: number; failed: number }>>;
  /** A source's failed pages whose retry time has come (`now`, ISO), oldest retry first, at most `limit`. */
  dueRetries(source: string, now: string, limit: number): Promise<PageRecord[]>;
}

/** The repositories, as one transaction (or the store itself, outside one) sees them. */
export interface StoreSession {
  readonly sources: SourceRepository;
  readonly articles: ArticleRepository;
  readonly decisions: DecisionRepository;
  readonly clusters: ClusterRepository;
  readonly feeds: FeedEntryRepository;
  readonly tombstones: TombstoneRepository;
  readonly pages: PageRepository;
}

export interface Store extends StoreSession {
  /** Where the store is, for messages (a file path, a database URL without its password). */
  readonly location: string;
  transaction<T>(fn: (tx: StoreSession) => Promise<T>): Promise<T>;
  batch<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
