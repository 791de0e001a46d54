/**
 * The FAQ across outlets: what no single report answers. When a story has
 * several reports, its lead's entry answers "What do other reports add?" and,
 * when they state different figures for the same thing, "Do the reports agree?".
 *
 * Rules:
 * - Every answer is a list of attributed facts: one report's own sentence (or
 *   its title, when a figure is stated only there), with the figure when that
 *   is the fact, and the outlet by its feed title (else its source name). No
 *   word is infrawire's; every pair is `generated`. Pure.
 * - A report's figures are the key figures normalize chose for it (numbers in
 *   code are none), found again in its sentences to know what each measures.
 * - "What do other reports add?": per report in the cluster's order, at most
 *   MAX_FACTS_PER_REPORT facts, MAX_ADDED_FACTS in all. First sentences stating
 *   a key figure the lead does not state (and no earlier report added), then
 *   sentences at least half of whose weighted story tokens are in neither the
 *   lead nor what was already added. A figure the reports disagree on is left
 *   to the next question.
 * - "Do the reports agree?" only when two outlets state different values of
 *   the same quantity: same kind, currency, rate unit and (for a percentage)
 *   measure, and either the same quantity word next to the figure
 *   ("valuation", "round", "loan", "campus"…: QUANTITY_WORDS, nearest in its
 *   clause), or, with no conflicting word, the only such figure each report
 *   states. A percentage of growth, decline or no stated measure is compared
 *   only by its word. An outlet stating two values of one quantity makes it
 *   ambiguous: not asked. Each outlet's figure and sentence is listed, whole
 *   quantities at a time, at most MAX_AGREE_FACTS facts.
 * - No question without facts; no reports, no questions.
 */
import type { Article, AttributedFact, CoverageReport, Figure, StoryFaq } from '../model/index.js';
import { extractFigures, splitSentences } from '../normalize/index.js';
import { newShare } from './coverage.js';
import { storyTokens } from './similarity.js';
import { sameFigureKey } from './storyFigures.js';

export const MAX_FACTS_PER_REPORT = 2;
export const MAX_ADDED_FACTS = 6;
export const MAX_AGREE_FACTS = 6;
export const ADDS_QUESTION = 'What do other reports add?';
export const AGREE_QUESTION = 'Do the reports agree?';

/** Share of a sentence's token weight that must be new for it to count as added. */
const NEW_SHARE = 0.5;
/** A sentence with fewer story tokens says too little to be a fact on its own. */
const MIN_TOKENS = 4;

/** Words that name what a figure is of; the nearest one in its clause names its quantity. */
const QUANTITY_WORDS: [RegExp, string][] = [
  [/\bvaluations?\b|\bvalu(?:e[ds]?|ing)\b/gi, 'valuation'],
  [/\brounds?\b|\brais(?:e[ds]?|ing)\b|\bfunding\b|\bfinancing\b|\bSeries [A-H]\b/gi, 'funding'],
  [/\brevenues?\b|\bsales\b|\bturnover\b|\bbookings\b/gi, 'revenue'],
  [/\bcapex\b|\bcapital (?:spending|expenditures?)\b|\bspend(?:s|ing)?\b|\binvest(?:s|ing|ment)?\b|\bbudget\b|\bcosts?\b|\bprice tag\b/gi, 'spending'],
  [/\bloans?\b|\bdebt\b|\bcredit (?:line|facility)\b|\bbonds?\b/gi, 'debt'],
  [/\bcontracts?\b|\bdeals?\b|\bagreements?\b|\border(?:s|ed)?\b/gi, 'contract'],
  [/\bprofits?\b|\bnet income\b|\bearnings\b|\blosse?s?\b/gi, 'profit'],
  [/\bprices?\b|\brents?\b|\brental\b|\bcharges?\b/gi, 'price'],
  [/\bphases?\b|\bfirst stage\b/gi, 'phase'],
  [/\bcampus(?:es)?\b|\bsites?\b|\bfacilit(?:y|ies)\b|\bcluster\b|\bdata cent(?:er|re)s?\b/gi, 'site'],
  [/\bgrid connection\b|\binterconnection\b|\bpower purchase\b|\bsupply\b/gi, 'supply'],
];
/** Where a clause ends: sentence punctuation, a semicolon, or another number. */
const CLAUSE_END = /[;!?]|\.\s|\d/g;
const CONTEXT_CHARS = 48;
/** Percent measures specific enough to compare without a quantity word. */
const SPECIFIC_MEASURES = new Set(['stake', 'share', 'margin', 'utilisation']);

/** The quantity word nearest to the figure in its clause, if any. */
function quantityOf(text: string, figure: Figure): string | undefined {
  const at = text.indexOf(figure.text);
  if (at < 0) return undefined;
  let before = text.slice(Math.max(0, at - CONTEXT_CHARS), at);
  const cut = Math.max(0, ...[...before.matchAll(CLAUSE_END)].map((m) => m.index + m[0].length));
  before = before.slice(cut);
  const afterRaw = text.slice(at + figure.text.length, at + figure.text.length + CONTEXT_CHARS);
  const stop = afterRaw.search(/[;!?]|\.\s|\d/);
  const after = stop >= 0 ? afterRaw.slice(0, stop) : afterRaw;
  let best: { distance: number; word: string } | undefined;
  for (const [pattern, word] of QUANTITY_WORDS) {
    for (const m of before.matchAll(pattern)) {
      const distance = before.length - (m.index + m[0].length);
      if (!best || distance < best.distance) best = { distance, word };
    }
    for (const m of after.matchAll(pattern)) if (!best || m.index < best.distance) best = { distance: m.index, word };
  }
  return best?.word;
}

interface Statement {
  text: string;
  /** The key figures it states, each with its quantity word. */
  figures: { figure: Figure; word?: string }[];
}

/** One outlet's telling of the story: who, and its sentences (title last). */
interface Telling {
  who: Omit<AttributedFact, 'text' | 'figure'>;
  sentences: Statement[];
  title: Statement;
}

function statement(text: string, keyFigures: ReadonlySet<string>, language: string | undefined): Statement {
  const figures = extractFigures([text], language)
    .filter((figure) => keyFigures.has(sameFigureKey(figure)))
    .map((figure) => ({ figure, word: quantityOf(text, figure) }));
  return { text, figures };
}

interface Told {
  title: string;
  summary: string;
  paragraphs?: readonly string[];
  figures: readonly Figure[];
  language?: string;
}

function tellingOf(who: Telling['who'], told: Told): Telling {
  const keys = new Set(told.figures.map(sameFigureKey));
  const body = told.paragraphs?.length ? told.paragraphs : [told.summary];
  return {
    who,
    sentences: splitSentences(body).map((s) => statement(s, keys, told.language)),
    title: statement(told.title, keys, told.language),
  };
}

/** The kind of thing a figure measures, before its quantity word: kind, currency, rate unit, percent measure. */
function quantityKind(f: Figure): string {
  return `${f.kind}|${f.kind === 'money' ? f.unit : ''}|${f.per ?? ''}|${f.kind === 'percent' ? (f.measure ?? 'percent') : ''}`;
}

/** One distinct figure of one telling: the words it is stated with, whether it is the telling's only one of its kind, where it is first stated. */
interface Stated {
  teller: number;
  figure: Figure;
  words: Set<string>;
  sole: boolean;
  text: string;
}

function statedFigures(tellings: readonly Telling[]): Stated[] {
  const out: Stated[] = [];
  tellings.forEach((telling, teller) => {
    const byKey = new Map<string, Stated>();
    for (const s of [...telling.sentences, telling.title]) {
      for (const { figure, word } of s.figures) {
        const key = sameFigureKey(figure);
        let stated = byKey.get(key);
        if (!stated) byKey.set(key, (stated = { teller, figure, words: new Set(), sole: false, text: s.text }));
        if (word) stated.words.add(word);
      }
    }
    const kinds = new Map<string, number>();
    for (const s of byKey.values()) kinds.set(quantityKind(s.figure), (kinds.get(quantityKind(s.figure)) ?? 0) + 1);
    for (const s of byKey.values()) {
      s.sole = kinds.get(quantityKind(s.figure)) === 1;
      out.push(s);
    }
  });
  return out;
}

function sameQuantity(a: Stated, b: Stated): boolean {
  if (quantityKind(a.figure) !== quantityKind(b.figure)) return false;
  if ([...a.words].some((w) => b.words.has(w))) return true;
  const comparable = a.figure.kind !== 'percent' || SPECIFIC_MEASURES.has(a.figure.measure ?? 'percent');
  const conflicting = a.words.size > 0 && b.words.size > 0;
  return comparable && a.sole && b.sole && !conflicting;
}

/** Groups of outlets' figures that state one quantity with different values (see the rules). */
function disagreements(stated: readonly Stated[]): Stated[][] {
  const parent = stated.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  for (let i = 0; i < stated.length; i++) {
    for (let j = i + 1; j < stated.length; j++) {
      if (stated[i]!.teller !== stated[j]!.teller && sameQuantity(stated[i]!, stated[j]!)) parent[root(j)] = root(i);
    }
  }
  const groups = new Map<number, Stated[]>();
  stated.forEach((s, i) => groups.set(root(i), [...(groups.get(root(i)) ?? []), s]));
  return [...groups.values()].filter((group) => {
    const tellers = new Set(group.map((s) => s.teller));
    const values = new Set(group.map((s) => sameFigureKey(s.figure)));
    // One outlet stating two values of the quantity makes it ambiguous.
    return tellers.size > 1 && values.size > 1 && tellers.size === group.length;
  });
}

function addedFacts(lead: Told, reports: readonly Telling[], disputed: ReadonlySet<string>): AttributedFact[] {
  const knownFigures = new Set(lead.figures.map(sameFigureKey));
  const knownTokens = new Set(storyTokens(lead.title, [lead.summary, ...(lead.paragraphs ?? [])].join(' ')).keys());
  const facts: AttributedFact[] = [];
  for (const report of reports) {
    const own: AttributedFact[] = [];
    const used = new Set<Statement>();
    for (const s of [...report.sentences, report.title]) {
      if (own.length >= MAX_FACTS_PER_REPORT) break;
      const fresh = s.figures.find(({ figure }) => !knownFigures.has(sameFigureKey(figure)) && !disputed.has(sameFigureKey(figure)));
      if (!fresh) continue;
      own.push({ text: s.text, figure: fresh.figure, ...report.who });
      used.add(s);
      for (const { figure } of s.figures) knownFigures.add(sameFigureKey(figure));
      for (const token of storyTokens('', s.text).keys()) knownTokens.add(token);
    }
    for (const s of report.sentences) {
      if (own.length >= MAX_FACTS_PER_REPORT) break;
      if (used.has(s) || s.figures.some(({ figure }) => disputed.has(sameFigureKey(figure)))) continue;
      const tokens = storyTokens('', s.text);
      if (tokens.size < MIN_TOKENS || newShare(tokens, knownTokens) < NEW_SHARE) continue;
      own.push({ text: s.text, ...report.who });
      for (const token of tokens.keys()) knownTokens.add(token);
    }
    facts.push(...own.slice(0, MAX_ADDED_FACTS - facts.length));
    if (facts.length >= MAX_ADDED_FACTS) break;
  }
  return facts;
}

function agreementFacts(groups: readonly Stated[][], tellings: readonly Telling[]): AttributedFact[] {
  const facts: AttributedFact[] = [];
  for (const group of groups) {
    const listed = [...group].sort((a, b) => a.teller - b.teller).map((s) => ({ text: s.text, figure: s.figure, ...tellings[s.teller]!.who }));
    if (facts.length && facts.length + listed.length > MAX_AGREE_FACTS) break;
    facts.push(...listed.slice(0, MAX_AGREE_FACTS - facts.length));
  }
  return facts;
}

export type StoryLead = Pick<Article, 'title' | 'summary' | 'paragraphs' | 'figures' | 'url' | 'source'> & Partial<Pick<Article, 'language'>>;

/** The questions a story's reports answer together (see the rules); [] when there are no other reports or nothing to say. */
export function storyFaqs(lead: StoryLead, reports: readonly CoverageReport[]): StoryFaq[] {
  if (!reports.length) return [];
  const leadTelling = tellingOf({ outlet: lead.source.feedTitle ?? lead.source.name, source: lead.source.name, url: lead.url }, lead);
  const others = reports.map((r) => tellingOf({ outlet: r.outlet ?? r.source, source: r.source, url: r.url }, r));
  const tellings = [leadTelling, ...others];
  const groups = disagreements(statedFigures(tellings));
  const disputed = new Set(groups.flatMap((g) => g.map((s) => sameFigureKey(s.figure))));
  const faqs: StoryFaq[] = [];
  const added = addedFacts(lead, others, disputed);
  if (added.length) faqs.push({ question: ADDS_QUESTION, facts: added, generated: true });
  const agree = agreementFacts(groups, tellings);
  if (agree.length) faqs.push({ question: AGREE_QUESTION, facts: agree, generated: true });
  return faqs;
}
