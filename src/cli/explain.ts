/**
 * `infrawire run --dry-run` and `infrawire explain URL`: show every curation
 * decision without changing anything.
 *
 * Rules:
 * - Nothing is written: the cycle runs on a scratch copy of the store
 *   (`Store.scratchCopy`, deleted afterwards) and no feed file is written.
 * - `explain URL` looks for the article in the store first (by canonical
 *   URL) and judges it with the current config; only when it is not stored
 *   does it fetch every source (a dry run) and look among their items.
 */
import type { LoadedConfig } from '../config/index.js';
import { loadConfig } from '../config/index.js';
import { decideFeeds, feedRulesFor, formatDecisions, type FeedDecision } from '../curate/index.js';
import type { Article } from '../model/index.js';
import { canonicalUrl } from '../normalize/index.js';
import { runCycle, type CycleSummary } from '../schedule/index.js';
import { clusterLeads, Store } from '../store/index.js';
import { formatSummary } from './report.js';

/**
 * What an explanation shows of an article. A dry run keeps this for every item
 * it decides, not the whole Article: with the bodies, a 1,000-source dry run
 * held ~50,000 of them and needed over 1 GB.
 */
export type ArticleHeading = Pick<Article, 'id' | 'url' | 'title' | 'published' | 'source'>;

function headingOf(article: Article): ArticleHeading {
  return { id: article.id, url: article.url, title: article.title, published: article.published, source: article.source };
}

export interface ExplainedArticle {
  article: ArticleHeading;
  decisions: FeedDecision[];
  /** Why it was not stored (a duplicate or tombstoned item); it then has no decisions. */
  skipped?: string;
  /** The report this one is published under when it joined another outlet's story cluster. */
  mergedInto?: { id: string; title: string };
}

/** Attach the story cluster each article ended up in (after the cycle's curation pass). */
function withClusters(store: Store, explained: ExplainedArticle[]): ExplainedArticle[] {
  const leads = clusterLeads(store);
  return explained.map((e) => {
    const lead = leads.get(e.article.id);
    if (!lead || lead === e.article.id) return e;
    return { ...e, mergedInto: { id: lead, title: store.getArticle(lead)?.title ?? lead } };
  });
}

function formatExplained(e: ExplainedArticle): string {
  if (e.skipped) return `${formatDecisions(e.article, [])}\n  SKIPPED ${e.skipped}`;
  const merged = e.mergedInto ? `\n  MERGED  into the story published as "${e.mergedInto.title}" (another outlet's earlier or preferred report)` : '';
  return formatDecisions(e.article, e.decisions) + merged;
}

/** One dry cycle over a scratch copy of the store; every decision, in the order made. */
export async function dryRunCycle(config: LoadedConfig, now?: () => Date): Promise<{ summary: CycleSummary; explained: ExplainedArticle[] }> {
  const store = Store.scratchCopy(config.store.path);
  try {
    return await dryRunOn(config, store, now);
  } finally {
    store.close();
  }
}

/** A dry cycle on `copy`, which it writes to. */
async function dryRunOn(config: LoadedConfig, copy: Store, now?: () => Date): Promise<{ summary: CycleSummary; explained: ExplainedArticle[] }> {
  const explained: ExplainedArticle[] = [];
  const summary = await runCycle(config, copy, { dryRun: true, ...(now ? { now } : {}), onDecisions: (article, decisions, skipped) => explained.push({ article: headingOf(article), decisions, ...(skipped ? { skipped } : {}) }) });
  return { summary, explained: withClusters(copy, explained) };
}

function jsonOf(e: ExplainedArticle) {
  return { id: e.article.id, url: e.article.url, title: e.article.title, source: e.article.source.name, published: e.article.published, decisions: e.decisions, ...(e.skipped ? { skipped: e.skipped } : {}), ...(e.mergedInto ? { mergedInto: e.mergedInto } : {}) };
}

/**
 * `{ summary, items }` exactly as `JSON.stringify(…, null, 2)` writes it, as whole
 * lines a few at a time: a large dry run's text (~160 MB at 50,000 items) is
 * never held at once, nor every item's JSON object.
 */
export function* dryRunJsonLines(summary: CycleSummary, explained: readonly ExplainedArticle[]): Generator<string> {
  // Nested at `depth`, a value's own lines move right by two spaces a level (JSON strings hold no raw newline).
  const nested = (value: unknown, depth: number) => JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);
  const head = `{\n  "summary": ${nested(summary, 1)},\n  "items": [`;
  if (!explained.length) {
    yield `${head}]\n}`;
    return;
  }
  yield head;
  for (let n = 0; n < explained.length; n++) yield `    ${nested(jsonOf(explained[n]!), 2)}${n < explained.length - 1 ? ',' : ''}`;
  yield '  ]\n}';
}

/** Print lines joined into chunks of about `CHUNK_CHARS`, so a long output is neither one string nor a write per line. */
function printLines(lines: Iterable<string>): void {
  let chunk: string[] = [];
  let size = 0;
  for (const line of lines) {
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

export async function runDryRun(opts: { config: string; json?: boolean }): Promise<void> {
  const config = loadConfig(opts.config);
  const { summary, explained } = await dryRunCycle(config);
  if (opts.json) {
    printLines(dryRunJsonLines(summary, explained));
    return;
  }
  for (const e of explained) console.log(`${formatExplained(e)}\n`);
  console.log(formatSummary(summary));
  console.log('dry run: nothing was written');
}

/** Where `explain` found the article: the store, or a source's current items. */
export async function explainUrl(url: string, opts: { config: string; json?: boolean }): Promise<void> {
  const config = loadConfig(opts.config);
  const canonical = canonicalUrl(url);
  if (!canonical) throw new Error(`explain: "${url}" is not an http(s) URL`);
  // One scratch copy: looked up first, then dry-run on only when the article is not stored.
  const copy = Store.scratchCopy(config.store.path);
  let found: ExplainedArticle | undefined;
  let where = 'store';
  try {
    const article = copy.articleByUrl(canonical);
    if (article) found = withClusters(copy, [{ article: headingOf(article), decisions: decideFeeds(article, feedRulesFor(config), new Date()) }])[0];
    if (!found) {
      where = 'sources';
      found = (await dryRunOn(config, copy)).explained.find((e) => e.article.url === canonical);
    }
  } finally {
    copy.close();
  }
  if (!found) throw new Error(`explain: ${canonical} is neither in the store nor among the sources' current items`);
  console.log(opts.json ? JSON.stringify({ foundIn: where, ...jsonOf(found) }, null, 2) : `(found in the ${where})\n${formatExplained(found)}`);
}
