/**
 * Plain-text lede for feed readers.
 *
 * Rules:
 * - Readers show a few lines at most, so the lede is capped (300 chars by default).
 * - Never cut inside a word: a half word reads as a typo.
 * - A cut at a sentence end reads best, so it wins when it keeps at least 60% of
 *   the allowed length; it needs no ellipsis because the text ends cleanly.
 *   Sentence ends are the segmenter's (sentences.ts): "on Nov. 4" or "Mr. Lee"
 *   is never a place to cut.
 * - Any other cut is marked with "…", so the result is at most max + 1 chars.
 */
import { collapseWhitespace } from './html.js';
import { sentenceEnds } from './sentences.js';

const ELLIPSIS = '…';
/** How far past the cut the segmenter reads, so it sees the word after a period ("Mr. Lee", "Inc. The"). */
const LOOKAHEAD = 60;

/** Index just past the last sentence end in `text` within [min, max] that whitespace follows, or -1. */
function lastSentenceEnd(text: string, min: number, max: number): number {
  let end = -1;
  for (const after of sentenceEnds(text.slice(0, max + LOOKAHEAD))) {
    if (after >= min && after <= max && /\s/.test(text.charAt(after))) end = after;
  }
  return end;
}

/** Index of the last word boundary at or before `max`, or -1 when the first word is longer. */
function lastWordBoundary(text: string, max: number): number {
  if (/\s/.test(text.charAt(max))) return max;
  return text.slice(0, max).search(/\s\S*$/);
}

export function toSummary(text: string, max = 300): string {
  const clean = collapseWhitespace(text);
  if (clean.length <= max) return clean;
  const sentenceEnd = lastSentenceEnd(clean, Math.ceil(max * 0.6), max);
  if (sentenceEnd > 0) return clean.slice(0, sentenceEnd);
  const boundary = lastWordBoundary(clean, max);
  const head = boundary > 0 ? clean.slice(0, boundary) : clean.slice(0, max);
  return head.replace(/[\s,;:–—-]+$/, '') + ELLIPSIS;
}
