/**
 * Ingest: one source's parsed and normalized items into the store, in one
 * transaction (all or nothing), after the dedupe layers.
 *
 * Rules:
 * - Dedupe (a): the same source's guid keeps the id it was first stored under.
 *   (b): another source's report of an id already stored (the id is the frozen
 *   identity URL, so the same link) is a copy
 *   and is skipped, unless both were first seen in this cycle and this source
 *   has the higher priority: then it replaces the other under the same id.
 *   Tombstoned items are skipped for good.
 * - Every other article is stored, kept by a feed or not, with its decision
 *   (`decideArticle`, the curation pass's own), so the pass after the sources
 *   decides none of them again.
 * - An item first seen in an earlier cycle and dated from the poll time keeps
 *   its first-seen date (`redated`). An undated item gets its input hash (normalizing
 *   it again dates it from its first-seen time, the same result); one whose stated
 *   date was in the future gets none: that date is taken once it comes within tolerance.
 * - The source feed's `updated` an article was first stored with stays with it.
 * - Known items (their input stands as stored) are counted, not written;
 *   skipped and failed items are counted with their reasons.
 */
import type { Article, SourceReport } from '../model/index.js';
import { redated, type NormalizeOptions } from '../normalize/index.js';
import type { ParseJobResult } from '../pool/index.js';
import type { StoreSession } from '../store/index.js';
import { decideArticle, type DecisionRules } from './decide.js';
import type { DecisionListener } from './listener.js';

/** What ingesting needs to know about the cycle. */
export interface IngestContext {
  /**
   * The cycle's start: what a new item is first seen at, dated by when it has no
   * date, and decided at. Reports first seen in one cycle are seen together (the
   * highest-priority source's leads their story, and none is coverage added later).
   */
  seenAt: Date;
  /** A source's `priority` (config). */
  priorityOf(source: string): number;
  onDecisions?: DecisionListener;
  /** Where ingest lists the articles it stored new or changed (the full-text step reads them). */
  stored?: StoredItem[];
}

/** An article ingest stored new or changed: what the full-text step needs to know of it. */
export interface StoredItem {
  article: Article;
  firstSeen: string;
  /** What it was normalized from (absent when its stated date was in the future: read again each time). */
  inputHash?: string;
  /** Whether a feed keeps it. */
  kept: boolean;
  /** The item revision its page was last fetched for, when it is not known by an input hash (a retry of a stored article). */
  revision?: string;
  /** Its dates came from when it was seen: a page's dates may fill them. */
  datedFromPollTime: boolean;
}

/** A source's known items: input hash → the stored article and whether a feed keeps it. */
export type KnownInputs = Map<string, { id: string; kept: boolean }>;

export type IngestCounts = Pick<SourceReport, 'itemsNew' | 'itemsKept' | 'itemsChanged' | 'itemsKnown' | 'itemsFailed' | 'itemError' | 'itemsSkipped'>;

function withFeedUpdated(article: Article, feedUpdated: string | undefined): Article {
  if (article.source.feedUpdated === feedUpdated) return article;
  const { feedUpdated: _, ...source } = article.source;
  return { ...article, source: feedUpdated === undefined ? source : { ...source, feedUpdated } };
}

/** Dedupe layers (a) and (b) and tombstones: the article to store (maybe under an earlier id), or why it is skipped. */
async function identify(tx: StoreSession, article: Article, guidIsUnique: boolean, ctx: IngestContext): Promise<{ article: Article; replaced?: string } | { skipped: string }> {
  // A guid repeated inside one fetch identifies nothing (normalize told those stories apart).
  const byGuid = article.guid && guidIsUnique ? await tx.articles.idByGuid(article.source.name, article.guid) : undefined;
  const same = byGuid && byGuid !== article.id ? { ...article, id: byGuid } : article;
  if (await tx.tombstones.has(same.id, same.source.name, same.guid)) return { skipped: 'pruned by retention earlier (tombstone)' };
  const owner = await tx.articles.owner(same.id);
  if (owner === undefined) return { article: same };
  // The source feed's `updated` is the one the article was first stored with: another fetch's must not change a stored article.
  if (owner.source === same.source.name) return { article: withFeedUpdated(same, owner.feedUpdated ?? undefined) };
  const together = owner.firstSeen === ctx.seenAt.toISOString();
  if (together && ctx.priorityOf(same.source.name) > ctx.priorityOf(owner.source)) return { article: same, replaced: owner.source };
  return { skipped: `a copy of ${owner.source}'s report of the same URL` };
}

/** Store a parsed and normalized feed's items (seen, and dated when undated, at `seenAt`); returns the counts. */
export async function ingest(tx: StoreSession, parsed: ParseJobResult, known: KnownInputs, rules: DecisionRules, options: NormalizeOptions, ctx: IngestContext): Promise<IngestCounts> {
  const { seenAt: now, onDecisions } = ctx;
  const nowIso = now.toISOString();
  const counts = { itemsNew: 0, itemsKept: 0, itemsChanged: 0, itemsKnown: 0 };
  let itemsFailed = 0;
  let itemError: string | undefined;
  let itemsSkipped: SourceReport['itemsSkipped'];
  for (const { normalized, idGuid, inputHash, known: isKnown, skipped, error } of parsed.items) {
    if (error !== undefined) {
      itemsFailed++;
      itemError ??= error;
      continue;
    }
    if (skipped) {
      const s = (itemsSkipped ??= { count: 0, reasons: {}, first: skipped.item });
      s.count++;
      s.reasons[skipped.reason] = (s.reasons[skipped.reason] ?? 0) + 1;
      continue;
    }
    if (isKnown) {
      // Stored as normalizing it again would make it, with a decision still valid: nothing to write.
      counts.itemsKnown++;
      if (known.get(inputHash)?.kept) counts.itemsKept++;
      continue;
    }
    if (!normalized) continue;
    const identity = await identify(tx, normalized.article, idGuid === normalized.article.guid, ctx);
    if ('skipped' in identity) {
      onDecisions?.(normalized.article, [], identity.skipped);
      continue;
    }
    let article = identity.article;
    const firstSeen = (await tx.articles.firstSeen([article.id])).get(article.id);
    // A date that came from "now" (missing or in the future) must stay the first-seen time.
    const fromPollTime = article.published === nowIso || article.updated === nowIso;
    if (firstSeen && firstSeen !== nowIso && fromPollTime) article = redated(article, normalized.sourceDates, new Date(firstSeen), options);
    // A future date may be taken later, so that item is read again each time; an undated one stands as stored.
    const stated = normalized.sourceDates.published ?? normalized.sourceDates.updated;
    const hash = fromPollTime && stated ? undefined : inputHash;
    const decision = decideArticle(article, rules, now);
    onDecisions?.(article, decision.decisions, undefined, identity.replaced);
    const keywords = [...new Set([...decision.kept.values()].flat())];
    const saved = await tx.articles.save({ ...article, keywords }, firstSeen ?? nowIso, hash);
    await tx.decisions.save(article.id, decision.stored);
    if (saved !== 'unchanged') ctx.stored?.push({ article: { ...article, keywords }, firstSeen: firstSeen ?? nowIso, ...(hash ? { inputHash: hash } : {}), kept: decision.kept.size > 0, datedFromPollTime: fromPollTime });
    if (saved === 'new') counts.itemsNew++;
    if (saved === 'changed') counts.itemsChanged++;
    if (decision.kept.size) counts.itemsKept++;
  }
  return { ...counts, ...(itemsFailed ? { itemsFailed, itemError } : {}), ...(itemsSkipped ? { itemsSkipped } : {}) };
}
