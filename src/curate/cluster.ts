/**
 * Story clusters: the same news from several outlets becomes one entry.
 *
 * Rules:
 * - Incremental and stable: reports already in a cluster stay there, and a
 *   cluster's lead never changes (its id is the published entry's id).
 * - A new report joins the cluster whose lead is most similar to it (title +
 *   lede, `similarity`) when that similarity reaches the threshold and the two
 *   were published within the window of each other; otherwise it leads a
 *   cluster of its own. Comparing with leads only (not every member) keeps a
 *   cluster from drifting: a chain of loosely related reports cannot pull
 *   unrelated news in over days.
 * - New reports are taken in a fixed order: first seen, then the source's
 *   priority (higher first), then published, then id. So among reports first
 *   seen together, the highest-priority source's (else the earliest) leads.
 * - Pure: same inputs, same assignments.
 */
import type { Article } from '../model/index.js';
import { storyTokens } from './similarity.js';

/** A report as clustering orders and windows it; its title and lede are read only when compared (`clusterStories`). */
export interface ClusterRef {
  article: Pick<Article, 'id' | 'published'>;
  firstSeen: string;
  priority: number;
}

export interface ClusterInput extends ClusterRef {
  article: Pick<Article, 'id' | 'title' | 'summary' | 'published'>;
}

/** What a report is compared by. */
export type StoryText = Pick<Article, 'title' | 'summary'>;

export interface ClusterOptions {
  windowHours: number;
  threshold: number;
}

/**
 * A report's tokens, compact: a pass may hold a hundred thousand of them, so
 * token strings are interned to ids (one dictionary per pass) and kept as
 * parallel typed arrays sorted by id, which also lets two reports be compared
 * by one merge walk.
 */
interface Report {
  id: string;
  lead: string;
  published: number;
  tokenIds: Uint32Array;
  weights: Float64Array;
  /** Σ of the token weights. */
  weight: number;
  /** Order of creation: candidates are scored in it, so ties resolve as in a full scan. */
  seq: number;
}

/** Weighted Jaccard of two reports, as `similarity` (similarity.ts) computes it: the weights are small integers, so the sums are exact in any order and the value is the same. */
function reportSimilarity(a: Report, b: Report): number {
  let shared = 0;
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < a.tokenIds.length && j < b.tokenIds.length) {
    const ta = a.tokenIds[i]!;
    const tb = b.tokenIds[j]!;
    if (ta === tb) {
      shared += Math.min(a.weights[i]!, b.weights[j]!);
      total += Math.max(a.weights[i++]!, b.weights[j++]!);
    } else if (ta < tb) total += a.weights[i++]!;
    else total += b.weights[j++]!;
  }
  while (i < a.tokenIds.length) total += a.weights[i++]!;
  while (j < b.tokenIds.length) total += b.weights[j++]!;
  return total === 0 ? 0 : shared / total;
}

/**
 * The candidate's rarest tokens (fewest leads first) until the rest weighs less
 * than threshold × its weight, with a margin so float rounding can never drop a
 * lead that scores exactly the threshold.
 */
function prefixTokens(r: Report, leadsByToken: readonly (Report[] | undefined)[], threshold: number): number[] {
  const leadsWith = (k: number) => leadsByToken[r.tokenIds[k]!]?.length ?? 0;
  // Ties by token id: ids follow first appearance, a fixed order for given inputs.
  const rarestFirst = Array.from(r.tokenIds.keys()).sort((a, b) => leadsWith(a) - leadsWith(b) || r.tokenIds[a]! - r.tokenIds[b]!);
  const restLimit = threshold * r.weight * (1 - 1e-9);
  const prefix: number[] = [];
  let rest = r.weight;
  for (const k of rarestFirst) {
    if (rest < restLimit) break;
    prefix.push(r.tokenIds[k]!);
    rest -= r.weights[k]!;
  }
  return prefix;
}

/**
 * Whether a lead published at `t` can be within the window of one of the new
 * reports (published at `times`): a lead out of reach is skipped by the scan
 * anyway, so it need not be tokenized. An unparsable date is never out of
 * reach (the scan's window test cannot reject it).
 */
function withinWindowOfAny(times: number[], windowMs: number): (t: number) => boolean {
  if (times.some(Number.isNaN)) return () => true;
  const min = times.reduce((m, t) => Math.min(m, t), Infinity);
  const max = times.reduce((m, t) => Math.max(m, t), -Infinity);
  return (t) => Number.isNaN(t) || (t >= min - windowMs && t <= max + windowMs);
}

function order(a: ClusterRef, b: ClusterRef): number {
  return a.firstSeen.localeCompare(b.firstSeen) || b.priority - a.priority || a.article.published.localeCompare(b.article.published) || a.article.id.localeCompare(b.article.id);
}

/** Lead id for every article without one yet (`leads`: the assignments made before). */
export function assignClusters(inputs: readonly ClusterInput[], leads: ReadonlyMap<string, string>, opts: ClusterOptions): Map<string, string> {
  return clusterStories(inputs, leads, opts, (i) => i.article);
}

/**
 * `assignClusters` for reports whose title and lede are read on demand
 * (`storyOf`): only the new reports' and the leads' within their window, each
 * once, so a pass over a large store never holds every stored text.
 */
export function clusterStories<R extends ClusterRef>(inputs: readonly R[], leads: ReadonlyMap<string, string>, opts: ClusterOptions, storyOf: (input: R) => StoryText): Map<string, string> {
  const windowMs = opts.windowHours * 3_600_000;
  const tokenIdOf = new Map<string, number>();
  let seq = 0;
  const report = (i: R, lead: string): Report => {
    const story = storyOf(i);
    const tokens = storyTokens(story.title, story.summary);
    // Token weights are 1 or 2 (similarity.ts), so id × 4 + weight sorts by id as one number.
    const packed = new Float64Array(tokens.size);
    let k = 0;
    for (const [token, w] of tokens) {
      let id = tokenIdOf.get(token);
      if (id === undefined) tokenIdOf.set(token, (id = tokenIdOf.size));
      packed[k++] = id * 4 + w;
    }
    packed.sort();
    const tokenIds = new Uint32Array(packed.length);
    const weights = new Float64Array(packed.length);
    let weight = 0;
    for (k = 0; k < packed.length; k++) {
      tokenIds[k] = Math.floor(packed[k]! / 4);
      weight += weights[k] = packed[k]! % 4;
    }
    return { id: i.article.id, lead, published: Date.parse(i.article.published), tokenIds, weights, weight, seq: seq++ };
  };
  // Only leads are compared with, through an index token → leads holding it.
  // Prefix filter: a lead B reaches weighted Jaccard ≥ t with the candidate A
  // only if B holds a token of every subset P of A's tokens whose weight is
  // above (1 − t)·weight(A) (shared ⊆ A∖P would give J ≤ w(A∖P)/w(A) < t). So
  // candidates come from A's rarest tokens only (by how many leads hold them)
  // and each is scored exactly, in creation order for ties; a lead below the
  // threshold can never be chosen, so the result is that of a full scan. A
  // threshold ≤ 0 accepts a score of 0: then every lead is scored. Leads
  // outside the candidate's window are dropped before scoring (the scan skips them).
  const allLeads: Report[] = [];
  const leadsByToken: (Report[] | undefined)[] = [];
  const addLead = (r: Report) => {
    allLeads.push(r);
    for (const token of r.tokenIds) (leadsByToken[token] ??= []).push(r);
  };
  const inWindow = (r: Report) => (lead: Report) => !(Math.abs(lead.published - r.published) > windowMs);
  const candidatesOf = (r: Report): Report[] => {
    if (opts.threshold <= 0) return allLeads.filter(inWindow(r));
    const candidates = new Set<Report>();
    for (const token of prefixTokens(r, leadsByToken, opts.threshold)) for (const lead of leadsByToken[token] ?? []) candidates.add(lead);
    return [...candidates].filter(inWindow(r)).sort((a, b) => a.seq - b.seq);
  };
  const fresh = inputs.filter((i) => !leads.has(i.article.id)).sort(order);
  const assigned = new Map<string, string>();
  if (!fresh.length) return assigned;
  const reachable = withinWindowOfAny(fresh.map((i) => Date.parse(i.article.published)), windowMs);
  for (const i of inputs) if (leads.get(i.article.id) === i.article.id && reachable(Date.parse(i.article.published))) addLead(report(i, i.article.id));
  for (const input of fresh) {
    const candidate = report(input, input.article.id);
    let best: Report | undefined;
    let bestScore = -1;
    for (const other of candidatesOf(candidate)) {
      const score = reportSimilarity(candidate, other);
      if (score > bestScore) [best, bestScore] = [other, score];
    }
    if (best && bestScore >= opts.threshold) candidate.lead = best.lead;
    else addLead(candidate);
    assigned.set(candidate.id, candidate.lead);
  }
  return assigned;
}
