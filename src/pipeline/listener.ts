/** What a cycle tells a dry run or `explain` about each item it curates. */
import type { FeedDecision } from '../curate/index.js';
import type { Article } from '../model/index.js';

/**
 * Called with every article a cycle curates and each feed's decision about it, or why it was skipped as a
 * duplicate, or which source's report of the same URL it replaced (dry-run and explain print them).
 */
export type DecisionListener = (article: Article, decisions: FeedDecision[], skipped?: string, replaced?: string) => void;
