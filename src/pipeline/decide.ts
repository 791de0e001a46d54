/**
 * The one path that decides feed membership: at ingest (a new or changed
 * article) and in the store-wide curation pass (a stored article whose
 * decision no longer stands) alike.
 *
 * Rules:
 * - A decision is stored with the fingerprint of the rules it was made under
 *   (`DERIVED.decisions`) and stands while the rules are the same, it was not
 *   made in the future (a clock set back), and no maxAgeDays limit has passed
 *   since (`validUntil`). An article whose data changes loses its decision.
 * - The compiled rules and the fingerprint are made on first use: a cycle of
 *   304s with no curation due compiles nothing.
 */
import { fingerprint, type Config } from '../config/index.js';
import { decideFeeds, decisionsValidUntil, feedRulesFor, keptFeeds, type FeedDecision, type FeedRules } from '../curate/index.js';
import type { Article } from '../model/index.js';
import type { StoredDecision } from '../store/index.js';

/** The compiled feed rules and the fingerprint the decisions made with them are stored under: one value for a cycle or a pass. */
export interface DecisionRules {
  readonly feeds: readonly FeedRules[];
  readonly fingerprint: string;
}

export function decisionRules(config: Config): DecisionRules {
  let feeds: readonly FeedRules[] | undefined;
  let print: string | undefined;
  return {
    get feeds() {
      return (feeds ??= feedRulesFor(config));
    },
    get fingerprint() {
      return (print ??= fingerprint(config, 'decisions'));
    },
  };
}

/** Whether a stored decision still stands at `now` (ms): the same rules, not decided in the future, no maxAgeDays limit passed. */
export function stillValid(decision: StoredDecision | undefined, rules: string, now: number): decision is StoredDecision {
  return decision !== undefined && decision.rules === rules && decision.decidedAt <= now && (decision.validUntil === undefined || now < decision.validUntil);
}

export interface ArticleDecision {
  /** Each feed's decision, with scores, matched terms and the reason (explain prints them). */
  decisions: FeedDecision[];
  /** The feeds that keep it, with their categories. */
  kept: Map<string, string[]>;
  /** As the store keeps it: valid until its first maxAgeDays limit ahead. */
  stored: StoredDecision;
}

/** Decide an article against every feed's rules at `now`. */
export function decideArticle(article: Article, rules: DecisionRules, now: Date): ArticleDecision {
  const decisions = decideFeeds(article, rules.feeds, now);
  const kept = keptFeeds(decisions);
  const validUntil = decisionsValidUntil(article, rules.feeds, now);
  const stored: StoredDecision = { rules: rules.fingerprint, decidedAt: now.getTime(), ...(validUntil !== undefined ? { validUntil } : {}), kept: [...kept] };
  return { decisions, kept, stored };
}
