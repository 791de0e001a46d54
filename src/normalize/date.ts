/**
 * Feed dates → UTC instants.
 *
 * Rules:
 * - Two shapes are read: RFC 822/1123 (RSS) and ISO 8601/RFC 3339 (Atom, JSON
 *   Feed). Anything else is garbage and yields undefined; a wrong date is worse
 *   than none, so nothing is guessed (Date.parse happily turns "hello 2020" into
 *   a date, hence the parsing here is done by hand).
 * - A date without a zone is UTC, never the server's local time, so output does
 *   not depend on where infrawire runs.
 * - Impossible dates (Feb 30, 25:00) are rejected instead of rolled over.
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
  offsetMinutes: number; // local time = UTC + offset
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const RFC822 = /^(?:[a-z]+,?\s*)?(\d{1,2})\s+([a-z]{3,})\.?,?\s+(\d{4}|\d{2})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s+(.+))?$/i;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** RFC 822 zone names plus a few that feeds commonly use, in minutes east of UTC. */
const ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  CET: 60, CEST: 120, BST: 60, EET: 120, EEST: 180, JST: 540, KST: 540, AEST: 600, AEDT: 660,
};

/** "+02:00", "+0200", "-05", "Z" → minutes east of UTC. */
function numericOffset(zone: string): number | undefined {
  const match = /^(?:GMT|UTC)?([+-])(\d{2}):?(\d{2})?$/i.exec(zone);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '-' ? -minutes : minutes;
}

function zoneOffset(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  return ZONES[zone.toUpperCase()] ?? numericOffset(zone);
}

function num(value: string | undefined): number {
  return value === undefined ? 0 : Number(value);
}

function parseIso(raw: string): DateParts | undefined {
  const m = ISO.exec(raw);
  if (!m) return undefined;
  const offsetMinutes = zoneOffset(m[8]);
  if (offsetMinutes === undefined) return undefined;
  return {
    year: num(m[1]), month: num(m[2]), day: num(m[3]),
    hour: num(m[4]), minute: num(m[5]), second: num(m[6]),
    ms: Number(((m[7] ?? '') + '000').slice(0, 3)),
    offsetMinutes,
  };
}

function parseRfc822(raw: string): DateParts | undefined {
  const m = RFC822.exec(raw);
  if (!m) return undefined;
  const month = MONTHS.indexOf((m[2] ?? '').slice(0, 3).toLowerCase()) + 1;
  const offsetMinutes = zoneOffset(m[7]);
  if (month === 0 || offsetMinutes === undefined) return undefined;
  const year = num(m[3]);
  return {
    year: (m[3] ?? '').length === 2 ? year + (year < 50 ? 2000 : 1900) : year,
    month, day: num(m[1]),
    hour: num(m[4]), minute: num(m[5]), second: num(m[6]), ms: 0,
    offsetMinutes,
  };
}

/** Builds the instant, rejecting out-of-range fields instead of letting Date roll them over. */
function toDate(p: DateParts): Date | undefined {
  const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, Math.min(p.second, 59), p.ms);
  const check = new Date(local);
  const valid =
    check.getUTCFullYear() === p.year && check.getUTCMonth() === p.month - 1 &&
    check.getUTCDate() === p.day && check.getUTCHours() === p.hour &&
    check.getUTCMinutes() === p.minute && p.second <= 60;
  return valid ? new Date(local - p.offsetMinutes * 60_000) : undefined;
}

export function parseDate(raw: string | undefined): Date | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  const parts = parseIso(text) ?? parseRfc822(text);
  return parts && toDate(parts);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Missing or invalid → undefined; too far in the future → the first-seen time. */
function clamp(date: Date | undefined, firstSeen: Date, maxFuture: number): Date | undefined {
  if (!date || Number.isNaN(date.getTime())) return undefined;
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
