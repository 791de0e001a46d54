/**
 * A story lead's key figures ranked across outlets: what several outlets
 * state is what the story is about.
 *
 * Rules:
 * - Only the lead's own figures are ranked (at most MAX_KEY_FIGURES, as
 *   normalize chose them by position and repetition in the article); the
 *   other reports' figures only vote.
 * - A figure stated by more other outlets ranks higher; among equals the
 *   lead's own order (title, lede, body, repetition) stands. A figure counts
 *   once per outlet, however often that report states it.
 * - Figures are the same when they say the same thing: kind, value, range,
 *   rate unit, and for money its currency ("$2 billion" = "$2,000 million";
 *   "40,000 GPUs" = "40,000 H100 GPUs"). Pure.
 */
import type { Figure } from '../model/index.js';
import { MAX_KEY_FIGURES } from '../normalize/index.js';

/** What makes two figures the same statement, however written. */
export function sameFigureKey(f: Figure): string {
  return `${f.kind}|${f.kind === 'money' ? f.unit : ''}|${f.value}|${f.max ?? ''}|${f.per ?? ''}`;
}

/** The lead's figures, those repeated by more of the other reports first (see the rules). */
export function storyFigures(lead: readonly Figure[], others: readonly (readonly Figure[])[]): Figure[] {
  if (!others.length) return lead.slice(0, MAX_KEY_FIGURES);
  const outlets = new Map<string, number>();
  for (const figures of others) for (const key of new Set(figures.map(sameFigureKey))) outlets.set(key, (outlets.get(key) ?? 0) + 1);
  return lead
    .map((figure, order) => ({ figure, order, votes: outlets.get(sameFigureKey(figure)) ?? 0 }))
    .sort((a, b) => b.votes - a.votes || a.order - b.order)
    .slice(0, MAX_KEY_FIGURES)
    .map((r) => r.figure);
}
