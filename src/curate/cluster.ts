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
  const report = (i: ClusterInput, lead: string): Report => ({ id: i.article.id, lead, published: Date.parse(i.article.published), tokens: storyTokens(i.article.title, i.article.summary), seq: seq++ });
  // Only leads are compared with. Indexed by token: a lead sharing no token scores 0,
  // so with a threshold above 0 it can never be chosen and need not be scored.
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
  const candidatesFor = (r: Report): Iterable<Report> => {
    if (opts.threshold <= 0) return allLeads;
    const found = new Set<Report>();
    for (const token of r.tokens.keys()) for (const lead of byToken.get(token) ?? []) found.add(lead);
    return [...found].sort((a, b) => a.seq - b.seq); // the same order (and tie-breaks) as a full scan
  };
  for (const i of inputs) if (leads.get(i.article.id) === i.article.id) addLead(report(i, i.article.id));
  const assigned = new Map<string, string>();
  for (const input of inputs.filter((i) => !leads.has(i.article.id)).sort(order)) {
    const candidate = report(input, input.article.id);
    let best: Report | undefined;
    let bestScore = -1;
    for (const other of candidatesFor(candidate)) {
      if (Math.abs(other.published - candidate.published) > windowMs) continue;
      const score = similarity(candidate.tokens, other.tokens);
      if (score > bestScore) [best, bestScore] = [other, score];
    }
    if (best && bestScore >= opts.threshold) candidate.lead = best.lead;
    else addLead(candidate);
    assigned.set(candidate.id, candidate.lead);
  }
  return assigned;
}
