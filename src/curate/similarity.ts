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

function normalizeToken(raw: string): string {
  let t = raw.toLowerCase().replace(/['’]s$/, '').replace(/['’]/g, '');
  if (/^\d[\d.,]*$/.test(t)) return t.replace(/,/g, '');
  const unit = /^(\d[\d.]*)(bn|mn|mw|gw|m|b)$/.exec(t); // "2.4bn", "600mw"
  if (unit) return unit[1]!;
  t = t.replace(/[.,]/g, '');
  t = SYNONYMS[t] ?? t;
  if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss')) t = SYNONYMS[t.slice(0, -1)] ?? t.slice(0, -1);
  return t;
}

/** Words capitalised inside a sentence (not its first word) are taken as names. */
function names(text: string): Set<string> {
  const out = new Set<string>();
  for (const sentence of text.split(/(?<=[.!?:])\s+/)) {
    const words = sentence.match(WORD) ?? [];
    words.slice(1).forEach((w) => {
      if (/^\p{Lu}/u.test(w)) out.add(normalizeToken(w));
    });
  }
  return out;
}

export function storyTokens(title: string, lede: string): StoryTokens {
  const text = foldText(`${title}\n${lede}`);
  const nameSet = names(foldText(lede));
  const weights = new Map<string, number>();
  for (const raw of text.match(WORD) ?? []) {
    for (const part of raw.split(/-/)) {
      const token = normalizeToken(part);
      if (!token || STOP_WORDS.has(token)) continue;
      const weight = /\d/.test(token) || nameSet.has(token) ? 2 : 1;
      weights.set(token, Math.max(weights.get(token) ?? 0, weight));
    }
  }
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
