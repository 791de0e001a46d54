/**
 * Regular expressions from config, run on a linear-time engine (re2js).
 *
 * Rules:
 * - No pattern from config may stall a cycle: RE2 has no backtracking, so
 *   `(a+)+$` on a long adversarial string costs linear time, not exponential.
 * - Case-insensitive, like keywords. Matching runs on the same folded
 *   (diacritic-free) text as keywords, so patterns should be written without
 *   accents.
 * - A pattern RE2 cannot compile (backreferences, lookarounds) is a config
 *   error naming its path, found at load, never mid-cycle.
 */
import { RE2JS } from 're2js';

export interface LinearRegex {
  source: string;
  /** The first match in `text`, or undefined. */
  find(text: string): string | undefined;
}

export function compileLinearRegex(source: string): LinearRegex {
  const re = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  return {
    source,
    find(text) {
      const m = re.matcher(text);
      return m.find() ? m.group(0) ?? '' : undefined;
    },
  };
}

/** Why RE2 refuses a pattern, or undefined when it compiles. */
export function regexProblem(source: string): string | undefined {
  try {
    RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
