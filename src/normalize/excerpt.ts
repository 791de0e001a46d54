/**
 * Excerpts: the opening of an article that a source cut and marked ("[…]",
 * "[...]", "…"), as WordPress writes its descriptions.
 *
 * Rules:
 * - A text is cut by its source when it ends in a cut marker: "[…]", "[...]",
 *   "(…)", "…" or "...". The summary of such a text ends in "…", one marker
 *   for every source (`withCutMarkedByEllipsis`).
 * - An excerpt is the opening of a text when its words without the marker
 *   (whitespace collapsed) are how that text begins, and there are at least
 *   EXCERPT_MIN characters of them: "A…" opens too many texts to mean anything.
 * - A body that opens with such an excerpt and then gives the full content
 *   (some feeds put the description before content:encoded) loses the excerpt
 *   block (`dropRepeatedExcerpt`): the lede would be read twice. A summary that
 *   is such an excerpt of the body is the body's lede (toArticle).
 */
import { DomUtils } from 'htmlparser2';
import { isTag, type AnyNode, type Document, type Element, type ParentNode } from 'domhandler';
import { BLOCK_TAGS, collapseWhitespace, readableText } from './html.js';

const CUT_MARKER = /\s*(?:\[\s*(?:…|\.{3})\s*\]|\(\s*(?:…|\.{3})\s*\)|…|\.{3})$/;
/** Fewer characters before the marker are no evidence that two texts are the same. */
const EXCERPT_MIN = 20;
/** An excerpt block longer than this is not looked at (WordPress's are 55 words). */
const EXCERPT_MAX = 2000;

export function endsCut(text: string): boolean {
  return CUT_MARKER.test(text.trimEnd());
}

/** The text without its cut marker, whitespace collapsed. */
export function withoutCutMarker(text: string): string {
  return collapseWhitespace(text).replace(CUT_MARKER, '');
}

/** A text cut by its source ends in "…", whatever marker the source used. */
export function withCutMarkedByEllipsis(text: string): string {
  return endsCut(text) ? `${withoutCutMarker(text)}…` : text;
}

/** Whether `excerpt` is a cut opening of the text `opening(n)` gives (its first n characters or more). */
export function isExcerptOf(excerpt: string, opening: (length: number) => string): boolean {
  if (!endsCut(excerpt)) return false;
  const head = withoutCutMarker(excerpt);
  if (head.length < EXCERPT_MIN) return false;
  const text = collapseWhitespace(opening(head.length));
  return text.length > head.length && text.startsWith(head);
}

/** The first `length` characters (or a few more) of `texts` joined with spaces, joining only as far as needed. */
export function openingOf(texts: readonly string[], length: number): string {
  let out = '';
  for (let i = 0; i < texts.length && out.length <= length; i++) out = i ? `${out} ${texts[i]}` : texts[i]!;
  return out;
}

function isBlockElement(node: AnyNode): node is Element {
  return isTag(node) && BLOCK_TAGS.has(node.name);
}

/** Whether nodes hold any text a reader sees (the walk stops at the first). */
function hasText(nodes: readonly AnyNode[]): boolean {
  return readableText(nodes, 0).text !== '';
}

/** The first block with text under `parent`: a block element, or a run of inline nodes between blocks. */
function firstTextBlock(parent: ParentNode): AnyNode[] | undefined {
  let run: AnyNode[] = [];
  for (const child of parent.children) {
    if (isBlockElement(child)) {
      if (run.length && hasText(run)) return run;
      run = [];
      if (hasText([child])) return [child];
    } else run.push(child);
  }
  return run.length && hasText(run) ? run : undefined;
}

/** The text after `node` in document order, up to about `length` characters (read no further). */
function textAfter(node: AnyNode, length: number): string {
  let text = '';
  for (let at: AnyNode | null = node; at && text.length <= length; at = at.parent) {
    for (let next = at.next; next && text.length <= length; next = next.next) text += ` ${readableText([next], length - text.length).text}`;
  }
  return text;
}

/**
 * Drops a cut excerpt that opens the body when the body's text after it begins
 * with the same words: the full content follows. Looks at the first block with
 * text, descending into containers (`<div class="entry">`). True when dropped.
 */
export function dropRepeatedExcerpt(doc: Document): boolean {
  let parent: ParentNode = doc;
  for (let depth = 0; depth < 16; depth++) {
    const block = firstTextBlock(parent);
    if (!block) return false;
    const { text, complete } = readableText(block, EXCERPT_MAX);
    if (complete && isExcerptOf(text, (n) => textAfter(block[block.length - 1]!, n))) {
      for (const node of block) DomUtils.removeElement(node as Element);
      return true;
    }
    const only = block.length === 1 ? block[0] : undefined;
    if (!only || !isBlockElement(only)) return false;
    parent = only;
  }
  return false;
}

/** Plain-text blocks without a cut excerpt that the following blocks repeat in full. */
export function withoutRepeatedExcerpt(blocks: readonly string[]): string[] {
  const [first, ...rest] = blocks;
  return first !== undefined && rest.length && isExcerptOf(first, (n) => openingOf(rest, n)) ? rest : [...blocks];
}

/** Whether markup may hold a cut marker at all (checked before the DOM is walked for one). */
export function mayHoldCutMarker(markup: string): boolean {
  return /…|\.\.\.|&hellip;|&#8230;|&#x2026;/i.test(markup);
}
