/**
 * Explaining decisions to people (`run --dry-run`, `explain URL`).
 *
 * Rules: one block per article; per feed one line "kept"/"dropped" with the
 * score and the reason, then one line per matched (or excluding) term naming
 * each field it matched in and the text it matched. Nothing is hidden: a
 * dropped story shows what it did match. An article with media shows them in
 * one MEDIA line under its link (the entry image and where it came from, each enclosure).
 */
import type { Article } from '../model/index.js';
import type { FeedDecision } from './feeds.js';
import type { TermMatch } from './rules.js';

function termLine(prefix: string, m: TermMatch): string {
  const where = m.hits.map((h) => `${h.field} "${h.text}"`).join(', ');
  return `      ${prefix}${m.term} (weight ${m.weight}, score ${m.score}): ${where}`;
}

/** The article's media in one line: the entry image and where it came from, then each enclosure's type and size; none when it has no media. */
export function mediaLine(article: Pick<Article, 'image' | 'enclosures'>): string[] {
  const parts: string[] = [];
  if (article.image) parts.push(`image ${article.image.url} (from the ${article.image.from === 'feed' ? "feed's media" : article.image.from})`);
  for (const e of article.enclosures ?? []) parts.push(`enclosure ${e.url} (${[e.type ?? 'type unknown', e.length ? `${e.length} bytes` : '', e.durationSeconds ? `${e.durationSeconds} s` : ''].filter(Boolean).join(', ')})`);
  return parts.length ? [`  MEDIA   ${parts.join('; ')}`] : [];
}

export function formatDecisions(article: Pick<Article, 'title' | 'url' | 'published' | 'source' | 'image' | 'enclosures'>, decisions: readonly FeedDecision[]): string {
  const lines = [`${article.title}`, `  ${article.url}  (${article.source.name}, published ${article.published})`, ...mediaLine(article)];
  for (const { feed, decision } of decisions) {
    lines.push(`  ${decision.kept ? 'KEPT   ' : 'DROPPED'} ${feed}: score ${decision.score}; ${decision.reason}`);
    for (const m of decision.matches) lines.push(termLine('', m));
    for (const m of decision.excludedBy) lines.push(termLine('exclude ', m));
  }
  return lines.join('\n');
}
