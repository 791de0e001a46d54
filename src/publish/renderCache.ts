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
import { assembleFeed, feedDescription, newest, renderEntry, type FeedFormatName, type FeedSite, type RenderedEntry } from './renderFeeds.js';

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

  /** `articleData`: reads an entry's stored Article JSON (UTF-8), called only for entries not kept. */
  render(config: FeedConfig, site: FeedSite, records: readonly FeedEntryRecord[], articleData: (id: string) => Buffer | undefined): CachedRender {
    const before = this.feeds.get(config.name);
    const now = new Map<string, Kept>();
    let renderedEntries = 0;
    const entries = records.map((record) => {
      const context = JSON.stringify([record.keywords, record.addedAt, record.coverage ?? null]);
      const kept = before?.get(record.id);
      if (kept && kept.revision === record.revision && kept.context === context) {
        now.set(record.id, kept);
        return kept.rendered;
      }
      const data = articleData(record.id);
      if (data === undefined) throw new Error(`feed "${config.name}": article ${record.id} is listed but not stored`);
      renderedEntries++;
      const rendered = renderEntry(feedEntryOf(record, data));
      now.set(record.id, { revision: record.revision, context, rendered });
      return rendered;
    });
    this.feeds.set(config.name, now);
    const feed = assembleFeed(feedDescription(config, site, newest(entries.map((e) => e.updated))), entries);
    return { feed, renderedEntries };
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
