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
import { similarity, storyTokens, type StoryTokens } from './similarity.js';

export interface ClusterInput {
  article: Pick<Article, 'id' | 'title' | 'summary' | 'published'>;
  firstSeen: string;
  priority: number;
}

export interface ClusterOptions {
  windowHours: number;
  threshold: number;
}

interface Report {
  id: string;
  lead: string;
  published: number;
  tokens: StoryTokens;
  /** Σ of the token weights. */
  weight: number;
  /** Order of creation: candidates are scored in it, so ties resolve as in a full scan. */
  seq: number;
}

/**
 * The candidate's rarest tokens (fewest leads first) until the rest weighs less
 * than threshold × its weight, with a margin so float rounding can never drop a
 * lead that scores exactly the threshold.
 */
function prefixTokens(r: Report, byToken: ReadonlyMap<string, readonly Report[]>, threshold: number): string[] {
  const leadsWith = (token: string) => byToken.get(token)?.length ?? 0;
  const rarestFirst = [...r.tokens.keys()].sort((a, b) => leadsWith(a) - leadsWith(b) || (a < b ? -1 : a > b ? 1 : 0));
  const restLimit = threshold * r.weight * (1 - 1e-9);
  const prefix: string[] = [];
  let rest = r.weight;
  for (const token of rarestFirst) {
    if (rest < restLimit) break;
    prefix.push(token);
    rest -= r.tokens.get(token)!;
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

function order(a: ClusterInput, b: ClusterInput): number {
  return a.firstSeen.localeCompare(b.firstSeen) || b.priority - a.priority || a.article.published.localeCompare(b.article.published) || a.article.id.localeCompare(b.article.id);
}

/** Lead id for every article without one yet (`leads`: the assignments made before). */
export function assignClusters(inputs: readonly ClusterInput[], leads: ReadonlyMap<string, string>, opts: ClusterOptions): Map<string, string> {
  const windowMs = opts.windowHours * 3_600_000;
  let seq = 0;
  const report = (i: ClusterInput, lead: string): Report => {
    const tokens = storyTokens(i.article.title, i.article.summary);
    let weight = 0;
    for (const w of tokens.values()) weight += w;
    return { id: i.article.id, lead, published: Date.parse(i.article.published), tokens, weight, seq: seq++ };
  };
  // Only leads are compared with, through an index token → leads holding it.
  // Prefix filter: a lead B reaches weighted Jaccard ≥ t with the candidate A
  // only if B holds a token of every subset P of A's tokens whose weight is
  // above (1 − t)·weight(A) (shared ⊆ A∖P would give J ≤ w(A∖P)/w(A) < t). So
  // candidates come from A's rarest tokens only (by how many leads hold them)
  // and each is scored exactly with `similarity`; a lead below the threshold can
  // never be chosen, so the result is that of a full scan. A threshold ≤ 0
  // accepts a score of 0: then every lead is scored.
  const allLeads: Report[] = [];
  const byToken = new Map<string, Report[]>();
  const addLead = (r: Report) => {
    allLeads.push(r);
    for (const token of r.tokens.keys()) {
      const list = byToken.get(token);
      if (list) list.push(r);
      else byToken.set(token, [r]);
    }
  };
  const scored = (r: Report): [Report, number][] => {
    if (opts.threshold <= 0) return allLeads.map((lead) => [lead, similarity(r.tokens, lead.tokens)]);
    const candidates = new Set<Report>();
    for (const token of prefixTokens(r, byToken, opts.threshold)) for (const lead of byToken.get(token) ?? []) candidates.add(lead);
    // Lead order (creation order) keeps ties resolving as a full scan would.
    return [...candidates].sort((a, b) => a.seq - b.seq).map((lead) => [lead, similarity(r.tokens, lead.tokens)]);
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
    for (const [other, score] of scored(candidate)) {
      if (Math.abs(other.published - candidate.published) > windowMs) continue;
      if (score > bestScore) [best, bestScore] = [other, score];
    }
    if (best && bestScore >= opts.threshold) candidate.lead = best.lead;
    else addLead(candidate);
    assigned.set(candidate.id, candidate.lead);
  }
  return assigned;
}
