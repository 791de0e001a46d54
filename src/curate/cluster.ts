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
import { storyTokens, type TokenCache } from './similarity.js';

/** A report as clustering orders and windows it; its title and lede are read only when it is tokenized (`clusterStories`). */
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

/** `a`, or a copy half again as long (at least `need`) when it is shorter. */
function withRoom<T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (length: number) => T)(Math.max(need, Math.ceil(a.length * 1.5)));
  b.set(a as ArrayLike<number>);
  return b;
}

/**
 * The leads of one pass and the report being placed, compact: a pass may hold
 * a hundred thousand leads, so nothing is an object per report or per token.
 * Token strings are interned to ids (one dictionary per pass); every lead's
 * tokens sit in shared arrays indexed by position (lead r at positions
 * bounds[r]..bounds[r+1]), and each token's postings are a chain through
 * those positions (newest lead first), so the index costs the same few bytes
 * per (lead, token) however many distinct tokens there are. The report being
 * placed is loaded after the last lead; it keeps those positions only if it
 * becomes a lead.
 */
class LeadIndex {
  private readonly tokenIds = new Map<string, number>();
  /** Raw word → token for this pass's reports (dropped with the pass). */
  private readonly tokenCache: TokenCache = new Map();
  readonly ids: string[] = [];
  // Per lead, for as many leads as there will be reports.
  private readonly published: Float64Array;
  /** Σ of the lead's token weights. */
  private readonly weight: Uint32Array;
  private readonly bounds: Uint32Array;
  /** The last report whose candidates reached the lead (each is scored once). */
  private readonly seenBy: Int32Array;
  // Per position. Weights are small integers (`storyTokens`: 1 or 2), kept in a byte.
  private tokenAt = new Uint32Array(4096);
  private weightAt = new Uint8Array(4096);
  /** Position + 1 of the previous lead holding the same token; 0 ends the chain. */
  private nextWithToken = new Int32Array(4096);
  // Per token id.
  /** Position + 1 of the newest lead holding the token; 0: none. */
  private lastWithToken = new Int32Array(1024);
  private leadsWithToken = new Uint32Array(1024);
  /** The loaded report's weight of each token, 0 for tokens it lacks (set while it is placed). */
  private loadedWeight = new Uint8Array(1024);
  /** Scratch for `candidates`' rarest-first order. */
  private keys = new Float64Array(64);
  /** Positions used by the leads; the loaded report's tokens follow, up to `loadedEnd`. */
  private used = 0;
  private loadedEnd = 0;
  private loadedWeightSum = 0;
  private loadedPublished = NaN;
  private loads = 0;

  /** `reports`: how many will be loaded (the most leads there can be). */
  constructor(private readonly reports: number) {
    this.published = new Float64Array(reports);
    this.weight = new Uint32Array(reports);
    this.bounds = new Uint32Array(reports + 1);
    this.seenBy = new Int32Array(reports);
  }

  /** Tokenizes a report after the leads' positions (replacing the one loaded before, unless it was added). */
  load(story: StoryText, published: number): void {
    this.loads++;
    let p = this.used;
    let sum = 0;
    storyTokens(story.title, story.summary, this.tokenCache).forEach((w, token) => {
      if ((w & 0xff) !== w) throw new Error(`story token weight ${w} does not fit the byte cluster.ts keeps it in`);
      let id = this.tokenIds.get(token);
      if (id === undefined) {
        this.tokenIds.set(token, (id = this.tokenIds.size));
        this.lastWithToken = withRoom(this.lastWithToken, id + 1);
        this.leadsWithToken = withRoom(this.leadsWithToken, id + 1);
        this.loadedWeight = withRoom(this.loadedWeight, id + 1);
      }
      if (p === this.tokenAt.length) this.roomForPositions(p + 1);
      this.tokenAt[p] = id;
      this.weightAt[p++] = w;
      sum += w;
    });
    this.loadedEnd = p;
    this.loadedWeightSum = sum;
    this.loadedPublished = published;
  }

  /** Makes the loaded report a lead. */
  addLoaded(id: string): void {
    const r = this.ids.length;
    this.ids.push(id);
    this.published[r] = this.loadedPublished;
    this.weight[r] = this.loadedWeightSum;
    for (let p = this.used; p < this.loadedEnd; p++) {
      const t = this.tokenAt[p]!;
      this.nextWithToken[p] = this.lastWithToken[t]!;
      this.lastWithToken[t] = p + 1;
      this.leadsWithToken[t]!++;
    }
    this.used = this.loadedEnd;
    this.bounds[r + 1] = this.used;
  }

  /**
   * Room for `need` positions. Each growth copies, and the old arrays are freed
   * only by a later GC, so they grow to the need projected for all reports
   * (positions per report so far × reports, a little more): usually once more.
   */
  private roomForPositions(need: number): void {
    const size = Math.max(need, Math.ceil((need / this.loads) * this.reports * 1.05));
    const grow = <T extends Uint8Array | Int32Array | Uint32Array>(a: T) => withRoom(a, size);
    this.tokenAt = grow(this.tokenAt);
    this.weightAt = grow(this.weightAt);
    this.nextWithToken = grow(this.nextWithToken);
  }

  /**
   * The lead most similar to the loaded report among those the candidate
   * filter passes and within the window (the first created among equals), or
   * -1; with its score.
   */
  best(threshold: number, windowMs: number): { lead: number; score: number } {
    const found = { lead: -1, score: -1 };
    for (let p = this.used; p < this.loadedEnd; p++) this.loadedWeight[this.tokenAt[p]!] = this.weightAt[p]!;
    const consider = (r: number) => {
      if (this.seenBy[r] === this.loads) return;
      this.seenBy[r] = this.loads;
      if (Math.abs(this.published[r]! - this.loadedPublished) > windowMs) return;
      const score = this.similarity(r);
      if (score > found.score || (score === found.score && r < found.lead)) {
        found.lead = r;
        found.score = score;
      }
    };
    if (threshold <= 0) for (let r = 0; r < this.ids.length; r++) consider(r);
    else for (const t of this.prefixTokens(threshold)) for (let q = this.lastWithToken[t]!; q; q = this.nextWithToken[q - 1]!) consider(this.leadAt(q - 1));
    for (let p = this.used; p < this.loadedEnd; p++) this.loadedWeight[this.tokenAt[p]!] = 0;
    return found;
  }

  /** The lead at position p: the last whose tokens start at or before it (a search, not 4 more bytes a position). */
  private leadAt(p: number): number {
    let lo = 0;
    let hi = this.ids.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.bounds[mid]! <= p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Weighted Jaccard of lead r and the loaded report, as `similarity`
   * (similarity.ts) computes it: Σ min / Σ max, where Σ max = Σ a + Σ b − Σ min.
   * The weights are small integers, so every sum is exact and the value is the same.
   */
  private similarity(r: number): number {
    let shared = 0;
    for (let q = this.bounds[r]!, end = this.bounds[r + 1]!; q < end; q++) {
      const w = this.loadedWeight[this.tokenAt[q]!]!;
      if (w) shared += Math.min(w, this.weightAt[q]!);
    }
    const total = this.loadedWeightSum + this.weight[r]! - shared;
    return total === 0 ? 0 : shared / total;
  }

  /**
   * The loaded report's rarest tokens (fewest leads first) until the rest
   * weighs less than threshold × its weight, with a margin so float rounding
   * can never drop a lead that scores exactly the threshold.
   */
  private prefixTokens(threshold: number): number[] {
    const n = this.loadedEnd - this.used;
    this.keys = withRoom(this.keys, n);
    // Rarest first, ties in load order: as numbers, sorted natively (exact far below 2^53).
    const keys = this.keys.subarray(0, n);
    for (let k = 0; k < n; k++) keys[k] = this.leadsWithToken[this.tokenAt[this.used + k]!]! * n + k;
    keys.sort();
    const restLimit = threshold * this.loadedWeightSum * (1 - 1e-9);
    const prefix: number[] = [];
    let rest = this.loadedWeightSum;
    for (const key of keys) {
      if (rest < restLimit) break;
      const p = this.used + (key % n);
      prefix.push(this.tokenAt[p]!);
      rest -= this.weightAt[p]!;
    }
    return prefix;
  }
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

/** What a pass compares: the new reports in order, and the stored leads within reach of them. */
interface ClusterPlan<R extends ClusterRef> {
  fresh: R[];
  freshPublished: number[];
  stored: R[];
  windowMs: number;
}

function clusterPlan<R extends ClusterRef>(inputs: readonly R[], leads: ReadonlyMap<string, string>, opts: ClusterOptions): ClusterPlan<R> | undefined {
  const windowMs = opts.windowHours * 3_600_000;
  const fresh = inputs.filter((i) => !leads.has(i.article.id)).sort(order);
  if (!fresh.length) return undefined;
  const freshPublished = fresh.map((i) => Date.parse(i.article.published));
  const reachable = withinWindowOfAny(freshPublished, windowMs);
  const stored = inputs.filter((i) => leads.get(i.article.id) === i.article.id && reachable(Date.parse(i.article.published)));
  return { fresh, freshPublished, stored, windowMs };
}

/** Indexes stored leads, then places new reports one by one: `add` and `place` are called in plan order. */
class Placement<R extends ClusterRef> {
  readonly index: LeadIndex;
  readonly assigned = new Map<string, string>();
  private placed = 0;

  constructor(
    readonly plan: ClusterPlan<R>,
    private readonly threshold: number,
  ) {
    this.index = new LeadIndex(plan.stored.length + plan.fresh.length);
  }

  addLead(input: R, story: StoryText): void {
    this.index.load(story, Date.parse(input.article.published));
    this.index.addLoaded(input.article.id);
  }

  place(input: R, story: StoryText): void {
    this.index.load(story, this.plan.freshPublished[this.placed++]!);
    const { lead, score } = this.index.best(this.threshold, this.plan.windowMs);
    if (lead >= 0 && score >= this.threshold) this.assigned.set(input.article.id, this.index.ids[lead]!);
    else {
      this.index.addLoaded(input.article.id);
      this.assigned.set(input.article.id, input.article.id);
    }
  }
}

/** Lead id for every article without one yet (`leads`: the assignments made before); the texts are in the inputs. */
export function assignClusters(inputs: readonly ClusterInput[], leads: ReadonlyMap<string, string>, opts: ClusterOptions): Map<string, string> {
  const plan = clusterPlan(inputs, leads, opts);
  if (!plan) return new Map();
  const placement = new Placement(plan, opts.threshold);
  for (const i of plan.stored) placement.addLead(i, i.article);
  for (const i of plan.fresh) placement.place(i, i.article);
  return placement.assigned;
}

/** How many texts `clusterStories` asks for at once: few round trips to a network store, little held at a time. */
export const STORY_TEXT_CHUNK = 256;

/**
 * `assignClusters` for reports whose title and lede are read on demand
 * (`storiesOf`, a chunk at a time, in the order asked): only the new reports'
 * and the leads' within their window, each once, so a pass over a large store
 * never holds every stored text.
 */
export async function clusterStories<R extends ClusterRef>(
  inputs: readonly R[],
  leads: ReadonlyMap<string, string>,
  opts: ClusterOptions,
  storiesOf: (refs: readonly R[]) => Promise<StoryText[]>,
): Promise<Map<string, string>> {
  // Only leads are compared with, through an index token → leads holding it.
  // Prefix filter: a lead B reaches weighted Jaccard ≥ t with the candidate A
  // only if B holds a token of every subset P of A's tokens whose weight is
  // above (1 − t)·weight(A) (shared ⊆ A∖P would give J ≤ w(A∖P)/w(A) < t). So
  // candidates come from A's rarest tokens only (by how many leads hold them)
  // and each is scored exactly, ties going to the lead created first; a lead
  // below the threshold can never be chosen, so the result is that of a full
  // scan. A threshold ≤ 0 accepts a score of 0: then every lead is scored.
  // Leads outside the candidate's window are not scored (the scan skips them).
  const plan = clusterPlan(inputs, leads, opts);
  if (!plan) return new Map();
  const placement = new Placement(plan, opts.threshold);
  for (let at = 0; at < plan.stored.length; at += STORY_TEXT_CHUNK) {
    const part = plan.stored.slice(at, at + STORY_TEXT_CHUNK);
    const texts = await storiesOf(part);
    part.forEach((input, k) => placement.addLead(input, texts[k]!));
  }
  for (let at = 0; at < plan.fresh.length; at += STORY_TEXT_CHUNK) {
    const part = plan.fresh.slice(at, at + STORY_TEXT_CHUNK);
    const texts = await storiesOf(part);
    part.forEach((input, k) => placement.place(input, texts[k]!));
  }
  return placement.assigned;
}
