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

/** A sentence ends at . ! or ? followed by space and a capital, quote or digit; "U.S." and "$1.9" stay whole. */
const SENTENCE_BREAK = /(?<=(?<!\b[A-Z])[.!?]["'”’)]?)\s+(?=["“'‘(]?[A-Z0-9])/;
const WHY_CUES = /\b(?:means?|meaning|shows?|showing|because|the importance|important|why|matters?)\b/i;
const WHO_CUES = /\b(?:said|says|told|according to|chief executive|CEO|founder|president|spokes(?:person|man|woman)|partnered|partnership|signed|led by|backed by|investors?)\b/i;
const MIN_SENTENCE = 25;
const MAX_ANSWER = 400;

export function splitSentences(paragraphs: readonly string[]): string[] {
  return paragraphs
    .flatMap((p) => p.split(SENTENCE_BREAK))
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
  add('Who is involved?', unused().filter(namesWhoIsInvolved).slice(0, 1));
  add('What are the numbers?', unused().filter(hasFigure).slice(0, 2));
  add('Why does it matter?', unused().filter((s) => WHY_CUES.test(s)).slice(0, 1));
  return faqs;
}
