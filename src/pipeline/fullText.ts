/**
 * Full text (issue 20 items 1, 2): after the polls, before curation, the
 * article pages of the items just stored are fetched and their extracted
 * article replaces the teaser.
 *
 * Rules:
 * - Which items, by the source's `fullText`: "never", none; "always", every item
 *   stored new or changed this cycle (before curation, so keywords only in the
 *   article count: the changed article loses its decision and the curation pass
 *   decides it again); "auto", items a feed keeps whose body is a teaser
 *   (`isTeaser`), or all kept items of a source most of whose items this cycle
 *   are short.
 * - A page is fetched at most once per item revision (its input hash): a page
 *   recorded for the same revision is reused as stored (its extraction), a
 *   failed one waits out its backoff (PAGE_RETRY_BASE_MS doubling, at most
 *   PAGE_RETRY_MAX_MS). A new revision asks again with the stored validators.
 * - Through the cycle's fetch limiter (per-host and global slots), with the
 *   source's address policy (its own non-public addresses only) and robots.txt.
 * - Extraction runs in the parse pool (`pool.extract`), under its task timeout
 *   and heap cap: a hostile page costs a worker, never the main thread; a
 *   page whose extraction fails is a failed page (`extract`), like a 500.
 * - Bounded: the step ends within `fetch.timeoutMs` of its start: a fetch gets
 *   at most the time left, and items not started by then wait for the next cycle
 *   (nothing recorded). A failing page leaves the teaser, is recorded on the
 *   item and counted on its source's report; it never fails the source.
 */
import { createHash } from 'node:crypto';
import type { LoadedConfig, SourceConfig } from '../config/index.js';
import { fetchPage, policyForSource, type AddressPolicy, type FetchLimiter, type RobotsCache, type Resolver, type PageFetchResult } from '../fetch/index.js';
import type { PageExtract, PageRecord, SourceReport } from '../model/index.js';
import { isTeaser, normalizeOptions, TEASER_MAX_CHARS, withPageContent } from '../normalize/index.js';
import type { ParsePool } from '../pool/index.js';
import type { Store } from '../store/index.js';
import type { StoredItem } from './ingest.js';

export const PAGE_RETRY_BASE_MS = 15 * 60_000;
export const PAGE_RETRY_MAX_MS = 24 * 3600_000;
/** After this many failures of one item revision its page is not asked again (until the item changes). */
export const PAGE_MAX_FAILURES = 6;
/** Failed pages retried per source and cycle, besides the items just stored. */
const RETRIES_PER_CYCLE = 20;
/** How many failures a source's report lists by item. */
const REPORTED_ERRORS = 5;

export interface FullTextContext {
  limiter: FetchLimiter;
  robots: RobotsCache;
  now: () => Date;
  /** Where pages are extracted (the cycle's parse pool). */
  pool: ParsePool;
  /** How page hosts are resolved (default: the system resolver). */
  resolve?: Resolver;
}

/** The items of one source whose pages are wanted, by its `fullText`. */
export function wantedItems(mode: SourceConfig['fullText'], items: readonly StoredItem[]): StoredItem[] {
  if (mode === 'never') return [];
  if (mode === 'always') return [...items];
  const short = items.filter((i) => i.article.paragraphs.join(' ').length < TEASER_MAX_CHARS).length;
  const mostlyShort = items.length > 0 && short * 2 > items.length;
  return items.filter((i) => i.kept && (mostlyShort || isTeaser(i.article)));
}

function backoffMs(failures: number): number {
  return Math.min(PAGE_RETRY_BASE_MS * 2 ** Math.max(0, failures - 1), PAGE_RETRY_MAX_MS);
}

/** Stored items whose page failed and whose retry time has come (not among `items`): asked again, with backoff. */
async function retries(store: Store, src: SourceConfig, items: readonly StoredItem[], now: Date): Promise<StoredItem[]> {
  if (src.fullText === 'never') return [];
  const taken = new Set(items.map((i) => i.article.id));
  const due = (await store.pages.dueRetries(src.name, now.toISOString(), RETRIES_PER_CYCLE)).filter((p) => !taken.has(p.articleId));
  const out: StoredItem[] = [];
  for (const page of due) {
    const article = await store.articles.get(page.articleId);
    const firstSeen = (await store.articles.firstSeen([page.articleId])).get(page.articleId);
    // Its dates are left as stored: whether they came from the poll time is not known any more.
    if (article && firstSeen && article.url === page.url) out.push({ article, firstSeen, ...(page.itemHash ? { revision: page.itemHash } : {}), kept: true, datedFromPollTime: false });
  }
  return out;
}

/**
 * The item revision a page is fetched for: its input hash, else (an item dated
 * from the poll time has none) a hash of what the feed said of it.
 */
function revisionOf(item: StoredItem): string {
  return item.revision ?? item.inputHash ?? `content:${createHash('sha256').update(JSON.stringify([item.article.url, item.article.title, item.article.paragraphs])).digest('base64url')}`;
}

/** What to do for an item given its page record: reuse the stored extraction, wait (backoff), or fetch. */
function plan(item: StoredItem, prior: PageRecord | undefined, now: Date): { reuse: PageExtract } | 'wait' | 'fetch' {
  const sameRevision = prior !== undefined && prior.url === item.article.url && prior.itemHash === revisionOf(item);
  if (!sameRevision) return 'fetch';
  if (prior.outcome === 'ok' && prior.extracted) return { reuse: prior.extracted };
  return prior.nextTryAt !== undefined && prior.nextTryAt > now.toISOString() ? 'wait' : 'fetch';
}

interface Outcome {
  record: PageRecord;
  extracted?: PageExtract;
}

async function pageOutcome(item: StoredItem, src: SourceConfig, prior: PageRecord | undefined, fetched: PageFetchResult, config: LoadedConfig, ctx: FullTextContext): Promise<Outcome> {
  const at = ctx.now();
  const base = { articleId: item.article.id, source: src.name, url: item.article.url, itemHash: revisionOf(item), fetchedAt: at.toISOString() };
  const failed = (kind: string, error: string, status?: number): Outcome => {
    const failures = (prior?.itemHash === base.itemHash && prior?.outcome === 'failed' ? prior.failures : 0) + 1;
    const retry = failures < PAGE_MAX_FAILURES ? { nextTryAt: new Date(at.getTime() + backoffMs(failures)).toISOString() } : {};
    return { record: { ...base, finalUrl: fetched.url, outcome: 'failed', kind, error, ...(status !== undefined ? { status } : {}), failures, ...retry } };
  };
  if (!fetched.ok) return failed(fetched.kind, fetched.error, fetched.status);
  const validators = { ...(fetched.validators.etag ? { etag: fetched.validators.etag } : {}), ...(fetched.validators.lastModified ? { lastModified: fetched.validators.lastModified } : {}) };
  let extracted: PageExtract | undefined;
  if (fetched.notModified) extracted = prior?.extracted;
  else {
    try {
      extracted = await ctx.pool.extract({ url: fetched.url, body: fetched.body, ...(fetched.contentType ? { contentType: fetched.contentType } : {}), options: normalizeOptions(config.normalize, src) });
    } catch (err) {
      return failed('extract', `the page could not be extracted: ${(err as Error)?.message || String(err)}`, fetched.status);
    }
  }
  if (!extracted || extracted.bodyFrom === 'none') return failed('no-article', 'no article text found on the page', fetched.status);
  return { record: { ...base, finalUrl: fetched.url, outcome: 'ok', status: fetched.status, failures: 0, ...validators, extracted }, extracted };
}

type ItemResult = { result: 'fetched' | 'skipped' } | { result: 'failed'; error: string };

async function fetchOne(config: LoadedConfig, store: Store, src: SourceConfig, item: StoredItem, policy: AddressPolicy, ctx: FullTextContext, deadline: number): Promise<ItemResult> {
  const prior = await store.pages.get(item.article.id);
  const now = ctx.now();
  const step = plan(item, prior, now);
  if (step === 'wait') return { result: 'skipped' };
  let outcome: Outcome;
  if (step === 'fetch') {
    const fetched = await ctx.limiter.run(item.article.url, async () => {
      const left = deadline - Date.now();
      if (left < 100) return undefined; // out of time: the next cycle asks
      const validators = prior?.url === item.article.url && prior.outcome === 'ok' ? { etag: prior.etag, lastModified: prior.lastModified } : undefined;
      return fetchPage(item.article.url, { timeoutMs: Math.min(config.fetch.timeoutMs, left), connectTimeoutMs: Math.min(config.fetch.connectTimeoutMs, left), maxBytes: config.fetch.maxBytes, validators, addressPolicy: policy, robots: ctx.robots, resolve: ctx.resolve });
    });
    if (!fetched) return { result: 'skipped' };
    outcome = await pageOutcome(item, src, prior, fetched, config, ctx);
    await store.pages.record(outcome.record);
  } else outcome = { record: prior!, extracted: step.reuse };
  if (!outcome.extracted) return { result: 'failed', error: outcome.record.error ?? outcome.record.kind ?? 'failed' };
  const article = withPageContent(item.article, outcome.extracted, item.datedFromPollTime, normalizeOptions(config.normalize, src));
  await store.articles.save(article, item.firstSeen, item.inputHash);
  return { result: step === 'fetch' ? 'fetched' : 'skipped' };
}

/**
 * Fetch the wanted pages of the items stored this cycle (by source name) and
 * put their counts and failures on the sources' reports.
 */
export async function fetchFullTexts(config: LoadedConfig, store: Store, stored: ReadonlyMap<string, StoredItem[]>, reports: readonly SourceReport[], ctx: FullTextContext): Promise<void> {
  const deadline = Date.now() + config.fetch.timeoutMs;
  const byName = new Map(reports.map((r) => [r.name, r]));
  const states = await store.sources.statesFor(config.sources);
  await Promise.all(
    config.sources.map(async (src) => {
      const report = byName.get(src.name);
      const fresh = wantedItems(src.fullText, stored.get(src.name) ?? []);
      const items = report ? [...fresh, ...(await retries(store, src, fresh, ctx.now()))] : [];
      if (!items.length || !report) return;
      const policy = await policyForSource(states.get(src.name)?.url ?? src.url, ctx.resolve);
      const results = await Promise.all(items.map((item) => fetchOne(config, store, src, item, policy, ctx, deadline).catch((err: unknown): ItemResult => ({ result: 'failed', error: String((err as Error)?.message ?? err) }))));
      const fetched = results.filter((r) => r.result === 'fetched').length;
      const failures = results.flatMap((r, i) => (r.result === 'failed' ? [{ url: items[i]!.article.url, error: r.error }] : []));
      if (fetched) report.pagesFetched = fetched;
      if (failures.length) {
        report.pagesFailed = failures.length;
        report.pageErrors = failures.slice(0, REPORTED_ERRORS);
      }
    }),
  );
}
