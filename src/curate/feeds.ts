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

/** Every feed's decision about one article. */
export function decideFeeds(article: Article, feeds: readonly FeedRules[], now: Date): FeedDecision[] {
  const fields = articleFields(article);
  return feeds.map((f) => {
    const overlay = f.overlays.get(article.source.name);
    const rules = overlay ? overlayRules(f.rules, overlay.rules, overlay.config) : f.rules;
    return { feed: f.name, decision: decide(article, fields, rules, now) };
  });
}

/** Feed name → categories, for the feeds that keep the article. */
export function keptFeeds(decisions: readonly FeedDecision[]): Map<string, string[]> {
  const kept = new Map<string, string[]>();
  for (const { feed, decision } of decisions) if (decision.kept) kept.set(feed, decisionCategories(decision));
  return kept;
}
