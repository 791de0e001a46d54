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
  article: Pick<Article, 'id' | 'title' | 'summary' | 'published' | 'source'>;
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
  // Only leads are compared with, through an index token → (lead, weight). The
  // shared weight Σmin of a candidate and each lead is summed from the index;
  // weighted Jaccard is then Σmin / (ΣwA + ΣwB − Σmin), the same value
  // `similarity` computes, without scoring leads that share no token (they score
  // 0, which only a threshold of 0 accepts: then every lead is scored).
  const allLeads: Report[] = [];
  const byToken = new Map<string, [Report, number][]>();
  const addLead = (r: Report) => {
    allLeads.push(r);
    for (const [token, w] of r.tokens) {
      const list = byToken.get(token);
      if (list) list.push([r, w]);
      else byToken.set(token, [[r, w]]);
    }
  };
  const scored = (r: Report): [Report, number][] => {
    if (opts.threshold <= 0) return allLeads.map((lead) => [lead, similarity(r.tokens, lead.tokens)]);
    const shared = new Map<Report, number>();
    for (const [token, w] of r.tokens) for (const [lead, lw] of byToken.get(token) ?? []) shared.set(lead, (shared.get(lead) ?? 0) + Math.min(w, lw));
    // Lead order (creation order) keeps ties resolving as a full scan would.
    return [...shared].sort(([a], [b]) => a.seq - b.seq).map(([lead, min]) => [lead, min / (r.weight + lead.weight - min)]);
  };
  for (const i of inputs) if (leads.get(i.article.id) === i.article.id) addLead(report(i, i.article.id));
  const assigned = new Map<string, string>();
  for (const input of inputs.filter((i) => !leads.has(i.article.id)).sort(order)) {
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
