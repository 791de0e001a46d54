/**
 * Which curated feeds keep an article, and why.
 *
 * Rules:
 * - A feed with neither `keywords` nor `watch` uses the global `watch` rules;
 *   otherwise its own (its `keywords` plus its `watch`), with no global terms.
 * - A source's `watch` rules apply on top of every feed's rules for that
 *   source's items (extra terms and excludes; its minScore/maxAgeDays win).
 * - Compiled once per cycle (or per config reload), applied to every article.
 */
import type { Config, WatchRulesConfig } from '../config/index.js';
import type { Article } from '../model/index.js';
import { articleFields, compileRules, decide, decisionCategories, overlayRules, type CompiledRules, type Decision } from './rules.js';

interface SourceOverlay {
  rules: CompiledRules;
  config: WatchRulesConfig;
}

export interface FeedRules {
  name: string;
  rules: CompiledRules;
  /** Source name → that source's extra rules. */
  overlays: ReadonlyMap<string, SourceOverlay>;
}

export interface FeedDecision {
  feed: string;
  decision: Decision;
}

type RulesConfig = Pick<Config, 'watch' | 'feeds' | 'sources'>;

export function feedRulesFor(config: RulesConfig): FeedRules[] {
  const overlays = new Map<string, SourceOverlay>();
  for (const src of config.sources) if (src.watch) overlays.set(src.name, { rules: compileRules(src.watch), config: src.watch });
  return config.feeds.map((feed) => {
    const own = feed.keywords !== undefined || feed.watch !== undefined;
    const rules = own ? compileRules({ ...feed.watch, keywords: [...(feed.keywords ?? []), ...(feed.watch?.keywords ?? [])] }) : compileRules(config.watch);
    return { name: feed.name, rules, overlays };
  });
}

/** The rules a feed applies to one source's items: its own, with the source's overlay on top. */
function rulesForSource(feed: FeedRules, source: string): CompiledRules {
  const overlay = feed.overlays.get(source);
  return overlay ? overlayRules(feed.rules, overlay.rules, overlay.config) : feed.rules;
}

/** Every feed's decision about one article. */
export function decideFeeds(article: Article, feeds: readonly FeedRules[], now: Date): FeedDecision[] {
  const fields = articleFields(article);
  return feeds.map((f) => ({ feed: f.name, decision: decide(article, fields, rulesForSource(f, article.source.name), now) }));
}

const DAY_MS = 86_400_000;
/** A decision is re-made this long before a maxAgeDays limit passes, so rounding at the limit can never keep a stale one. */
const AGE_LIMIT_MARGIN_MS = 1000;

/**
 * Until when (ms) `decideFeeds` keeps deciding this article as it does at `now`
 * while the clock moves forward: only "now" against a feed's maxAgeDays can
 * change it, once, when the article becomes too old for that feed. Undefined
 * when no such limit lies ahead (limits already passed stay passed).
 */
export function decisionsValidUntil(article: Pick<Article, 'published' | 'source'>, feeds: readonly FeedRules[], now: Date): number | undefined {
  const published = Date.parse(article.published);
  let until: number | undefined;
  for (const f of feeds) {
    const maxAgeDays = rulesForSource(f, article.source.name).maxAgeDays;
    if (maxAgeDays === undefined || Number.isNaN(published)) continue;
    const limit = published + maxAgeDays * DAY_MS;
    if (limit < now.getTime()) continue;
    until = Math.min(until ?? Infinity, limit - AGE_LIMIT_MARGIN_MS);
  }
  return until;
}

/** Feed name → categories, for the feeds that keep the article. */
export function keptFeeds(decisions: readonly FeedDecision[]): Map<string, string[]> {
  const kept = new Map<string, string[]>();
  for (const { feed, decision } of decisions) if (decision.kept) kept.set(feed, decisionCategories(decision));
  return kept;
}
