/**
 * `infrawire run --dry-run` and `infrawire explain URL`: show every curation
 * decision without changing anything.
 *
 * Rules:
 * - Nothing is written: the cycle runs on a scratch copy of the store
 *   (`ScratchStore`, deleted afterwards) and no feed file is written.
 * - `explain URL` looks for the article in the store first (by its published
 *   link, else by the id the feed's own link gives it, so the feed's link finds
 *   an article whose page's canonical link replaced it) and judges it with the
 *   current config; only when it is not stored
 *   does it fetch every source (a dry run) and look among their items.
 * - Memory does not grow with the items: each one's heading and decisions go
 *   into the scratch copy as they are made and are printed from there.
 */
import type { LoadedConfig } from '../config/index.js';
import { loadConfig } from '../config/index.js';
import { decideFeeds, feedRulesFor, formatDecisions, type FeedDecision } from '../curate/index.js';
import type { Article, PageRecord } from '../model/index.js';
import { canonicalUrl, entryId, identityUrl } from '../normalize/index.js';
import type { CycleSummary } from '../model/index.js';
import { runCycle } from '../pipeline/index.js';
import { ScratchStore, type Store } from '../store/index.js';
import { UsageError } from './log.js';
import { formatSummary } from './report.js';

/** What an explanation shows of an article (a dry run keeps this, not the whole Article with its body). */
export type ArticleHeading = Pick<Article, 'id' | 'url' | 'title' | 'published' | 'source' | 'image' | 'enclosures'>;

function headingOf(article: Article): ArticleHeading {
  return { id: article.id, url: article.url, title: article.title, published: article.published, source: article.source, image: article.image, enclosures: article.enclosures };
}

export interface ExplainedArticle {
  article: ArticleHeading;
  decisions: FeedDecision[];
  /** Why it was not stored (a duplicate or tombstoned item); it then has no decisions. */
  skipped?: string;
  /** The report this one is published under when it joined another outlet's story cluster. */
  mergedInto?: { id: string; title: string };
  /** The source whose report of the same URL this one replaced (seen in the same cycle, this source's priority higher). */
  replaces?: string;
  /** The source whose report of the same URL replaced this one. */
  replacedBy?: string;
  /** Whether its article page was fetched (full text), from where, what was taken, and why (`explain URL` only). */
  page?: PageExplanation;
}

export interface PageExplanation {
  /** The source's `fullText` setting. */
  fullText: string;
  fetched: boolean;
  /** Why it was fetched, or why not. */
  why: string;
  record?: PageRecord;
}

/** What `explain` says of an article's page: the stored page record, or why there is none. */
export async function explainPage(store: Store, config: LoadedConfig, article: ArticleHeading): Promise<PageExplanation> {
  const fullText = config.sources.find((s) => s.name === article.source.name)?.fullText ?? 'auto';
  const record = await store.pages.get(article.id);
  if (record) return { fullText, fetched: true, why: fullText === 'always' ? 'fullText "always": every new item\'s page is fetched' : `fullText "${fullText}": a feed keeps it and its body was a teaser (or most of the source's items are short)`, record };
  const why = fullText === 'never' ? 'fullText "never"' : fullText === 'always' ? 'not fetched yet (left for the next cycle)' : 'fullText "auto": no feed keeps it, or its body is not a teaser';
  return { fullText, fetched: false, why };
}

function formatPage(p: PageExplanation): string {
  if (!p.record) return `\n  PAGE    not fetched: ${p.why}`;
  const r = p.record;
  const from = r.finalUrl && r.finalUrl !== r.url ? `${r.url} (→ ${r.finalUrl})` : r.url;
  if (r.outcome === 'failed') return `\n  PAGE    fetch FAILED at ${r.fetchedAt} from ${from}: ${r.error ?? r.kind} (${r.failures} failure(s); ${r.nextTryAt ? `retry after ${r.nextTryAt}` : 'not retried until the item changes'}); the feed's text stands\n          why fetched: ${p.why}`;
  const x = r.extracted!;
  const taken = [
    `body from ${x.bodyFrom} (${x.paragraphs.length} paragraph(s), ${x.paragraphs.join(' ').length} characters)`,
    x.faqs.length ? `${x.faqs.length} FAQ pair(s) from the page` : '',
    x.authors.length ? `authors ${x.authors.join(', ')}` : '',
    x.published ? `published ${x.published}` : '',
    x.canonicalUrl ? `canonical ${x.canonicalUrl}` : '',
    x.image ? `image ${x.image}` : '',
  ].filter(Boolean);
  return `\n  PAGE    fetched at ${r.fetchedAt} from ${from} (HTTP ${r.status ?? '-'}): ${taken.join('; ')}\n          why: ${p.why}`;
}

/**
 * The story cluster each article ended up in (after the cycle's curation pass),
 * attached to each item as it is read; a lead's title is read once.
 */
async function withClusters(store: Store): Promise<(e: ExplainedArticle) => Promise<ExplainedArticle>> {
  const leads = await store.clusters.leads();
  const titles = new Map<string, string>();
  return async (e) => {
    const lead = leads.get(e.article.id);
    if (!lead || lead === e.article.id) return e;
    let title = titles.get(lead);
    if (title === undefined) titles.set(lead, (title = (await store.articles.get(lead))?.title ?? lead));
    return { ...e, mergedInto: { id: lead, title } };
  };
}

function formatExplained(e: ExplainedArticle): string {
  if (e.skipped) return `${formatDecisions(e.article, [])}\n  SKIPPED ${e.skipped}`;
  const merged = e.mergedInto ? `\n  MERGED  into the story published as "${e.mergedInto.title}" (another outlet's earlier or preferred report)` : '';
  const replaces = e.replaces ? `\n  REPLACES ${e.replaces}'s report of the same URL (first seen in the same cycle; ${e.article.source.name} has the higher priority)` : '';
  const replacedBy = e.replacedBy ? `\n  REPLACED by ${e.replacedBy}'s report of the same URL (first seen in the same cycle; ${e.replacedBy} has the higher priority)` : '';
  return formatDecisions(e.article, e.decisions) + merged + replaces + replacedBy + (e.page ? formatPage(e.page) : '');
}

/** A dry cycle's outcome: its summary, and its items in the order decided, read back from the scratch copy while it is open. */
export interface DryRun {
  summary: CycleSummary;
  items(): AsyncIterable<ExplainedArticle>;
}

/** A dry cycle on a scratch copy of the store, given to `use`; the copy is removed afterwards. */
export async function withDryRun<T>(config: LoadedConfig, use: (run: DryRun) => T | Promise<T>, now?: () => Date): Promise<T> {
  const copy = ScratchStore.copyOf(config.store.path);
  try {
    return await use(await dryRunOn(config, copy, now));
  } finally {
    await copy.close();
  }
}

/** A dry cycle on `copy`, which it writes to; every item's heading and decisions are kept in the copy, not in memory. */
async function dryRunOn(config: LoadedConfig, copy: ScratchStore, now?: () => Date): Promise<DryRun> {
  // Replacements are rare (same URL, same cycle, higher priority): kept in memory, and told to the earlier report as it is read back.
  const replacedBy = new Map<string, string>();
  const keep = (article: Article, decisions: FeedDecision[], skipped?: string, replaces?: string) => {
    if (replaces) replacedBy.set(`${replaces}\n${article.id}`, article.source.name);
    copy.keep({ article: headingOf(article), decisions, ...(skipped ? { skipped } : {}), ...(replaces ? { replaces } : {}) });
  };
  const summary = await runCycle(config, copy, { dryRun: true, ...(now ? { now } : {}), onDecisions: keep });
  return {
    summary,
    async *items() {
      const clustered = await withClusters(copy);
      for (const e of copy.kept<ExplainedArticle>()) {
        const by = e.skipped ? undefined : replacedBy.get(`${e.article.source.name}\n${e.article.id}`);
        yield await clustered(by ? { ...e, replacedBy: by } : e);
      }
    },
  };
}

function jsonOf(e: ExplainedArticle) {
  // Absent ones (undefined) are left out of the JSON.
  return { id: e.article.id, url: e.article.url, title: e.article.title, source: e.article.source.name, published: e.article.published, image: e.article.image, enclosures: e.article.enclosures, decisions: e.decisions, skipped: e.skipped, mergedInto: e.mergedInto, replaces: e.replaces, replacedBy: e.replacedBy, page: e.page };
}

/**
 * `{ summary, items }` exactly as `JSON.stringify(…, null, 2)` writes it, as whole
 * lines a few at a time: a large dry run's text (~160 MB at 50,000 items) is
 * never held at once, nor every item's JSON object.
 */
export async function* dryRunJsonLines(summary: CycleSummary, items: AsyncIterable<ExplainedArticle> | Iterable<ExplainedArticle>): AsyncGenerator<string> {
  // Nested at `depth`, a value's own lines move right by two spaces a level (JSON strings hold no raw newline).
  const nested = (value: unknown, depth: number) => JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);
  const head = `{\n  "summary": ${nested(summary, 1)},\n  "items": [`;
  let previous: string | undefined;
  for await (const e of items) {
    yield previous === undefined ? head : `${previous},`;
    previous = `    ${nested(jsonOf(e), 2)}`;
  }
  if (previous === undefined) {
    yield `${head}]\n}`;
    return;
  }
  yield previous;
  yield '  ]\n}';
}

/** Print lines joined into chunks of about `CHUNK_CHARS`, so a long output is neither one string nor a write per line. */
async function printLines(lines: AsyncIterable<string>): Promise<void> {
  let chunk: string[] = [];
  let size = 0;
  for await (const line of lines) {
    chunk.push(line);
    size += line.length + 1;
    if (size >= CHUNK_CHARS) {
      console.log(chunk.join('\n'));
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length) console.log(chunk.join('\n'));
}

const CHUNK_CHARS = 1 << 20;

/** The text output's item blocks, each followed by a blank line (the JSON's twin: `dryRunJsonLines`). */
async function* dryRunTextLines(items: AsyncIterable<ExplainedArticle>): AsyncGenerator<string> {
  for await (const e of items) yield `${formatExplained(e)}\n`;
}

export async function runDryRun(opts: { config: string; json?: boolean }): Promise<void> {
  const config = loadConfig(opts.config);
  await withDryRun(config, async (run) => {
    if (opts.json) {
      await printLines(dryRunJsonLines(run.summary, run.items()));
      return;
    }
    await printLines(dryRunTextLines(run.items()));
    console.log(formatSummary(run.summary));
    console.log('dry run: nothing was written');
  });
}

/** Where `explain` found the article: the store, or a source's current items. */
/** The stored article whose item linked to `url` (its id is the link's), whatever link it publishes now. */
async function byFeedLink(store: Store, url: string): Promise<Article | undefined> {
  const id = entryId({ url, title: '' }, '');
  const data = (await store.articles.data([id])).get(id);
  return data ? (JSON.parse(data.toString('utf8')) as Article) : undefined;
}

export async function explainUrl(url: string, opts: { config: string; json?: boolean }): Promise<void> {
  const config = loadConfig(opts.config);
  const canonical = canonicalUrl(url);
  if (!canonical) throw new UsageError(`explain: "${url}" is not an http(s) URL`);
  // One scratch copy: looked up first, then dry-run on only when the article is not stored.
  const copy = ScratchStore.copyOf(config.store.path);
  let found: ExplainedArticle | undefined;
  let where = 'store';
  try {
    // An article stored before links were cleaned further (issue 20) has its identity URL as its url.
    const article = (await copy.articles.byUrl(canonical)) ?? (await copy.articles.byUrl(identityUrl(url)!)) ?? (await byFeedLink(copy, url));
    if (article) found = await (await withClusters(copy))({ article: headingOf(article), decisions: decideFeeds(article, feedRulesFor(config), new Date()) });
    if (!found) {
      where = 'sources';
      for await (const e of (await dryRunOn(config, copy)).items()) {
        if (e.article.url !== canonical) continue;
        found = e;
        break;
      }
    }
    if (found) found = { ...found, page: await explainPage(copy, config, found.article) };
  } finally {
    await copy.close();
  }
  if (!found) throw new Error(`explain: ${canonical} is neither in the store nor among the sources' current items`);
  console.log(opts.json ? JSON.stringify({ foundIn: where, ...jsonOf(found) }, null, 2) : `(found in the ${where})\n${formatExplained(found)}`);
}
