/**
 * How alike two reports are: the same news told by different outlets.
 *
 * Rules:
 * - Compares title + lede only (what every outlet writes fresh), as weighted
 *   sets of tokens: accent-folded, lower-cased, stop words dropped, simple
 *   plurals and unit spellings merged ("megawatts" = "mw", "bn" = "billion").
 * - Tokens that carry identity weigh more: numbers (2.4, 600, 2028) and names
 *   (words capitalised inside a sentence) weigh 2, other words 1, so two GPU
 *   stories sharing "GPU" and "cluster" stay apart while "Kestrel", "Oulu",
 *   "2.4" and "40,000" pull one story's reports together.
 * - Similarity is weighted Jaccard: sum of shared weights / sum of all weights
 *   (0 = nothing shared, 1 = same tokens). Pure and symmetric.
 */
import { foldText } from './keywords.js';

export type StoryTokens = ReadonlyMap<string, number>;

const STOP_WORDS = new Set(
  `a an the and or but if of to in on at by for with from into onto over under as is are was were be been being it its this that these those
  will would can could should may might must has have had do does did not no new says said say after before than then so up out about
  his her their our your my we they he she you i which who whom what when where why how all any each more most other some such only own
  same too very just also now next year years first last two three one four five per via while until plus`.split(/\s+/),
);

const SYNONYMS: Record<string, string> = {
  megawatt: 'mw', megawatts: 'mw', gigawatt: 'gw', gigawatts: 'gw', bn: 'billion', mn: 'million',
  datacenter: 'data-center', datacentre: 'data-center', centre: 'center', centres: 'center', centers: 'center',
};

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’.,]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;
const DIGIT = /\d/;
const CAPITALISED = /^\p{Lu}/u;

/**
 * `normalizeToken`'s results, raw word → token: a clustering pass tokenizes every
 * new report and lead in reach, and their words repeat. One per pass (the caller
 * drops it with the pass): kept by the process, its ~60,000 strings after a
 * 1,000-source pass were ~3 MB of the main thread's ~22 MB live heap.
 */
export type TokenCache = Map<string, string>;
const TOKEN_CACHE_MAX = 100_000;

function normalizeToken(raw: string, cache: TokenCache): string {
  let token = cache.get(raw);
  if (token === undefined) {
    if (cache.size >= TOKEN_CACHE_MAX) cache.clear();
    cache.set(raw, (token = normalizedToken(raw)));
  }
  return token;
}

function normalizedToken(raw: string): string {
  let t = raw.toLowerCase().replace(/['’]s$/, '').replace(/['’]/g, '');
  if (/^\d[\d.,]*$/.test(t)) return t.replace(/,/g, '');
  const unit = /^(\d[\d.]*)(bn|mn|mw|gw|m|b)$/.exec(t); // "2.4bn", "600mw"
  if (unit) return unit[1]!;
  t = t.replace(/[.,]/g, '');
  t = SYNONYMS[t] ?? t;
  if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss')) t = SYNONYMS[t.slice(0, -1)] ?? t.slice(0, -1);
  return t;
}

/** JavaScript's `\s`. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Whether text[from, to) holds a sentence break: `.`, `!`, `?` or `:` followed by whitespace. */
function breaksSentence(text: string, from: number, to: number): boolean {
  for (let k = from + 1; k < to; k++) {
    const p = text.charCodeAt(k - 1);
    if ((p === 46 || p === 33 || p === 63 || p === 58) && isSpace(text.charCodeAt(k))) return true;
  }
  return false;
}

/**
 * The lede's words, and as names those capitalised inside a sentence (not its
 * first word). Sentences end at `.`, `!`, `?` or `:` followed by whitespace;
 * a word never holds whitespace, so the break lies between two words.
 */
function ledeWords(lede: string, cache: TokenCache): { words: string[]; names: Set<string> } {
  const words: string[] = [];
  const names = new Set<string>();
  let end = -1;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(lede); m; m = WORD.exec(lede)) {
    const word = m[0];
    const first = end < 0 || breaksSentence(lede, end, m.index);
    if (!first && CAPITALISED.test(word)) names.add(normalizeToken(word, cache));
    words.push(word);
    end = m.index + word.length;
  }
  return { words, names };
}

/** `cache`: a pass's `TokenCache`, shared by its calls (a call alone needs none). */
export function storyTokens(title: string, lede: string, cache: TokenCache = new Map()): StoryTokens {
  // Folding keeps the line break, so the title and the lede fold (and split into words) apart.
  const lead = ledeWords(foldText(lede), cache);
  const weights = new Map<string, number>();
  const add = (raw: string) => {
    const token = normalizeToken(raw, cache);
    if (!token || STOP_WORDS.has(token)) return;
    const weight = DIGIT.test(token) || lead.names.has(token) ? 2 : 1;
    weights.set(token, Math.max(weights.get(token) ?? 0, weight));
  };
  // WORD never matches a hyphen: "GPU-rich" is two words already.
  for (const raw of foldText(title).match(WORD) ?? []) add(raw);
  for (const raw of lead.words) add(raw);
  return weights;
}

export function similarity(a: StoryTokens, b: StoryTokens): number {
  let shared = 0;
  let total = 0;
  for (const [token, wa] of a) {
    const wb = b.get(token);
    if (wb !== undefined) {
      shared += Math.min(wa, wb);
      total += Math.max(wa, wb);
    } else total += wa;
  }
  for (const [token, wb] of b) if (!a.has(token)) total += wb;
  return total === 0 ? 0 : shared / total;
}
