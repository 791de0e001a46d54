/**
 * Explaining decisions to people (`run --dry-run`, `explain URL`).
 *
 * Rules: one block per article; per feed one line "kept"/"dropped" with the
 * score and the reason, then one line per matched (or excluding) term naming
 * each field it matched in and the text it matched. Nothing is hidden: a
 * dropped story shows what it did match.
 */
import type { Article } from '../model/index.js';
import type { FeedDecision } from './feeds.js';
import type { TermMatch } from './rules.js';

function termLine(prefix: string, m: TermMatch): string {
  const where = m.hits.map((h) => `${h.field} "${h.text}"`).join(', ');
  return `      ${prefix}${m.term} (weight ${m.weight}, score ${m.score}): ${where}`;
}

export function formatDecisions(article: Pick<Article, 'title' | 'url' | 'published' | 'source'>, decisions: readonly FeedDecision[]): string {
  const lines = [`${article.title}`, `  ${article.url}  (${article.source.name}, published ${article.published})`];
  for (const { feed, decision } of decisions) {
    lines.push(`  ${decision.kept ? 'KEPT   ' : 'DROPPED'} ${feed}: score ${decision.score}; ${decision.reason}`);
    for (const m of decision.matches) lines.push(termLine('', m));
    for (const m of decision.excludedBy) lines.push(termLine('exclude ', m));
  }
  return lines.join('\n');
}
