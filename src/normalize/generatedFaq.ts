/**
 * An FAQ built from an article that has none, out of its own sentences.
 *
 * Rules:
 * - Every answer is one or two sentences copied from the article, never
 *   invented or reworded text; a question without a good answer is skipped.
 * - Each sentence answers at most one question, so no answer repeats another.
 * - Every pair is marked `generated: true`, so readers and programs can tell
 *   it from a publisher's FAQ.
 */
import type { Faq } from '../model/index.js';
import { hasFigure } from './figures.js';

/**
 * A sentence ends at . ! or ? (and a closing quote or bracket) followed by
 * space and a capital, quote or digit; "U.S." and "$1.9" stay whole: the
 * mark must not follow a lone capital letter. That is splitting on
 * `/(?<=(?<!\b[A-Z])[.!?]["'”’)]?)\s+(?=["“'‘(]?[A-Z0-9])/`, done as a scan for
 * the mark (the leading lookbehind made the engine try every position).
 */
const SENTENCE_END = /[.!?]["'”’)]?(\s+)(?=["“'‘(]?[A-Z0-9])/g;

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function sentencesOf(paragraph: string): string[] {
  const out: string[] = [];
  let from = 0;
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(paragraph); m; m = SENTENCE_END.exec(paragraph)) {
    const at = m.index;
    const before = at > 0 ? paragraph.charCodeAt(at - 1) : -1;
    // A lone capital ("U.S.", "A. Smith") at a word start: an abbreviation, not an end.
    if (before >= 65 && before <= 90 && (at < 2 || !isWordChar(paragraph.charCodeAt(at - 2)))) {
      SENTENCE_END.lastIndex = at + 1;
      continue;
    }
    const end = at + m[0].length;
    out.push(paragraph.slice(from, end - m[1]!.length));
    from = end;
  }
  out.push(paragraph.slice(from));
  return out;
}
const WHY_CUES = /\b(?:means?|meaning|shows?|showing|because|the importance|important|why|matters?)\b/i;
const WHO_CUES = /\b(?:said|says|told|according to|chief executive|CEO|founder|president|spokes(?:person|man|woman)|partnered|partnership|signed|led by|backed by|investors?)\b/i;
const MIN_SENTENCE = 25;
const MAX_ANSWER = 400;

export function splitSentences(paragraphs: readonly string[]): string[] {
  return paragraphs
    .flatMap(sentencesOf)
    .map((s) => s.trim())
    .filter((s) => s.length >= MIN_SENTENCE && /[.!?]["'”’)]?$/.test(s));
}

/** A name of two or more capitalized words ("Maria Lopez", "Nordhavn Research") after the sentence's first word. */
const NAME_WORD = String.raw`(?:[A-Z][\p{Ll}'’-]+|[A-Z]{2,})(?![\p{L}\d])`;
const MULTIWORD_NAME = new RegExp(String.raw`\s${NAME_WORD}(?:\s${NAME_WORD})+`, 'u');

/** A sentence that names a person or organization in a role: a cue ("said", "chief executive") and a full name. */
function namesWhoIsInvolved(sentence: string): boolean {
  return WHO_CUES.test(sentence) && MULTIWORD_NAME.test(sentence);
}

/** The lede, with the next sentence when the first is too short to stand alone. */
function whatHappened(sentences: string[]): string[] {
  const [first, second] = sentences;
  if (!first) return [];
  return first.length < 80 && second && first.length + second.length < MAX_ANSWER ? [first, second] : [first];
}

/** The first `n` items that pass `test`, testing no more than needed (`filter(test).slice(0, n)`). */
function firstPassing<T>(items: readonly T[], n: number, test: (item: T) => boolean): T[] {
  const out: T[] = [];
  for (const item of items) {
    if (out.length >= n) break;
    if (test(item)) out.push(item);
  }
  return out;
}

export function generateFaqs(paragraphs: readonly string[]): Faq[] {
  const sentences = splitSentences(paragraphs);
  const used = new Set<string>();
  const faqs: Faq[] = [];
  const add = (question: string, answer: string[]) => {
    const fresh = answer.filter((s) => !used.has(s));
    if (!fresh.length) return;
    fresh.forEach((s) => used.add(s));
    faqs.push({ question, answer: fresh.join(' '), generated: true });
  };
  add('What happened?', whatHappened(sentences));
  const unused = () => sentences.filter((s) => !used.has(s));
  add('Who is involved?', firstPassing(unused(), 1, namesWhoIsInvolved));
  add('What are the numbers?', firstPassing(unused(), 2, hasFigure));
  add('Why does it matter?', firstPassing(unused(), 1, (s) => WHY_CUES.test(s)));
  return faqs;
}
