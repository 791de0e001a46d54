/**
 * An FAQ built from an article that has none, out of its own sentences: only
 * questions whose answer tells the reader something the summary does not.
 *
 * Rules:
 * - Every answer is whole sentences copied from the article (sentences.ts),
 *   never invented or reworded text; each sentence answers at most one question.
 * - An answer must add to the summary: a sentence the summary already holds,
 *   or whose words are mostly the summary's, is no answer ("What happened?"
 *   repeating the lede is left out).
 * - A question is asked only when a sentence really answers it:
 *   - "Who is involved?": a person or organisation (read by compromise,
 *     entities.ts) the summary does not name, with a role ("chief executive",
 *     "analyst") or an organisation's act ("signed", "supplies"); names inside
 *     a quote do not count, so a quote alone is no answer;
 *   - "What are the numbers?": the sentences stating the article's key figures
 *     (figures.ts) that the summary does not state;
 *   - "Why does it matter?": a cause or consequence ("because", "as a result",
 *     "which means", "will allow", "to meet demand");
 *   - "What happens next?": a future statement ("will", "plans to", "is
 *     scheduled to", "next year", a year after the article's own).
 * - No question answered, no FAQ: an empty list.
 * - English only: the questions, the sentence rules and the entity reader are
 *   English, so an article in another stated language (`language`, the feed's
 *   tag) gets no generated FAQ rather than English questions over its text.
 * - Every pair is marked `generated: true`, so readers and programs can tell
 *   it from a publisher's FAQ.
 */
import type { Faq, Figure } from '../model/index.js';
import { primaryLanguage } from '../lib/language.js';
import { loadEntityReader, namedEntities } from './entities.js';
import { segmentSentences, splitSentences } from './sentences.js';

export interface FaqSource {
  /** The article's body paragraphs (plain text). */
  paragraphs: readonly string[];
  /** The article's summary: answers must add to it. */
  summary: string;
  /** The article's key figures (figures.ts). */
  figures: readonly Figure[];
  /** When the article was published (ISO): a later year is a future date. */
  published?: string;
  /** The article's language tag, when the feed stated one. */
  language?: string;
}

const MAX_ANSWER = 500;
/** A sentence whose content words are at least this share of the summary's says nothing new. */
const REPEAT_SHARE = 0.7;
/** Sentences compromise reads at most per article: the costly step (a few ms a sentence on an idle core). */
const MAX_ENTITY_READS = 2;
/** A capitalised word after the sentence's first: without one a sentence names nobody, and compromise is not asked. */
const LATER_CAPITAL = /\s["“‘(]?\p{Lu}/u;

const STOP_WORDS = new Set(
  'the and for with that this from its his her their our was were are has have had will would said says into over than then also but not been being which who whom what when where while after before about more most such'.split(' '),
);
const PERSON_ROLE = /\b(?:chief (?:executive|financial|operating|technology|technical|commercial|investment|revenue|product|information) officer|chief executive|CEO|CFO|CTO|COO|(?:co-)?founder|(?:vice )?president|chair(?:man|woman|person)?|director|head of|spokes(?:person|man|woman)|analyst|minister|secretary|governor|mayor|senator|commissioner|partner|(?:general |managing )?manager|engineer|professor|economist|executive|leader|lead)\b/i;
const ORG_ACT = /\b(?:signed|partnered|agreed|led|backed|invested|acquired|bought|sold|supplies|supplied|will supply|will build|builds|built|operates|owns|leases|leased|financed|arranged|won|awarded|selected|hired|chose|joined|launched|announced|filed|approved)\b/i;
const QUOTED = /["“][^"”]*["”]/g;
const WHY_CUES = /\b(?:because|as a result|which means|that means|this means|meaning that|(?:will|would|could) (?:allow|let|help|enable)|allowing|enabl(?:e|es|ing)|to meet (?:\w+ )?demand|so that|in order to|due to|driven by|thanks to|leading to|resulting in|reduc(?:es|ing) the need)\b/i;
const FUTURE_WILL = /\bwill\b/;
const FUTURE_CUES = /\b(?:plans? to|planning to|expects? to|expected to|(?:is|are) (?:scheduled|set|due|slated|poised|going) to|intends? to|aims? to|next (?:year|month|week|quarter|spring|summer|autumn|fall|winter)|later this (?:year|month|quarter|week)|(?:is|are) to be)\b/i;
const DATED_YEAR = /\b(?:in|by|from|until|through|starting|before|after|early|late|mid-?|(?:January|February|March|April|May|June|July|August|September|October|November|December))\s+(?:(?:early|late|mid-?)\s+)?(20\d\d)\b/g;

function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'’.-]*[\p{L}\p{N}]|\p{N}/gu) ?? []).filter((w) => w.length >= 3 && !STOP_WORDS.has(w));
}

/** What the summary already says: its sentences and its words. */
interface Known {
  text: string;
  sentences: Set<string>;
  words: Set<string>;
}

function knownFrom(summary: string): Known {
  return { text: summary.toLowerCase(), sentences: new Set(segmentSentences(summary)), words: new Set(contentWords(summary)) };
}

/** True when `sentence` says something the summary does not. */
function addsTo(known: Known, sentence: string): boolean {
  if (known.sentences.has(sentence) || known.text.includes(sentence.toLowerCase())) return false;
  const words = contentWords(sentence);
  if (!words.length) return false;
  return words.filter((w) => known.words.has(w)).length / words.length < REPEAT_SHARE;
}

/** A person or organisation outside quotes that the summary does not name, in a role. */
function namesWhoIsInvolved(known: Known, sentence: string, budget: { reads: number }): boolean {
  const unquoted = sentence.replace(QUOTED, ' ');
  const personRole = PERSON_ROLE.test(unquoted);
  if ((!personRole && !ORG_ACT.test(unquoted)) || !LATER_CAPITAL.test(unquoted.trim()) || budget.reads <= 0) return false;
  budget.reads--;
  const { people, organizations } = namedEntities(unquoted);
  const isNew = (name: string) => !known.text.includes(name.toLowerCase());
  return (personRole && people.some(isNew)) || organizations.some(isNew);
}

function statesFuture(sentence: string, publishedYear: number | undefined): boolean {
  if (FUTURE_WILL.test(sentence) || FUTURE_CUES.test(sentence)) return true;
  if (publishedYear === undefined) return false;
  return [...sentence.matchAll(DATED_YEAR)].some((m) => Number(m[1]) > publishedYear);
}

/** The lede, with the next sentence when the first is too short to stand alone. */
function lede(sentences: readonly string[]): string[] {
  const [first, second] = sentences;
  if (!first) return [];
  return first.length < 80 && second && first.length + second.length < MAX_ANSWER ? [first, second] : [first];
}

/** Sentences stating the figures the summary does not, in article order. */
function figureSentences(known: Known, sentences: readonly string[], figures: readonly Figure[]): Set<string> {
  const fresh = figures.filter((f) => !known.text.includes(f.text.toLowerCase()));
  return new Set(sentences.filter((s) => fresh.some((f) => s.includes(f.text))));
}

/**
 * Loads what generating an FAQ needs (compromise, ICU's sentence rules) now
 * rather than inside the first body: a parse worker calls it before it says it
 * is ready, so the load never counts against `pool.taskTimeoutMs`.
 */
const WARM_UP = 'Chief executive Maria Lopez of Helios Data Inc. said on Nov. 4 that the campus will draw 300 MW. Analysts at Goldman Sachs agreed.';

export function loadFaqTools(): void {
  loadEntityReader();
  // One real read compiles compromise's and ICU's hot paths: a worker's first body then runs at the speed of its later ones.
  for (const sentence of segmentSentences(WARM_UP)) namedEntities(sentence);
}

export function generateFaqs(source: FaqSource): Faq[] {
  if (source.language && primaryLanguage(source.language) !== 'en') return [];
  const known = knownFrom(source.summary);
  const sentences = splitSentences(source.paragraphs);
  const candidates = sentences.filter((s) => addsTo(known, s));
  const used = new Set<string>();
  const faqs: Faq[] = [];
  const unused = () => candidates.filter((s) => !used.has(s));
  /** Up to `n` unused candidates passing `test`, within the answer length; the question is asked when any pass. */
  const ask = (question: string, n: number, test: (sentence: string) => boolean) => {
    const answer: string[] = [];
    let length = 0;
    for (const sentence of unused()) {
      if (answer.length >= n) break;
      if (length + sentence.length > MAX_ANSWER || !test(sentence)) continue;
      answer.push(sentence);
      length += sentence.length + 1;
    }
    if (!answer.length) return;
    answer.forEach((s) => used.add(s));
    faqs.push({ question, answer: answer.join(' '), generated: true });
  };
  const ledeSentences = new Set(lede(sentences));
  ask('What happened?', 2, (s) => ledeSentences.has(s));
  const budget = { reads: MAX_ENTITY_READS };
  ask('Who is involved?', 2, (s) => namesWhoIsInvolved(known, s, budget));
  const withFigures = figureSentences(known, candidates, source.figures);
  ask('What are the numbers?', 3, (s) => withFigures.has(s));
  ask('Why does it matter?', 1, (s) => WHY_CUES.test(s));
  const year = source.published ? new Date(source.published).getUTCFullYear() : undefined;
  ask('What happens next?', 1, (s) => statesFuture(s, Number.isNaN(year) ? undefined : year));
  return faqs;
}
