/**
 * Feed dates → UTC instants.
 *
 * Rules:
 * - Three shapes are read: RFC 822/1123 (RSS) with its real-world variants
 *   (no weekday, two-digit years, named zones, "GMT+7", common German, French,
 *   Spanish, Italian and Dutch month names), ISO 8601/RFC 3339 (Atom, JSON
 *   Feed), and Unix timestamps (10 digits: seconds, 13 digits: milliseconds).
 *   Anything else is garbage and yields undefined; a wrong date is worse than
 *   none, so nothing is guessed (Date.parse happily turns "hello 2020" into a
 *   date, hence the parsing here is done by hand).
 * - A date without a zone is read in the source's configured IANA time zone,
 *   UTC by default, never the server's local time, so output does not depend on
 *   where infrawire runs.
 * - Impossible dates (Feb 30, 25:00, offsets beyond -12/+14) are rejected
 *   instead of rolled over.
 * - Sources lie about the future (scheduled posts, broken clocks): a date too far
 *   ahead of when we first saw the item is replaced by that first-seen time.
 */

interface DateParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** Local time = UTC + offset; undefined when the source wrote no zone. */
  offsetMinutes: number | undefined;
}

export interface DateOptions {
  /** IANA zone for dates written without one; UTC when absent. */
  timezone?: string;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|[a-z]{2,5})?$/i;
const RFC822 = /^(?:\p{L}+\.?,?\s*)?(\d{1,2})\.?\s+(\p{L}{3,})\.?,?\s+(\d{4}|\d{2})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s+(.+?))?(?:\s*\([^()]*\))?$/iu;
const UNIX_SECONDS = /^\d{9,10}$/;
const UNIX_MILLISECONDS = /^\d{12,13}$/;
/** Month names by month: English, then German, French, Spanish, Italian, Dutch (full names and common abbreviations). */
const MONTH_NAMES: readonly string[][] = [
  ['jan', 'january', 'januar', 'jän', 'janvier', 'janv', 'enero', 'ene', 'gennaio', 'gen', 'januari'],
  ['feb', 'february', 'februar', 'février', 'févr', 'fév', 'febrero', 'febbraio', 'februari'],
  ['mar', 'march', 'märz', 'mär', 'mars', 'marzo', 'maart', 'mrt'],
  ['apr', 'april', 'avril', 'avr', 'abril', 'abr', 'aprile'],
  ['may', 'mai', 'mayo', 'maggio', 'mag', 'mei'],
  ['jun', 'june', 'juni', 'juin', 'junio', 'giugno', 'giu'],
  ['jul', 'july', 'juli', 'juillet', 'juil', 'julio', 'luglio', 'lug'],
  ['aug', 'august', 'août', 'agosto', 'ago', 'augustus'],
  ['sep', 'sept', 'september', 'septembre', 'septiembre', 'settembre', 'set'],
  ['oct', 'october', 'oktober', 'okt', 'octobre', 'octubre', 'ottobre', 'ott'],
  ['nov', 'november', 'novembre', 'noviembre'],
  ['dec', 'december', 'dezember', 'dez', 'décembre', 'déc', 'diciembre', 'dic', 'dicembre'],
];
const MONTHS = new Map<string, number>(MONTH_NAMES.flatMap((names, i) => names.map((name) => [name, i + 1] as [string, number])));
/** RFC 822 zone names plus those feeds commonly use, in minutes east of UTC. */
const ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0, WET: 0,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  AKST: -540, AKDT: -480, HST: -600, AST: -240, ADT: -180, NST: -210, NDT: -150,
  CET: 60, CEST: 120, MEZ: 60, MESZ: 120, BST: 60, WEST: 60, EET: 120, EEST: 180, MSK: 180,
  IST: 330, SGT: 480, HKT: 480, JST: 540, KST: 540, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
};
const MAX_OFFSET_MINUTES = 14 * 60;

/** "+02:00", "+0200", "-05", "GMT+7", "UTC-3:30" → minutes east of UTC. */
function numericOffset(zone: string): number | undefined {
  const match = /^(?:GMT|UTC|UT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(zone);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  if (minutes > MAX_OFFSET_MINUTES || Number(match[3] ?? 0) >= 60) return undefined;
  return match[1] === '-' ? -minutes : minutes;
}

/** undefined zone → undefined offset (no zone written); an unknown zone → null (garbage). */
function zoneOffset(zone: string | undefined): number | undefined | null {
  if (!zone) return undefined;
  return ZONES[zone.toUpperCase()] ?? numericOffset(zone) ?? null;
}

function num(value: string | undefined): number {
  return value === undefined ? 0 : Number(value);
}

function parseIso(raw: string): DateParts | undefined {
  const m = ISO.exec(raw);
  if (!m) return undefined;
  const offsetMinutes = zoneOffset(m[8]);
  if (offsetMinutes === null) return undefined;
  return {
    year: num(m[1]), month: num(m[2]), day: num(m[3]),
    hour: num(m[4]), minute: num(m[5]), second: num(m[6]),
    ms: Number(((m[7] ?? '') + '000').slice(0, 3)),
    offsetMinutes,
  };
}

function monthNumber(name: string): number | undefined {
  const key = name.toLowerCase();
  return MONTHS.get(key) ?? (/^[a-z]+$/.test(key) && key.length > 3 ? MONTHS.get(key.slice(0, 3)) : undefined);
}

function parseRfc822(raw: string): DateParts | undefined {
  const m = RFC822.exec(raw);
  if (!m) return undefined;
  const month = monthNumber(m[2] ?? '');
  const offsetMinutes = zoneOffset(m[7]);
  if (month === undefined || offsetMinutes === null) return undefined;
  const year = num(m[3]);
  return {
    year: (m[3] ?? '').length === 2 ? year + (year < 50 ? 2000 : 1900) : year,
    month, day: num(m[1]),
    hour: num(m[4]), minute: num(m[5]), second: num(m[6]), ms: 0,
    offsetMinutes,
  };
}

function parseUnix(raw: string): Date | undefined {
  if (UNIX_SECONDS.test(raw)) return new Date(Number(raw) * 1000);
  if (UNIX_MILLISECONDS.test(raw)) return new Date(Number(raw));
  return undefined;
}

/** One formatter per configured zone: building one is slow, and the zones come from config, so they are few. */
const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timezone: string): Intl.DateTimeFormat {
  let formatter = zoneFormatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone, hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    zoneFormatters.set(timezone, formatter);
  }
  return formatter;
}

/** Minutes east of UTC that `timezone` is at `instant` (DST included). */
function zoneOffsetAt(instant: number, timezone: string): number {
  const parts = zoneFormatter(timezone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/**
 * UTC instant of a zone-less local time in `timezone`. A local time that falls
 * into a DST gap (02:30 on a spring-forward night) is read with the offset
 * before the change, so it lands just after the gap, as clocks would show it.
 */
function localToUtc(local: number, timezone: string | undefined): number {
  if (!timezone) return local;
  const guessOffset = zoneOffsetAt(local, timezone);
  const offset = zoneOffsetAt(local - guessOffset * 60_000, timezone);
  const candidate = local - offset * 60_000;
  if (zoneOffsetAt(candidate, timezone) === offset) return candidate;
  return local - Math.min(guessOffset, offset) * 60_000;
}

/** Builds the instant, rejecting out-of-range fields instead of letting Date roll them over. */
function toDate(p: DateParts, options: DateOptions): Date | undefined {
  const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, Math.min(p.second, 59), p.ms);
  const check = new Date(local);
  const valid =
    check.getUTCFullYear() === p.year && check.getUTCMonth() === p.month - 1 &&
    check.getUTCDate() === p.day && check.getUTCHours() === p.hour &&
    check.getUTCMinutes() === p.minute && p.second <= 60;
  if (!valid) return undefined;
  const utc = p.offsetMinutes === undefined ? localToUtc(local, options.timezone) : local - p.offsetMinutes * 60_000;
  return new Date(utc);
}

export function parseDate(raw: string | undefined, options: DateOptions = {}): Date | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  const unix = parseUnix(text);
  if (unix) return unix;
  const parts = parseIso(text) ?? parseRfc822(text);
  return parts && toDate(parts, options);
}
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * No news item predates the web: a date before 1991 is a source's bug (the Unix
 * epoch from a zero timestamp, "0001-01-01" from an empty field), read as missing.
 */
export const EARLIEST_DATE_MS = Date.UTC(1991, 0, 1);

/** Missing, invalid or before the web → undefined; too far in the future → the first-seen time. */
function clamp(date: Date | undefined, firstSeen: Date, maxFuture: number): Date | undefined {
  if (!date || Number.isNaN(date.getTime()) || date.getTime() < EARLIEST_DATE_MS) return undefined;
  return date.getTime() - firstSeen.getTime() > maxFuture ? firstSeen : date;
}

export function resolveDates(
  published: Date | undefined,
  updated: Date | undefined,
  firstSeen: Date,
  maxFuture: number = DAY_MS,
): { published: string; updated: string } {
  const sourceUpdated = clamp(updated, firstSeen, maxFuture);
  const pub = clamp(published, firstSeen, maxFuture) ?? sourceUpdated ?? firstSeen;
  const upd = sourceUpdated && sourceUpdated > pub ? sourceUpdated : pub;
  return { published: pub.toISOString(), updated: upd.toISOString() };
}
