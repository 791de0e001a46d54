/**
 * Key figures (money, power, compute, percentages) read from plain text.
 *
 * Rules:
 * - Values are normalized so rules can compare them: money in currency units
 *   ("$14.6 billion" → 14_600_000_000 USD), power in watts, compute as a count
 *   of devices, percentages as the percent number.
 * - Only explicit forms count (a currency sign or code, a power unit, a named
 *   device, a percent sign or word); a bare number is never guessed to be anything.
 * - Numbers are read by the item's language: "0,68 %" and "1.200 MW" in German
 *   are 0.68 and 1200, "1,200 MW" in English is 1200. Without a language the
 *   shape decides, conservatively: a comma before exactly three digits groups
 *   thousands, any other comma is a decimal comma ("0,68%" is never 68).
 * - A figure written as one hyphenated word is read whole: "a $2-billion round"
 *   is $2 billion, "a 40,000-GPU campus" 40,000 GPUs, "a 5-GW site" 5 GW.
 * - A range is one figure: "$60–65 billion", "$60-$65 billion", "60 to 65
 *   percent", "between 300 and 400 MW" give `value` (the lower bound) and `max`;
 *   "from 60 to 65 percent" and "rose 5% to 12%" are changes, two figures. The lower bound takes the
 *   upper's scale and unit when it has none of its own.
 * - A rate keeps its denominator (`per`): "$3.10 per GPU-hour", "$2 an hour",
 *   "$0.08/kWh", "130 kW per rack".
 * - A percentage is labelled by what the nearest words around it say it
 *   measures (growth, decline, stake, share, margin, utilisation), else
 *   `percent`; the words are looked for within its clause, never past another number.
 * - `text` keeps the figure as the article wrote it; `display` is it with units
 *   normalized (1.2 GW, 300 MW, "100,000 H100 GPUs"). The same figure stated
 *   twice is one figure (also "52,000 GPUs" next to "52,000 Nvidia GB300 GPUs",
 *   and "1,200 megawatts" next to "1.2 GW").
 * - Numbers inside code (`code`, `pre`, `kbd`, `samp`) are not figures: callers
 *   pass text without it (html.ts `blocksOutsideCode`).
 * - `keyFigures` keeps the most salient MAX_KEY_FIGURES of an article: those
 *   of the title, then the lede, then the rest, each group by how often the
 *   article states them, then by where they first appear. Other outlets are
 *   counted at publish time, for a story's lead (curate/storyFigures.ts).
 */
import type { Figure, PercentMeasure } from '../model/index.js';
import { primaryLanguage } from '../lib/language.js';

export const MAX_KEY_FIGURES = 8;

/** A numeral as written: digits with `.`/`,` (and French narrow spaces) between them; read by `readNumber`. */
const NUMERAL = String.raw`\d(?:[\d.,\u00A0\u202F]*\d)?`;
/** Not in the middle of a word or of a longer numeral. */
const NUMERAL_START = String.raw`(?<![\w.,]|\d[\u00A0\u202F])`;
const SCALE_WORDS = String.raw`trillion|billions?|millions?|thousand|bn|mln|mn|tn|Mrd\.?|Mio\.?|Milliarden|Milliarde|Millionen|Million|milliards?|[kmbt]`;
const SCALES: Record<string, number> = {
  thousand: 1e3, k: 1e3, million: 1e6, millions: 1e6, millionen: 1e6, mio: 1e6, m: 1e6, mn: 1e6, mln: 1e6,
  billion: 1e9, billions: 1e9, bn: 1e9, b: 1e9, milliarde: 1e9, milliarden: 1e9, milliard: 1e9, milliards: 1e9, mrd: 1e9,
  trillion: 1e12, tn: 1e12, t: 1e12,
};
/** Languages whose "billion" is 10^12 (the long scale), where "Milliarde"/"milliard" is 10^9. */
const LONG_SCALE = new Set(['de', 'fr', 'es', 'it', 'nl', 'pl', 'sv', 'da', 'nb', 'no', 'fi', 'cs', 'pt']);
const CURRENCY_SIGNS: Record<string, string> = { $: 'USD', us$: 'USD', usd: 'USD', '€': 'EUR', eur: 'EUR', '£': 'GBP', gbp: 'GBP', '¥': 'JPY' };
const CURRENCY_WORDS: Record<string, string> = { '€': 'EUR', eur: 'EUR', euro: 'EUR', euros: 'EUR', usd: 'USD', dollar: 'USD', dollars: 'USD', 'us-dollar': 'USD', gbp: 'GBP' };
const CURRENCY_SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥' };
const POWER_UNITS: Record<string, number> = { kw: 1e3, kilowatt: 1e3, mw: 1e6, megawatt: 1e6, gw: 1e9, gigawatt: 1e9, tw: 1e12, terawatt: 1e12 };
const POWER_UNIT_WORDS = String.raw`kilowatts?|megawatts?|gigawatts?|terawatts?|kW|MW|GW|TW`;
const PERCENT_WORDS = String.raw`%|percent\b|per cent\b|Prozent\b|pour cent\b`;

/** Languages that write a decimal comma (de-CH writes a decimal point). */
const DECIMAL_COMMA = new Set([
  'de', 'fr', 'es', 'it', 'nl', 'pt', 'ru', 'pl', 'sv', 'da', 'nb', 'nn', 'no', 'fi', 'cs', 'sk', 'tr', 'id', 'ro', 'hu', 'el', 'uk',
  'ca', 'hr', 'sl', 'bg', 'lt', 'lv', 'et', 'is', 'sr', 'vi',
]);

/** How an item's numbers are read: its decimal mark when its language is known, and its scale words. */
interface NumberReading {
  decimalComma?: boolean;
  longScale: boolean;
}

function numberReading(language: string | undefined): NumberReading {
  if (!language) return { longScale: false };
  const primary = primaryLanguage(language);
  return { decimalComma: DECIMAL_COMMA.has(primary) && language.toLowerCase() !== 'de-ch', longScale: LONG_SCALE.has(primary) };
}

/** Every group after a separator has three digits: "1,200,000", "1.200". */
const COMMA_GROUPED = /^\d{1,3}(?:,\d{3})+$/;
const POINT_GROUPED = /^\d{1,3}(?:\.\d{3})+$/;

/** A numeral as a number, by the decimal mark the language writes (see the rules above); NaN when it cannot be read. */
export function readNumber(numeral: string, decimalComma?: boolean): number {
  const n = numeral.replace(/[\u00A0\u202F]/g, '');
  const comma = n.lastIndexOf(',');
  const point = n.lastIndexOf('.');
  if (comma >= 0 && point >= 0) {
    // Both marks: the last one is the decimal mark, the other groups.
    const [group, decimal] = comma > point ? [/\./g, ','] : [/,/g, '.'];
    return Number(n.replace(group, '').replace(decimal, '.'));
  }
  if (comma >= 0) {
    if (decimalComma === true) return n.indexOf(',') === comma ? Number(n.replace(',', '.')) : NaN;
    if (COMMA_GROUPED.test(n) && !n.startsWith('0')) return Number(n.replace(/,/g, ''));
    return n.indexOf(',') === comma ? Number(n.replace(',', '.')) : NaN;
  }
  if (point >= 0 && n.indexOf('.') !== point) return POINT_GROUPED.test(n) ? Number(n.replace(/\./g, '')) : NaN;
  if (point >= 0 && decimalComma === true && POINT_GROUPED.test(n) && !n.startsWith('0')) return Number(n.replace('.', ''));
  return Number(n);
}

function scaleOf(word: string | undefined, reading: NumberReading): number {
  if (!word) return 1;
  const key = word.toLowerCase().replace(/\.$/, '');
  if (reading.longScale && (key === 'billion' || key === 'billions')) return 1e12;
  return SCALES[key] ?? 1;
}

/** Between a numeral and its scale word: nothing, a space, or a hyphen before a spelled-out word ("a $2-billion round"). */
const SCALE_JOIN = String.raw`(?:\s|-(?=[A-Za-z]{2}))?`;
const MONEY_BEFORE = new RegExp(
  String.raw`(US\$|\$|€|£|¥|\b(?:USD|EUR|GBP)\s?)(${NUMERAL})(?:${SCALE_JOIN}(${SCALE_WORDS})\b)?`,
  'gi',
);
const MONEY_AFTER = new RegExp(String.raw`${NUMERAL_START}(${NUMERAL})(?:\s?(${SCALE_WORDS})(?=[\s€]))?\s?(€|(?:EUR|USD|GBP|euros?|US-Dollar|dollars?)\b)`, 'gi');
const POWER = new RegExp(String.raw`${NUMERAL_START}(${NUMERAL})(?:\s|-)?(${POWER_UNIT_WORDS})\b`, 'gi');
const DEVICE = String.raw`(?:Nvidia|NVIDIA|AMD|Intel|Google)\s+`;
const COMPUTE = new RegExp(
  String.raw`${NUMERAL_START}(${NUMERAL})(?:\s(thousand|million))?(?:\s+|-)(?:${DEVICE})?(?:((?:[A-Z]{1,2}\d{2,3}[A-Z]?|MI\d{3}X?))s?\b(?:\s(?:GPUs?|chips?|accelerators?))?|(GPU|TPU|[Aa]ccelerator)s?\b)`,
  'g',
);
const GENERIC_DEVICES = new Set(['GPU', 'TPU', 'ACCELERATOR']);
const PERCENT = new RegExp(String.raw`${NUMERAL_START}(${NUMERAL})\s?(?:${PERCENT_WORDS})`, 'gi');

/** A rate's denominator right after a money or power figure: "per GPU-hour", "an hour", "/kWh". */
const RATE = /^(?:\s+per\s+|\s?\/\s?)((?:million\s+|1M\s+)?[A-Za-z][\w]*(?:-[A-Za-z]+)*)|^\s+an?\s+(hour|day|week|month|year|share|kWh|MWh|GPU-hour|token|user|seat)\b/;

/** One figure found in a text, where it was. */
interface Hit {
  figure: Omit<Figure, 'display'>;
  start: number;
  end: number;
}

type Reader = (match: RegExpExecArray, reading: NumberReading) => Omit<Figure, 'display' | 'text'> | undefined;

const readMoneyBefore: Reader = ([, sign = '', numeral = '', scale], reading) => ({
  kind: 'money',
  value: readNumber(numeral, reading.decimalComma) * scaleOf(scale, reading),
  unit: CURRENCY_SIGNS[sign.trim().toLowerCase()] ?? 'USD',
});

const readMoneyAfter: Reader = ([, numeral = '', scale, currency = ''], reading) => ({
  kind: 'money',
  value: readNumber(numeral, reading.decimalComma) * scaleOf(scale, reading),
  unit: CURRENCY_WORDS[currency.toLowerCase()] ?? 'USD',
});

const readPower: Reader = ([, numeral = '', unit = ''], reading) => ({
  kind: 'power',
  value: readNumber(numeral, reading.decimalComma) * (POWER_UNITS[unit.toLowerCase().replace(/s$/, '')] ?? 1),
  unit: 'W',
});

const readCompute: Reader = ([, numeral = '', scale, model, generic], reading) => ({
  kind: 'compute',
  value: readNumber(numeral, reading.decimalComma) * scaleOf(scale, reading),
  unit: model ?? (generic ?? 'GPU').toUpperCase(),
});

const readPercent: Reader = ([, numeral = ''], reading) => ({ kind: 'percent', value: readNumber(numeral, reading.decimalComma), unit: '%' });

const READERS: [RegExp, Reader][] = [[MONEY_BEFORE, readMoneyBefore], [MONEY_AFTER, readMoneyAfter], [POWER, readPower], [COMPUTE, readCompute], [PERCENT, readPercent]];

/** Matches of a global pattern, in order; `exec` on the shared pattern (matchAll would copy it per text). No pattern here matches the empty string. */
function* matchesOf(pattern: RegExp, text: string): Generator<RegExpExecArray> {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) yield match;
}

/**
 * A lower bound right before a figure: "$60–", "60 to ", "between 300 and ",
 * "$60 billion to ", with what it says of its own (sign, scale, unit).
 */
const LOWER_BOUND = new RegExp(
  String.raw`(\bbetween\s+|\bfrom\s+)?(US\$|\$|€|£|¥)?${NUMERAL_START}(${NUMERAL})(?:\s?(${SCALE_WORDS})\b)?(?:\s?(${PERCENT_WORDS}|${POWER_UNIT_WORDS})\b)?\s*(–|—|-|\bto|\band)\s*$`,
  'i',
);
const LOOKBACK = 60;

/** The number a hit's own numeral is multiplied by (its scale word or power unit): value / numeral. */
const FIRST_NUMERAL = new RegExp(NUMERAL);

function factorOf(hit: Hit, text: string, reading: NumberReading): number {
  const numeral = FIRST_NUMERAL.exec(text.slice(hit.start, hit.end))?.[0] ?? '';
  return hit.figure.value / readNumber(numeral, reading.decimalComma);
}

/** "rose 5% to 12%", "grew $2 billion to $9 billion": after a verb of change, "X to Y" is a change, not a range. */
const CHANGE_VERB = /\b(?:rose|rises?|grew|grows?|increased?|jumped|climbed|gained|surged|soared|fell|falls?|dropped|declined?|decreased?|slid|shrank|cut|raised|lifted|lowered|trimmed)\s+(?:by\s+)?$/i;

function changesBefore(text: string, at: number): boolean {
  return CHANGE_VERB.test(text.slice(Math.max(0, at - 24), at));
}

/** The hit widened to a range when a lower bound precedes it ("60 to 65 percent"); the hit as it is otherwise. */
function withLowerBound(hit: Hit, text: string, reading: NumberReading): Hit {
  const from = Math.max(0, hit.start - LOOKBACK);
  const before = LOWER_BOUND.exec(text.slice(from, hit.start));
  if (!before) return hit;
  const [, lead = '', sign, numeral = '', scale, unit, separator = ''] = before;
  const joiner = separator.toLowerCase();
  const fromLead = /from/i.test(lead);
  if ((joiner === 'and') !== /between/i.test(lead) || (joiner === 'to' && (fromLead || changesBefore(text, from + before.index)))) return hit;
  const { figure } = hit;
  if (sign && figure.kind !== 'money') return hit;
  let factor = factorOf(hit, text, reading);
  if (figure.kind === 'power' && unit) factor = POWER_UNITS[unit.toLowerCase().replace(/s$/, '')] ?? NaN;
  else if (unit && (figure.kind !== 'percent' || !PERCENT_UNIT.test(unit))) return hit;
  else if (scale) factor = scaleOf(scale, reading);
  const lower = readNumber(numeral, reading.decimalComma) * factor;
  if (!(lower < figure.value)) return hit;
  const start = from + before.index + (fromLead ? lead.length : 0);
  return { figure: { ...figure, value: lower, max: figure.value, text: text.slice(start, hit.end) }, start, end: hit.end };
}

/** An upper bound right after a figure that states its own unit ("$60–65 billion", "$10 to 12 billion"): the lower bound takes its scale. */
const UPPER_BOUND = new RegExp(String.raw`^\s*(?:–|—|-|to\b)\s*(${NUMERAL})(?:\s?(${SCALE_WORDS})\b)?`, 'i');
const SCALED = new RegExp(String.raw`\d${SCALE_JOIN}(?:${SCALE_WORDS})\b`, 'i');
const PERCENT_UNIT = new RegExp(`^(?:${PERCENT_WORDS})$`, 'i');

function withUpperBound(hit: Hit, text: string, reading: NumberReading): Hit {
  if (hit.figure.kind !== 'money') return hit;
  const after = UPPER_BOUND.exec(text.slice(hit.end, hit.end + LOOKBACK));
  if (!after) return hit;
  // "from $60 to $65" is a change; "from $64-72 billion" is a range.
  const lead = text.slice(Math.max(0, hit.start - 24), hit.start);
  if (/^\s*to\b/i.test(after[0]) && (/\bfrom\s+$/i.test(lead) || CHANGE_VERB.test(lead))) return hit;
  const [whole, numeral = '', scale] = after;
  const ownScale = SCALED.test(text.slice(hit.start, hit.end));
  // "$5 billion to 2030" is no range: a scaled lower bound needs a scaled upper one.
  if (ownScale && !scale) return hit;
  const upper = readNumber(numeral, reading.decimalComma) * (scale ? scaleOf(scale, reading) : factorOf(hit, text, reading));
  const lower = ownScale ? hit.figure.value : hit.figure.value * (scale ? scaleOf(scale, reading) : 1);
  if (!(lower < upper)) return hit;
  const end = hit.end + whole.length;
  return { figure: { ...hit.figure, value: lower, max: upper, text: text.slice(hit.start, end) }, start: hit.start, end };
}

function withRate(hit: Hit, text: string): Hit {
  if (hit.figure.kind !== 'money' && hit.figure.kind !== 'power') return hit;
  const rate = RATE.exec(text.slice(hit.end, hit.end + 40));
  if (!rate) return hit;
  const end = hit.end + rate[0].length;
  return { figure: { ...hit.figure, per: (rate[1] ?? rate[2]!).replace(/\s+/g, ' '), text: text.slice(hit.start, end) }, start: hit.start, end };
}

/** Words that say what a percentage measures, and the measure; the nearest one to the figure wins. */
const MEASURE_WORDS: [RegExp, PercentMeasure][] = [
  // English, then German and French words for the same measures.
  [/\bstakes?\b|\bownership\b|\bequity\b|\binterest\b(?! rates?)|\bBeteiligung\b|\bparticipation\b/gi, 'stake'],
  [/\bmarket share\b|\bshare\b(?! price)|\bMarktanteil\b|\bpart de marché/gi, 'share'],
  [/\bmargins?\b|\bMarge\b|\bmarge\b/gi, 'margin'],
  [/\butili[sz](?:ation|ed)\b|\bcapacity factor\b|\boccupancy\b|\bload factor\b|\bAuslastung\b|\btaux d'utilisation\b/gi, 'utilisation'],
  [/\b(?:rose|rise[sn]?|rising|grew|grow(?:s|th|ing)?|increase[ds]?|up|jump(?:ed|s)?|climb(?:ed|s)?|gain(?:ed|s)?|surge[ds]?|soar(?:ed|s)?|expand(?:ed|s)?|higher|stieg|wuchs|Wachstum|Plus|hausse|progression)\b/gi, 'growth'],
  [/\b(?:fell|falls?|drop(?:ped|s)?|decline[ds]?|down|decrease[ds]?|slid|shr[aiu]nk|plunge[ds]?|lower|cut|sank|fiel|Rückgang|Minus|baisse|recul)\b/gi, 'decline'],
];
/** Where a clause ends: sentence punctuation, a semicolon, or another number. */
const CLAUSE_END = /[;!?]|\.\s|\d/;
const CONTEXT_CHARS = 48;

/** What a percentage measures, from the nearest measure word in its clause (a growth verb followed by "to" states a level, not a change). */
function measureOf(hit: Hit, text: string): PercentMeasure {
  let before = text.slice(Math.max(0, hit.start - CONTEXT_CHARS), hit.start);
  const cut = Math.max(...[...before.matchAll(new RegExp(CLAUSE_END, 'g'))].map((m) => m.index + m[0].length), 0);
  before = before.slice(cut);
  const afterRaw = text.slice(hit.end, hit.end + CONTEXT_CHARS);
  const after = afterRaw.slice(0, afterRaw.search(CLAUSE_END) >= 0 ? afterRaw.search(CLAUSE_END) : afterRaw.length);
  let best: { distance: number; measure: PercentMeasure } | undefined;
  for (const [words, measure] of MEASURE_WORDS) {
    for (const m of before.matchAll(words)) {
      const rest = before.slice(m.index + m[0].length);
      if ((measure === 'growth' || measure === 'decline') && /^\s+to\s+(?:about\s+|around\s+)?$/i.test(rest)) continue;
      const distance = rest.length;
      if (!best || distance < best.distance) best = { distance, measure };
    }
    for (const m of after.matchAll(words)) {
      if (!best || m.index < best.distance) best = { distance: m.index, measure };
    }
  }
  return best?.measure ?? 'percent';
}

/** Every figure of one text, in order, ranges and rates read whole. */
function hitsIn(text: string, reading: NumberReading): Hit[] {
  const hits: Hit[] = [];
  for (const [pattern, read] of READERS) {
    for (const match of matchesOf(pattern, text)) {
      const figure = read(match, reading);
      if (!figure || !Number.isFinite(figure.value)) continue;
      const start = match.index + (match[0].length - match[0].trimStart().length);
      const end = match.index + match[0].trimEnd().length;
      const found: Hit = { figure: { ...figure, text: text.slice(start, end) }, start, end };
      const hit = withRate(withUpperBound(withLowerBound(found, text, reading), text, reading), text);
      hits.push(hit.figure.kind === 'percent' ? { ...hit, figure: { ...hit.figure, measure: measureOf(hit, text) } } : hit);
    }
  }
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  // A figure inside a wider one (a range's lower bound, "€2bn" read by both money forms) is that one: sorted so, an earlier hit reaching as far holds it.
  let reach = -1;
  return hits.filter((hit) => {
    const nested = hit.end <= reach;
    reach = Math.max(reach, hit.end);
    return !nested;
  });
}

/** A number in English display form: grouped thousands, at most three decimals. */
function formatNumber(value: number, minimumFractionDigits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: Math.max(3, minimumFractionDigits), minimumFractionDigits });
}

const MONEY_SCALES: [number, string][] = [[1e12, ' trillion'], [1e9, ' billion'], [1e6, ' million']];
const POWER_SCALES: [number, string][] = [[1e12, ' TW'], [1e9, ' GW'], [1e6, ' MW'], [1e3, ' kW'], [1, ' W']];

/** `value`(–`max`) in the largest scale the upper bound reaches. */
function scaled(figure: Pick<Figure, 'value' | 'max'>, scales: [number, string][], cents: boolean): string {
  const top = figure.max ?? figure.value;
  const [factor, name] = scales.find(([f]) => top >= f) ?? [1, ''];
  const show = (v: number) => formatNumber(v / factor, cents && factor === 1 && !Number.isInteger(v) ? 2 : 0);
  return `${show(figure.value)}${figure.max !== undefined ? `–${show(figure.max)}` : ''}${name}`;
}

const DEVICE_NOUNS: Record<string, string> = { GPU: 'GPU', TPU: 'TPU', ACCELERATOR: 'accelerator' };

/** The figure as published: units normalized, a range with an en dash, a rate with "per". */
export function displayOf(figure: Omit<Figure, 'display' | 'text'>): string {
  const per = figure.per ? ` per ${figure.per}` : '';
  switch (figure.kind) {
    case 'money': {
      const symbol = CURRENCY_SYMBOLS[figure.unit];
      const amount = scaled(figure, MONEY_SCALES, true);
      return `${symbol ?? ''}${amount}${symbol ? '' : ` ${figure.unit}`}${per}`;
    }
    case 'power':
      return `${scaled(figure, POWER_SCALES, false)}${per}`;
    case 'compute': {
      const count = `${formatNumber(figure.value)}${figure.max !== undefined ? `–${formatNumber(figure.max)}` : ''}`;
      const noun = DEVICE_NOUNS[figure.unit] ?? `${figure.unit} GPU`;
      return `${count} ${noun}${(figure.max ?? figure.value) === 1 ? '' : 's'}`;
    }
    case 'percent':
      return `${formatNumber(figure.value)}${figure.max !== undefined ? `–${formatNumber(figure.max)}` : ''}%`;
  }
}

/** Figures equal when they say the same thing, however written. */
function figureKey(f: Omit<Figure, 'display' | 'text'>): string {
  return [f.kind, f.value, f.max ?? '', f.unit, f.per ?? ''].join('\n');
}

/** "52,000 GPUs" is the same figure as "52,000 Nvidia GB300 GPUs": the generic count goes when a named one has its value. */
function withoutGenericDuplicates<T extends Figure>(figures: T[]): T[] {
  const named = new Set(figures.filter((f) => f.kind === 'compute' && !GENERIC_DEVICES.has(f.unit)).map((f) => f.value));
  return figures.filter((f) => !(f.kind === 'compute' && GENERIC_DEVICES.has(f.unit) && named.has(f.value)));
}

/** Every figure form has a digit: texts without one are skipped before any pattern runs. */
const DIGIT = /\d/;

interface Tally {
  figure: Figure;
  /** Index of the first text that states it. */
  first: number;
  mentions: number;
}

/** Each distinct figure of the texts once, with where it first appears and how often it is stated. */
function tallyFigures(texts: readonly string[], language: string | undefined): Tally[] {
  const reading = numberReading(language);
  const tallies = new Map<string, Tally>();
  texts.forEach((text, index) => {
    if (!DIGIT.test(text)) return;
    for (const { figure } of hitsIn(text, reading)) {
      const key = figureKey(figure);
      const seen = tallies.get(key);
      if (seen) seen.mentions++;
      else tallies.set(key, { figure: { ...figure, display: displayOf(figure) }, first: index, mentions: 1 });
    }
  });
  const kept = new Set(withoutGenericDuplicates([...tallies.values()].map((t) => t.figure)));
  return [...tallies.values()].filter((t) => kept.has(t.figure));
}

/** Every key figure in the texts, in order of appearance, each figure once; `language` is the item's (see the rules). */
export function extractFigures(texts: readonly string[], language?: string): Figure[] {
  return tallyFigures(texts, language).map((t) => t.figure);
}

/** True when the text states at least one key figure. */
export function hasFigure(text: string, language?: string): boolean {
  return extractFigures([text], language).length > 0;
}

/** An article's texts, as `keyFigures` weighs them. */
export interface FigureSources {
  title: string;
  /** The summary (without code): its figures rank right after the title's. */
  lede: string;
  /** Body paragraphs without code, then FAQ answers. */
  body: readonly string[];
  language?: string;
}

/** The article's most salient figures (at most MAX_KEY_FIGURES), most salient first (see the rules). */
export function keyFigures({ title, lede, body, language }: FigureSources): Figure[] {
  // Where a figure is first stated: 0 the title, 1 the lede, later the body.
  const place = (t: Tally) => Math.min(t.first, 2);
  return tallyFigures([title, lede, ...body], language)
    .sort((a, b) => place(a) - place(b) || b.mentions - a.mentions || a.first - b.first)
    .slice(0, MAX_KEY_FIGURES)
    .map((t) => t.figure);
}
