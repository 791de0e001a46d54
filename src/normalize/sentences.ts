/**
 * Sentences of English news copy: ICU's sentence segmenter (`Intl.Segmenter`,
 * Unicode UAX #29) with the abbreviations it cannot know re-joined.
 *
 * Rules:
 * - ICU already keeps decimals ("$1.5 billion", "3.5x"), a period followed by a
 *   lower-case word ("the U.S. site"), closing quotes and brackets with their
 *   sentence, and splits after an ellipsis that a capital follows.
 * - ICU cuts after every "word. Capital"; a cut is undone when the word before
 *   it is an abbreviation that cannot end a sentence here:
 *   - a title or a Latin/reference short form ("Mr.", "Dr.", "e.g.", "vs.",
 *     "Fig.") always joins the next word;
 *   - a month or a numbering word ("Nov.", "No.", "Vol.") joins a number;
 *   - initials and dotted short forms ("J. P. Morgan", "U.S.", "a.m.") and
 *     company or name suffixes ("Inc.", "Corp.", "Jr.") join the next word unless
 *     that word usually opens a sentence ("The", "It", "Shares"…) or the letter
 *     names a series ("Series A.", "Phase B.").
 * - "?" or "!" followed by a lower-case word ("'Why now?' asked Lee.") is one
 *   sentence.
 * - Sentences are trimmed; their text is the input's, never rewritten.
 */

/** Titles and short forms never written at a sentence end. */
const ALWAYS_JOIN = new Set([
  'mr', 'mrs', 'ms', 'messrs', 'dr', 'prof', 'sen', 'rep', 'gov', 'gen', 'lt', 'col', 'capt', 'sgt', 'adm', 'cmdr', 'hon', 'rev', 'pres', 'supt',
  'mt', 'ft', 'vs', 'v', 'e.g', 'i.e', 'cf', 'approx', 'fig', 'figs', 'eq', 'ref', 'dept', 'univ', 'assn', 'est',
]);
/** Short forms that join only a number after them ("Nov. 4", "No. 3", "Vol. 2"). */
const JOIN_BEFORE_NUMBER = new Set([
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'no', 'nos', 'vol', 'p', 'pp', 'sec', 'art', 'ch', 'ex', 'para', 'ca',
]);
/** Suffixes that may end a sentence or sit inside one ("Acme Inc. Chief Executive…"). */
const SUFFIXES = new Set(['inc', 'corp', 'co', 'cos', 'ltd', 'llc', 'plc', 'bros', 'jr', 'sr', 'st', 'ave', 'blvd', 'rd', 'intl', 'mfg', 'govt']);
/** A capital letter after one of these is a name, not an initial ("Series A."). */
const SERIES_WORDS = new Set(['series', 'class', 'plan', 'phase', 'tier', 'type', 'stage', 'round', 'grade', 'model', 'level', 'unit', 'building', 'block', 'hall', 'section', 'schedule', 'appendix', 'exhibit', 'annex', 'option', 'group', 'vitamin', 'part', 'item', 'zone', 'lot', 'site']);
/** Words that usually open a sentence: after "U.S." or "Inc." they start a new one. */
const SENTENCE_OPENERS = new Set(
  `the a an it its this that these those there here he she they we i you his her their our my your
   in on at by for from with without after before during while when whenever where if as since until unless although though because so
   but and or nor yet also still however meanwhile moreover instead then now today yesterday tomorrow earlier later last next
   some many most several few both each every all any no none one two three four five six seven eight nine ten
   shares analysts officials executives investors customers the company companies others critics
   what who why how which according under over about against among between into through`
    .split(/\s+/)
    .filter(Boolean),
);

/** Initials and dotted short forms without their last period: "J", "U.S", "a.m". */
const DOTTED = /^[A-Za-z](?:\.[A-Za-z])*$/;
/** Characters at a segment's end (and the next one's start) that hold the words the join depends on. */
const TAIL = 80;

let segmenter: Intl.Segmenter | undefined;

/** ICU's segments of `text`, untrimmed (their concatenation is `text`). */
function icuSegments(text: string): string[] {
  segmenter ??= new Intl.Segmenter('en', { granularity: 'sentence' });
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/**
 * The last word of a segment that ends in one period, without that period or
 * opening quotes and brackets ("(Nov." → "Nov"), with the word before it;
 * undefined for any other end ("...", "…", "?").
 */
function abbreviationAtEnd(segment: string): { word: string; before: string } | undefined {
  const match = /(?:(\S+)\s+)?(\S+)\s*$/.exec(segment);
  const token = (match?.[2] ?? '').replace(/^["“'‘(\[]+/, '');
  if (!token.endsWith('.') || token.endsWith('..')) return undefined;
  return { word: token.slice(0, -1), before: match?.[1] ?? '' };
}

/** The next segment's first word, without opening quotes or brackets; '' when it opens with one (a quote opens a sentence). */
function firstWord(segment: string): string {
  const match = /^\s*([^\s]+)/.exec(segment);
  const word = match?.[1] ?? '';
  return /^["“'‘(\[]/.test(word) ? '' : word.replace(/[,;:.!?"”’)\]]+$/, '');
}

/** True when `next` opens with a word that usually starts a sentence. */
function opensSentence(next: string): boolean {
  return next === '' || SENTENCE_OPENERS.has(next.toLowerCase());
}

/** Whether ICU's cut between `segment` and `next` falls after an abbreviation and must be undone. */
function continuesAfter(current: string, next: string): boolean {
  const nextWord = firstWord(next.slice(0, TAIL));
  // Only the segment's end decides: reading its last characters keeps a long segment from costing its length.
  const segment = current.slice(-TAIL);
  if (/[?!]["”’)]*\s*$/.test(segment)) return /^\p{Ll}/u.test(nextWord);
  const end = abbreviationAtEnd(segment);
  if (!end || !nextWord) return false;
  const key = end.word.toLowerCase();
  const startsWithNumber = /^\d/.test(nextWord);
  if (ALWAYS_JOIN.has(key)) return true;
  if (JOIN_BEFORE_NUMBER.has(key) && startsWithNumber) return true;
  if (SUFFIXES.has(key)) return !opensSentence(nextWord);
  if (DOTTED.test(end.word) && /^[A-Z]/.test(end.word)) {
    const single = end.word.length === 1;
    if (single && SERIES_WORDS.has(end.before.toLowerCase())) return false;
    return !opensSentence(nextWord);
  }
  return DOTTED.test(end.word) && end.word.includes('.') && !opensSentence(nextWord); // "a.m.", "p.m."
}

/** The sentences of one paragraph, trimmed, in order; none empty. */
export function segmentSentences(paragraph: string): string[] {
  const segments = icuSegments(paragraph);
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < segments.length; i++) {
    current += segments[i];
    const next = segments[i + 1];
    if (next !== undefined && continuesAfter(current, next)) continue;
    const sentence = current.trim();
    if (sentence) out.push(sentence);
    current = '';
  }
  return out;
}

/** Offsets in `text` just past each sentence's last character (trailing space excluded). */
export function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  let at = 0;
  for (const sentence of segmentSentences(text)) {
    const start = text.indexOf(sentence, at);
    at = start + sentence.length;
    ends.push(at);
  }
  return ends;
}

const MIN_SENTENCE = 25;
const ENDS_AS_SENTENCE = /[.!?]["'”’)]*$/;

/** The paragraphs' whole sentences long enough to answer a question (25+ chars, ending in . ! or ?). */
export function splitSentences(paragraphs: readonly string[]): string[] {
  return paragraphs.flatMap(segmentSentences).filter((s) => s.length >= MIN_SENTENCE && ENDS_AS_SENTENCE.test(s));
}
