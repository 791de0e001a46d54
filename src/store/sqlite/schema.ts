/**
 * The store's schema and its migrations, in one place.
 *
 * Rules: migrations only append; `meta.schema_version` says how many have run.
 * Every table is documented in docs/ARCHITECTURE.md.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sources (
    name TEXT PRIMARY KEY,                      -- config sources[].name
    url TEXT NOT NULL,                          -- the URL last fetched
    last_fetch_at TEXT,
    last_status INTEGER,                        -- HTTP status of the last attempt, NULL if none came back
    last_error TEXT,                            -- NULL after a success
    last_success_at TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    items_seen INTEGER NOT NULL DEFAULT 0,      -- items in the last successful fetch
    items_kept INTEGER NOT NULL DEFAULT 0       -- of those, kept by at least one feed
  );
  CREATE TABLE articles (
    id TEXT PRIMARY KEY,                        -- Article.id, a tag: URI
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    first_seen TEXT NOT NULL,                   -- set once, never changed
    published TEXT NOT NULL,
    updated TEXT NOT NULL,
    data TEXT NOT NULL                          -- the whole Article as JSON
  );
  CREATE INDEX articles_published ON articles(published);
  CREATE TABLE feed_entries (
    feed TEXT NOT NULL,                         -- config feeds[].name
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    keywords TEXT NOT NULL,                     -- JSON array of the keywords that matched
    added_at TEXT NOT NULL,
    PRIMARY KEY (feed, article_id)
  );
  `,
  // 2: fetching (issue 3): conditional GET, due times, health.
  `
  ALTER TABLE sources ADD COLUMN configured_url TEXT;   -- config sources[].url the state belongs to
  ALTER TABLE sources ADD COLUMN moved_at TEXT;         -- when a 301/308 last changed url
  ALTER TABLE sources ADD COLUMN etag TEXT;             -- validators, verbatim
  ALTER TABLE sources ADD COLUMN last_modified TEXT;
  ALTER TABLE sources ADD COLUMN body_hash TEXT;        -- sha256 of the last body parsed
  ALTER TABLE sources ADD COLUMN last_outcome TEXT;     -- ok | not-modified | failed | gone
  ALTER TABLE sources ADD COLUMN failing_since TEXT;    -- first failure of the current run of failures
  ALTER TABLE sources ADD COLUMN next_check_at TEXT;
  ALTER TABLE sources ADD COLUMN gone_at TEXT;          -- 410 Gone: polling stopped
  `,
  // 3: curation (issue 9): story clusters, tombstones, the source-guid lookup of dedupe layer (a).
  `
  CREATE TABLE story_clusters (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    lead_id TEXT NOT NULL,                      -- the report the cluster is published as; never changes
    joined_at TEXT NOT NULL
  );
  CREATE INDEX story_clusters_lead ON story_clusters(lead_id);
  CREATE TABLE tombstones (
    article_id TEXT PRIMARY KEY,                -- pruned by retention: never stored or published again
    source TEXT NOT NULL,
    guid TEXT,
    url TEXT NOT NULL,
    pruned_at TEXT NOT NULL
  );
  CREATE INDEX tombstones_source_guid ON tombstones(source, guid);
  CREATE TABLE feed_tombstones (
    feed TEXT NOT NULL,                         -- pruned from this feed by its maxEntries: never re-added to it
    article_id TEXT NOT NULL,
    pruned_at TEXT NOT NULL,
    PRIMARY KEY (feed, article_id)
  );
  CREATE INDEX articles_source_guid ON articles(source, json_extract(data, '$.guid'));
  `,
  // 4: incremental curation and publishing (issue 7): each article's feed decisions, valid while the rules and its
  // data stay the same; a revision per article, so a publish re-renders only changed entries.
  `
  CREATE TABLE article_decisions (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    rules TEXT NOT NULL,                        -- fingerprint of the watch rules (and infrawire version) decided under
    decided_at INTEGER NOT NULL,                -- ms since the epoch
    valid_until INTEGER,                        -- ms: when a feed's maxAgeDays will drop it; NULL = no age limit ahead
    kept TEXT NOT NULL                          -- JSON [[feed, [categories]], ...] of the feeds that keep it
  );
  ALTER TABLE articles ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;  -- +1 whenever data changes (publishing re-renders the entry)
  -- Covering indexes: a curation pass and a feed's entry list read these columns without touching the rows' JSON pages.
  CREATE INDEX articles_curation ON articles(first_seen, id, source, published);
  CREATE INDEX articles_feed_order ON articles(id, published, revision);
  `,
  // 5: known items (issue 7): the hash of what each article was normalized from, so a changed feed body
  // normalizes only its new or edited items (src/pool/parseJob.ts).
  `
  ALTER TABLE articles ADD COLUMN input_hash TEXT;  -- itemInputHash of the item; NULL when a date came from the poll time
  CREATE INDEX articles_source_input ON articles(source, first_seen, input_hash, id) WHERE input_hash IS NOT NULL;
  `,
  // 6: full text (issue 20): each article's page fetch, by item revision, with validators and what was extracted.
  `
  CREATE TABLE pages (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    url TEXT NOT NULL,                          -- the page asked for (the item's link)
    final_url TEXT,                             -- where it came from after redirects
    item_hash TEXT,                             -- input hash of the item revision it was fetched for
    outcome TEXT NOT NULL,                      -- ok | failed
    kind TEXT,                                  -- why it failed: timeout, http, robots, address, not-html, too-large, …
    error TEXT,
    status INTEGER,
    fetched_at TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,        -- consecutive failures for this item revision
    next_try_at TEXT,                           -- a failed page is retried from then (exponential backoff)
    etag TEXT,                                  -- validators, verbatim
    last_modified TEXT,
    extracted TEXT                              -- JSON: what was extracted (reused on a 304; explain shows it)
  );
  CREATE INDEX pages_source ON pages(source);
  `,
];
