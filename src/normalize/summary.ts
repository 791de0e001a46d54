/**
 * Plain-text lede for feed readers.
 *
 * Rules:
 * - Readers show a few lines at most, so the lede is capped (300 chars by default).
 * - Never cut inside a word: a half word reads as a typo.
 * - A cut at a sentence end reads best, so it wins when it keeps at least 60% of
 *   the allowed length; it needs no ellipsis because the text ends cleanly.
 * - Any other cut is marked with "…", so the result is at most max + 1 chars.
 */
import { collapseWhitespace } from './html.js';

const SENTENCE_END = /[.!?]["'”’)]?(?=\s)/g;
const ELLIPSIS = '…';

/** Index just past the last sentence end in `head` that is at or after `min`, or -1. */
function lastSentenceEnd(head: string, min: number): number {
  let end = -1;
  for (const match of head.matchAll(SENTENCE_END)) {
    const after = match.index + match[0].length;
    if (after >= min) end = after;
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
  // Include the char at `max` so a sentence ending exactly at `max` is seen.
  const sentenceEnd = lastSentenceEnd(clean.slice(0, max + 1), Math.ceil(max * 0.6));
  if (sentenceEnd > 0 && sentenceEnd <= max) return clean.slice(0, sentenceEnd);
  const boundary = lastWordBoundary(clean, max);
  const head = boundary > 0 ? clean.slice(0, boundary) : clean.slice(0, max);
  return head.replace(/[\s,;:–—-]+$/, '') + ELLIPSIS;
}
