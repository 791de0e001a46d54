/**
 * Key figures (money, power, compute, percentages) read from plain text.
 *
 * Rules:
 * - Values are normalized so rules can compare them: money in currency units
 *   ("$14.6 billion" → 14_600_000_000 USD), power in watts, compute as a count
 *   of devices, percentages as the percent number.
 * - Only explicit forms count (a currency sign or code, a power unit, a named
 *   device); a bare number is never guessed to be anything.
 * - `text` keeps the figure as the article wrote it; the same figure stated
 *   twice is listed once (also "52,000 GPUs" next to "52,000 Nvidia GB300 GPUs").
 */
import type { Figure } from '../model/index.js';

const NUMBER = String.raw`(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?`;
const SCALES: Record<string, number> = {
  thousand: 1e3, k: 1e3, million: 1e6, m: 1e6, mn: 1e6, mln: 1e6, billion: 1e9, bn: 1e9, b: 1e9, trillion: 1e12, tn: 1e12, t: 1e12,
};
const CURRENCIES: Record<string, string> = { $: 'USD', us$: 'USD', usd: 'USD', '€': 'EUR', eur: 'EUR', '£': 'GBP', gbp: 'GBP', '¥': 'JPY' };
const POWER_UNITS: Record<string, number> = { kw: 1e3, kilowatt: 1e3, mw: 1e6, megawatt: 1e6, gw: 1e9, gigawatt: 1e9, tw: 1e12, terawatt: 1e12 };

const MONEY = new RegExp(
  String.raw`(US\$|\$|€|£|¥|\b(?:USD|EUR|GBP)\s?)${NUMBER}(?:\s?(trillion|billion|million|thousand|bn|mln|mn|tn|[kmbt])\b)?`,
  'gi',
);
const POWER = new RegExp(String.raw`\b${NUMBER}(?:\s|-)?(kilowatts?|megawatts?|gigawatts?|terawatts?|kW|MW|GW|TW)\b`, 'gi');
const DEVICE = String.raw`(?:Nvidia|NVIDIA|AMD|Intel|Google)\s+`;
const COMPUTE = new RegExp(
  String.raw`\b${NUMBER}(?:\s(thousand|million))?\s+(?:${DEVICE})?(?:((?:[A-Z]{1,2}\d{2,3}[A-Z]?|MI\d{3}X?))s?\b(?:\s(?:GPUs?|chips?|accelerators?))?|(GPU|TPU|[Aa]ccelerator)s?\b)`,
  'g',
);
const GENERIC_DEVICES = new Set(['GPU', 'TPU', 'ACCELERATOR']);
const PERCENT = new RegExp(String.raw`(?<![\d.])${NUMBER}\s?(%|percent\b|per cent\b)`, 'gi');

function toNumber(whole: string, fraction: string | undefined): number {
  return Number(`${whole.replace(/,/g, '')}${fraction ? `.${fraction}` : ''}`);
}

function money(match: RegExpMatchArray): Figure {
  const [text, sign = '', whole = '', fraction, scale] = match;
  const value = toNumber(whole, fraction) * (scale ? SCALES[scale.toLowerCase()] ?? 1 : 1);
  return { kind: 'money', value, unit: CURRENCIES[sign.trim().toLowerCase()] ?? 'USD', text: text.trim() };
}

function power(match: RegExpMatchArray): Figure {
  const [text, whole = '', fraction, unit = ''] = match;
  const key = unit.toLowerCase().replace(/s$/, '');
  return { kind: 'power', value: toNumber(whole, fraction) * (POWER_UNITS[key] ?? 1), unit: 'W', text };
}

function compute(match: RegExpMatchArray): Figure {
  const [text, whole = '', fraction, scale, model, generic] = match;
  const value = toNumber(whole, fraction) * (scale ? SCALES[scale.toLowerCase()] ?? 1 : 1);
  return { kind: 'compute', value, unit: model ?? (generic ?? 'GPU').toUpperCase(), text };
}

function percent(match: RegExpMatchArray): Figure {
  const [text, whole = '', fraction] = match;
  return { kind: 'percent', value: toNumber(whole, fraction), unit: '%', text };
}

/** "52,000 GPUs" is the same figure as "52,000 Nvidia GB300 GPUs": the generic count goes when a named one has its value. */
function withoutGenericDuplicates(figures: Figure[]): Figure[] {
  const named = new Set(figures.filter((f) => f.kind === 'compute' && !GENERIC_DEVICES.has(f.unit)).map((f) => f.value));
  return figures.filter((f) => !(f.kind === 'compute' && GENERIC_DEVICES.has(f.unit) && named.has(f.value)));
}

const READERS: [RegExp, (m: RegExpMatchArray) => Figure][] = [[MONEY, money], [POWER, power], [COMPUTE, compute], [PERCENT, percent]];
/** Every figure form has a digit: texts without one are skipped before any pattern runs. */
const DIGIT = /\d/;

/** Matches of a global pattern, in order; `exec` on the shared pattern (matchAll would copy it per text). No pattern here matches the empty string. */
function* matchesOf(pattern: RegExp, text: string): Generator<RegExpExecArray> {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) yield match;
}

/** Every key figure in the texts, in order of appearance per kind, each figure once. */
export function extractFigures(texts: readonly string[]): Figure[] {
  const figures: Figure[] = [];
  const seen = new Set<string>();
  const withDigits = texts.filter((text) => DIGIT.test(text));
  for (const [pattern, read] of READERS) {
    for (const text of withDigits) {
      for (const match of matchesOf(pattern, text)) {
        const figure = read(match);
        const key = `${figure.kind}\n${figure.value}\n${figure.unit}`;
        if (!Number.isFinite(figure.value) || seen.has(key)) continue;
        seen.add(key);
        figures.push(figure);
      }
    }
  }
  return withoutGenericDuplicates(figures);
}

/** True when the text states at least one key figure. */
export function hasFigure(text: string): boolean {
  return extractFigures([text]).length > 0;
}
