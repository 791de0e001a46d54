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
 * - Held by whoever publishes again (the daemon's cycle memory); a new cache renders everything.
 */
import { relatedReports, storyFaqs, storyFigures } from '../curate/index.js';
import type { FeedConfig } from '../config/index.js';
import type { Article, FeedEntry, FeedEntryRecord } from '../model/index.js';
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
  async render(
    config: FeedConfig,
    site: FeedSite,
    records: readonly FeedEntryRecord[],
    articlesData: (ids: readonly string[]) => Promise<Map<string, Buffer>>,
    firstPublished?: string,
  ): Promise<CachedRender> {
    const before = this.feeds.get(config.name);
    const now = new Map<string, Kept>();
    const contexts = records.map((record) => JSON.stringify([record.keywords, record.addedAt, record.coverage ?? null]));
    const kept = records.map((record, n) => {
      const old = before?.get(record.id);
      return old && old.revision === record.revision && old.context === contexts[n] ? old : undefined;
    });
    const missing = records.filter((_, n) => !kept[n]).map((r) => r.id);
    const data = missing.length ? await articlesData(missing) : new Map<string, Buffer>();
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

/**
 * A cluster lead as published: the other outlets' reports in `related`, the
 * FAQ across them in `storyFaqs`, its figures ranked by how many of them
 * repeat each, `updated` moved to when the last one was first seen.
 */
export function feedEntryOf(record: FeedEntryRecord, data: Buffer): FeedEntry {
  const stored = JSON.parse(data.toString('utf8')) as Article;
  const keywords = JSON.parse(record.keywords) as string[];
  const cov = record.coverage;
  if (!cov) return { article: stored, keywords, addedAt: record.addedAt };
  const faqs = storyFaqs(stored, cov.related);
  const article: Article = {
    ...stored,
    related: relatedReports(stored, cov.related),
    figures: storyFigures(stored.figures, cov.related.map((r) => r.figures)),
    ...(faqs.length ? { storyFaqs: faqs } : {}),
    updated: cov.lastAdded && cov.lastAdded > stored.updated ? cov.lastAdded : stored.updated,
  };
  return { article, keywords, addedAt: record.addedAt };
}
