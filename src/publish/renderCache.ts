/**
 * Rendered entries kept between publishes, so a cycle that changed nothing
 * (or one entry) does not parse and render the whole feed again.
 *
 * Rules:
 * - Exact: an entry is reused only when everything it is rendered from is
 *   the same: its article's revision (the store raises it whenever the
 *   Article JSON changes), keywords JSON, added time and cluster coverage.
 *   A kept entry's article is not even read. The feed around the entries (title, links,
 *   `updated`) is rendered every time. So the bytes equal `renderFeeds`'.
 * - Bounded: a feed keeps only the entries of its last publish.
 * - One cache per store (a WeakMap), as a store is published by one process.
 */
import type { FeedConfig } from '../config/index.js';
import { feedEntryOf, type FeedEntryRecord, type Store } from '../store/index.js';
import { assembleFeed, feedDescription, feedUpdated, renderEntry, type FeedFormatName, type FeedSite, type RenderedEntry } from './renderFeeds.js';

interface Kept {
  revision: number;
  /** Everything besides the article the entry was rendered from. */
  context: string;
  rendered: RenderedEntry;
}

export interface CachedRender {
  /** Each format's document as UTF-8 pieces (see `writeChangedFiles`). */
  feed: Record<FeedFormatName, Buffer[]>;
  /** Entries rendered afresh (the others came from the cache). */
  renderedEntries: number;
}

export class FeedRenderCache {
  /** Feed name → article id → its rendering. */
  private readonly feeds = new Map<string, Map<string, Kept>>();

  /**
   * `articlesData`: reads the stored Article JSON (UTF-8) of these ids, called once, with only the entries not kept;
   * `firstPublished`: when the feed was first published (an empty feed's `updated`).
   */
  render(config: FeedConfig, site: FeedSite, records: readonly FeedEntryRecord[], articlesData: (ids: readonly string[]) => Map<string, Buffer>, firstPublished?: string): CachedRender {
    const before = this.feeds.get(config.name);
    const now = new Map<string, Kept>();
    const contexts = records.map((record) => JSON.stringify([record.keywords, record.addedAt, record.coverage ?? null]));
    const kept = records.map((record, n) => {
      const old = before?.get(record.id);
      return old && old.revision === record.revision && old.context === contexts[n] ? old : undefined;
    });
    const missing = records.filter((_, n) => !kept[n]).map((r) => r.id);
    const data = missing.length ? articlesData(missing) : new Map<string, Buffer>();
    const entries = records.map((record, n) => {
      const reuse = kept[n];
      if (reuse) {
        now.set(record.id, reuse);
        return reuse.rendered;
      }
      const json = data.get(record.id);
      if (json === undefined) throw new Error(`feed "${config.name}": article ${record.id} is listed but not stored`);
      const rendered = renderEntry(feedEntryOf(record, json));
      now.set(record.id, { revision: record.revision, context: contexts[n]!, rendered });
      return rendered;
    });
    this.feeds.set(config.name, now);
    const feed = assembleFeed(feedDescription(config, site, feedUpdated(config, entries.map((e) => e.updated), firstPublished)), entries);
    return { feed, renderedEntries: missing.length };
  }

  clear(): void {
    this.feeds.clear();
  }
}

const caches = new WeakMap<Store, FeedRenderCache>();

export function renderCacheFor(store: Store): FeedRenderCache {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new FeedRenderCache()));
  return cache;
}
