/**
 * Clean bodies and summaries (issue 20 item 3): what toArticle asks of
 * boilerplate.ts and excerpt.ts, in one place.
 *
 * Rules:
 * - A body loses its boilerplate blocks and elements (boilerplate.ts), then a
 *   cut excerpt that opens it when the full content follows (excerpt.ts).
 * - The source's own summary is read without its boilerplate. When what is
 *   left is a cut excerpt of the body, the summary is the body's lede (the
 *   excerpt said nothing more); else it is the source's text, its cut marker
 *   written "…".
 * - A lede that ends in a source's cut marker ends in "…" (`ledeOf`).
 * - Pure: functions of their input; a DOM passed in is changed in place.
 */
import type { Document } from 'domhandler';
import { removeBoilerplate, withoutBoilerplateBlocks } from './boilerplate.js';
import { dropRepeatedExcerpt, isExcerptOf, mayHoldCutMarker, openingOf, withCutMarkedByEllipsis, withoutRepeatedExcerpt } from './excerpt.js';
import { documentBlocks, htmlToBlocks, looksLikeHtml, parseHtml, renderedBlocks, renderHtml } from './html.js';
import { toSummary } from './summary.js';

/** Removes boilerplate and a repeated excerpt from a parsed body (`markup`: what it was parsed from); true when anything went. */
export function cleanBodyDocument(doc: Document, markup: string): boolean {
  const boilerplate = removeBoilerplate(doc);
  return (mayHoldCutMarker(markup) && dropRepeatedExcerpt(doc)) || boilerplate;
}

/** A plain-text body's blocks without boilerplate and a repeated excerpt. */
export function cleanBodyBlocks(blocks: readonly string[]): string[] {
  return withoutRepeatedExcerpt(withoutBoilerplateBlocks(blocks));
}

/** The text of summary markup without its boilerplate. */
function summaryText(html: string): string {
  if (!looksLikeHtml(html)) return withoutBoilerplateBlocks(htmlToBlocks(html)).join(' ');
  const parsed = parseHtml(html);
  const { doc } = parsed;
  return (removeBoilerplate(doc) ? renderedBlocks(doc, renderHtml(doc)) : documentBlocks(parsed, html)).join(' ');
}

/**
 * The source's summary as the entry's summary (`html`: the summary markup,
 * `paragraphs`: the cleaned body); '' when it is boilerplate only or a cut
 * excerpt of the body (then the body's lede is the summary).
 */
export function sourceSummary(html: string, paragraphs: readonly string[], max?: number): string {
  const text = summaryText(html);
  if (!text || isExcerptOf(text, (length) => openingOf(paragraphs, length))) return '';
  return ledeOf(text, max);
}

/** A lede of at most `max` characters (toSummary), a source's cut marker written "…". */
export function ledeOf(text: string, max?: number): string {
  return withCutMarkedByEllipsis(toSummary(text, max));
}
