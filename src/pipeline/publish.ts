/**
 * Publish: every curated feed rendered from the store (not from a cycle's
 * items, so a feed keeps its entries while sources are quiet or failing) and
 * the files that changed written atomically.
 *
 * Rules:
 * - A feed whose files cannot be written reports `error`; the others and the
 *   cycle go on, and its previous files stay served.
 * - A feed with no entries yet is dated by its first publish (recorded).
 * - Publishing again with the same memory skips work that cannot change the
 *   output: entries rendered before are reused (`FeedRenderCache`), and a cycle
 *   that changed nothing publishing reads skips publishing (`unchangedPublish`).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprint, type LoadedConfig } from '../config/index.js';
import type { FeedReport } from '../model/index.js';
import { FEED_FORMATS, writeChangedFiles, type FeedSite } from '../publish/index.js';
import type { Store } from '../store/index.js';
import type { CycleMemory } from './memory.js';

export function feedSite(config: LoadedConfig): FeedSite {
  return { baseUrl: config.publish.baseUrl.replace(/\/+$/, ''), author: config.publish.author, hub: config.publish.hub };
}

/**
 * Render every feed from the store and write the files that changed. `now`: when a feed
 * published for the first time is dated (while it has no entries); `memory`: what the
 * last publish of this process left (a fresh one renders every entry).
 */
export async function publishFeeds(config: LoadedConfig, store: Store, memory: CycleMemory, now: Date = new Date()): Promise<FeedReport[]> {
  const site = feedSite(config);
  const reports: FeedReport[] = [];
  for (const feed of config.feeds) {
    const entries = await store.feeds.records(feed.name, feed.maxEntries);
    const firstPublished = entries.length ? undefined : await store.feeds.firstPublished(feed.name, now.toISOString());
    const rendered = (await memory.renderCache.render(feed, site, entries, (ids) => store.articles.data(ids), firstPublished)).feed;
    try {
      const changed = writeChangedFiles(config.publish.dir, {
        [`${feed.name}${FEED_FORMATS.atom}`]: rendered.atom,
        [`${feed.name}${FEED_FORMATS.rss}`]: rendered.rss,
        [`${feed.name}${FEED_FORMATS.json}`]: rendered.json,
      });
      reports.push({ name: feed.name, entries: entries.length, changed });
    } catch (err) {
      // One feed's failed write must not stop the others or the cycle's report.
      reports.push({ name: feed.name, entries: entries.length, changed: [], error: (err as Error).message });
    }
  }
  memory.lastPublish = { settings: fingerprint(config, 'published'), feeds: reports, files: new Map(feedFilePaths(config).map((path) => [path, fileStamp(path)])) };
  return reports;
}

/**
 * Identity of a feed file as it is on disk now ('' when it is missing). An
 * edit in place that keeps the size within the file system's timestamp tick
 * (milliseconds) of our own write is not seen; the next real change rewrites it.
 */
function fileStamp(path: string): string {
  const st = statSync(path, { throwIfNoEntry: false, bigint: true });
  return st ? `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : '';
}

function feedFilePaths(config: LoadedConfig): string[] {
  return config.feeds.flatMap((feed) => Object.values(FEED_FORMATS).map((ext) => join(config.publish.dir, `${feed.name}${ext}`)));
}

/**
 * The last publish's reports when publishing now would change nothing (nothing written:
 * `changed` is empty), else undefined: publishing renders every feed and compares it
 * with its files (19 MB at the bench's 1,000 entries), so it is skipped when no article
 * was stored or changed, no curation pass ran, the publish settings are the same, no
 * feed failed to write, and every file is still the one written then (same inode, size,
 * mtime and ctime: a file an operator deleted or edited is written again).
 */
export function unchangedPublish(config: LoadedConfig, memory: CycleMemory, storeChanged: boolean): FeedReport[] | undefined {
  const last = memory.lastPublish;
  if (!last || storeChanged) return undefined;
  if (last.settings !== fingerprint(config, 'published') || last.feeds.some((f) => f.error !== undefined)) return undefined;
  for (const [path, stamp] of last.files) if (!stamp || fileStamp(path) !== stamp) return undefined;
  return last.feeds.map((f) => ({ ...f, changed: [] }));
}
