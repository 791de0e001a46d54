/**
 * Split a trailing FAQ section off an article body.
 *
 * Rules:
 * - The plain forms are recognised here: a heading block ("FAQ", "FAQs",
 *   "Frequently asked questions", optional colon) then `Q:`/`A:` (or
 *   `Question:`/`Answer:`) pairs, or question lines (numbered or not, ending in
 *   "?") each followed by answer blocks. Markup forms (headings, dl, details,
 *   JSON-LD) are read from the DOM first, in faqHtml.ts.
 * - Markers are found inside blocks too, because flattening HTML can put a whole
 *   pair (or several) into one block.
 * - While reading a question only an answer marker ends it, and while reading an
 *   answer only a question marker ends it, so "plan A: ..." inside an answer stays
 *   text. An answer runs across blocks until the next question.
 * - All or nothing: if the section does not parse into complete pairs, the blocks
 *   are returned unchanged. Nothing is lost, and once split, no FAQ text is left
 *   in the paragraphs.
 */
import type { Faq } from '../model/index.js';

const HEADING = /^(?:faqs?|frequently asked questions)\s*:?(?:\s+([\s\S]*))?$/i;
/** Q/A markers; the single letters are case-sensitive so a stray "a:" is not a marker. */
const QUESTION = String.raw`Q|[Qq]uestion|QUESTION`;
const ANSWER = String.raw`A|[Aa]nswer|ANSWER`;
const MARKER = new RegExp(String.raw`(?<=^|\s)(?:(${QUESTION})|(${ANSWER}))\s*:`, 'g');
const STARTS_WITH_QUESTION = new RegExp(String.raw`^(?:${QUESTION})\s*:`);

type Kind = 'question' | 'answer';
interface Part {
  kind: Kind;
  text: string[];
}

/** What follows the heading inside the heading block, if the block is an FAQ heading. */
function headingRest(block: string): string | undefined {
  const match = HEADING.exec(block);
  if (!match) return undefined;
  const rest = match[1] ?? '';
  if (rest && !STARTS_WITH_QUESTION.test(rest)) return undefined;
  return rest;
}

/** Reads Q/A parts out of the blocks; undefined when text appears before the first question. */
function readParts(blocks: string[]): Part[] | undefined {
  const parts: Part[] = [];
  let current: Part | undefined;
  const addText = (text: string): boolean => {
    const trimmed = text.trim();
    if (!trimmed) return true;
    if (!current) return false;
    current.text.push(trimmed);
    return true;
  };

  for (const block of blocks) {
    let pos = 0;
    for (const match of block.matchAll(MARKER)) {
      const kind: Kind = match[1] !== undefined ? 'question' : 'answer';
      const wanted: Kind = current?.kind === 'question' ? 'answer' : 'question';
      if (kind !== wanted) continue;
      if (!addText(block.slice(pos, match.index))) return undefined;
      current = { kind, text: [] };
      parts.push(current);
      pos = match.index + match[0].length;
    }
    if (!addText(block.slice(pos))) return undefined;
  }
  return parts;
}

/** Pairs alternating parts; undefined unless every question has a non-empty answer. */
function toPairs(parts: Part[]): Faq[] | undefined {
  if (parts.length === 0 || parts.length % 2 !== 0) return undefined;
  const faqs: Faq[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const question = parts[i]?.text.join(' ') ?? '';
    const answer = parts[i + 1]?.text.join(' ') ?? '';
    if (!question || !answer) return undefined;
    faqs.push({ question, answer });
  }
  return faqs;
}

function lastHeadingIndex(blocks: string[]): number {
  for (let i = blocks.length - 1; i >= 0; i--) {
    if (headingRest(blocks[i] ?? '') !== undefined) return i;
  }
  return -1;
}

const QUESTION_LINE = /^(?:\d{1,2}[.)]\s+)?(.{3,200}\?)$/;

/** "1. How big is it?" then answer blocks, repeated; undefined unless every question has an answer. */
function questionLinePairs(section: string[]): Faq[] | undefined {
  const faqs: Faq[] = [];
  for (const block of section) {
    const question = QUESTION_LINE.exec(block)?.[1];
    const last = faqs[faqs.length - 1];
    if (question) faqs.push({ question, answer: '' });
    else if (last) last.answer = last.answer ? `${last.answer} ${block}` : block;
    else return undefined;
  }
  return faqs.length && faqs.every((f) => f.answer) ? faqs : undefined;
}

/** True when a block opens an FAQ section (the heading, possibly with the first pair in the same block). */
export function opensFaqSection(block: string): boolean {
  return headingRest(block) !== undefined;
}

export function splitFaq(blocks: string[]): { paragraphs: string[]; faqs: Faq[] } {
  const unchanged = { paragraphs: [...blocks], faqs: [] };
  const at = lastHeadingIndex(blocks);
  if (at < 0) return unchanged;
  const rest = headingRest(blocks[at] ?? '');
  const section = [...(rest ? [rest] : []), ...blocks.slice(at + 1)];
  const parts = readParts(section);
  const faqs = (parts && toPairs(parts)) ?? questionLinePairs(section);
  if (!faqs) return unchanged;
  return { paragraphs: blocks.slice(0, at), faqs };
}
