/**
 * What some tests need from outside npm, and whether this machine has it.
 *
 * Rules:
 * - `needs(...)` says whether everything named is here; its `describe`/`it`
 *   register a suite or test that skips (vitest's `skipIf`), with one printed
 *   line naming what to install (`skipped: needs Debian package newsboat
 *   (apt-get install newsboat)`), when something is missing. Under CI=true
 *   nothing skips: the suite or test is replaced by one that fails with the
 *   same words.
 * - Programs are found on PATH only, so a PATH without them hides them:
 *   Python is $INFRAWIRE_PYTHON, else the first `python3` on PATH that can
 *   import feedparser (Debian's /usr/bin/python3 with python3-feedparser, when
 *   /usr/bin is on PATH); Chromium is $INFRAWIRE_CHROMIUM, else `chromium` on PATH.
 * - The shared folder (validators, corpora) is $INFRAWIRE_SHARED, else `../shared`
 *   beside the clone; a user's clone has none.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { describe, it, type TestFunction, type TestOptions } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

export const SHARED = process.env.INFRAWIRE_SHARED ? resolve(process.env.INFRAWIRE_SHARED) : resolve(ROOT, '../shared');
export const VALIDATOR = join(SHARED, 'validators/validate-atom.sh');

/** CI=true (or any value but "", "0" and "false"): nothing may skip. */
export const IN_CI = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());

export type Requirement =
  | 'jing'
  | 'xmllint'
  | 'xsltproc'
  | 'newsboat'
  | 'chromium'
  | 'feedparser'
  | 'validator'
  | 'corpus/feedparser'
  | 'corpus/w3c-feedvalidator';

/** The Debian package behind each program. */
const PACKAGE: Partial<Record<Requirement, string>> = {
  jing: 'jing',
  xmllint: 'libxml2-utils',
  xsltproc: 'xsltproc',
  newsboat: 'newsboat',
  chromium: 'chromium',
  feedparser: 'python3-feedparser',
};

/** Every executable file of that name on PATH, in PATH order. */
function pathEntries(name: string): string[] {
  const found: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = dir && join(dir, name);
    try {
      if (file && statSync(file).isFile()) {
        accessSync(file, constants.X_OK);
        found.push(file);
      }
    } catch {
      // not here
    }
  }
  return found;
}

export const onPath = (name: string): string | undefined => pathEntries(name)[0];

let python: string | null | undefined;
/** A Python that imports feedparser: $INFRAWIRE_PYTHON, else the first such `python3` on PATH. */
export function pythonWithFeedparser(): string | undefined {
  if (python === undefined) {
    const candidates = process.env.INFRAWIRE_PYTHON ? [process.env.INFRAWIRE_PYTHON] : [...new Set(pathEntries('python3'))];
    python = candidates.find((p) => spawnSync(p, ['-c', 'import feedparser'], { stdio: 'ignore', timeout: 30_000 }).status === 0) ?? null;
  }
  return python ?? undefined;
}

/** Chromium: $INFRAWIRE_CHROMIUM, else `chromium` on PATH. */
export function chromiumPath(): string | undefined {
  const given = process.env.INFRAWIRE_CHROMIUM;
  if (given) return existsSync(given) ? given : undefined;
  return onPath('chromium');
}

function present(r: Requirement): boolean {
  switch (r) {
    case 'feedparser':
      return pythonWithFeedparser() !== undefined;
    case 'chromium':
      return chromiumPath() !== undefined;
    case 'validator':
      return existsSync(VALIDATOR) && (['jing', 'xmllint', 'xsltproc'] as const).every(present);
    case 'corpus/feedparser':
    case 'corpus/w3c-feedvalidator':
      return existsSync(join(SHARED, r, 'index.tsv'));
    default:
      return onPath(r) !== undefined;
  }
}

/** What to install for the missing requirements, as one phrase. */
export function installNote(missing: Requirement[]): string {
  // The validator is the script and its three programs: name only what is missing.
  const expanded = missing.flatMap((r): Requirement[] =>
    r === 'validator' ? [...(existsSync(VALIDATOR) ? [] : [r]), ...(['jing', 'xmllint', 'xsltproc'] as const).filter((x) => !present(x))] : [r],
  );
  const packages = [...new Set(expanded.map((r) => PACKAGE[r]).filter((p): p is string => !!p))];
  const files = [...new Set(expanded.filter((r) => !PACKAGE[r]).map((r) => (r === 'validator' ? VALIDATOR : join(SHARED, r))))];
  const parts: string[] = [];
  if (packages.length) parts.push(`Debian package${packages.length > 1 ? 's' : ''} ${packages.join(', ')} (apt-get install ${packages.join(' ')})`);
  if (files.length) parts.push(`${files.join(', ')} (the project's shared folder beside the clone, or INFRAWIRE_SHARED=DIR)`);
  return `needs ${parts.join(' and ')}`;
}

export interface Need {
  /** Everything named is here. */
  present: boolean;
  /** Something is missing and this is not CI. */
  skip: boolean;
  /** What to install ("" when nothing is missing). */
  note: string;
  /** A suite that runs when everything is here (see the header for the other cases). */
  describe(name: string, fn: () => void): void;
  /** A test that runs when everything is here (see the header for the other cases). */
  it(name: string, fn: TestFunction): void;
  it(name: string, options: TestOptions, fn: TestFunction): void;
}

const printed = new Set<string>();

/** Whether these are here; prints `skipped: NOTE` once when the caller is to skip. */
export function needs(...requirements: Requirement[]): Need {
  const missing = requirements.filter((r) => !present(r));
  const note = missing.length ? installNote(missing) : '';
  const skip = missing.length > 0 && !IN_CI;
  if (skip && !printed.has(note)) {
    printed.add(note);
    // validateAtom still runs the own check: say which part is skipped.
    console.log(`skipped: ${requirements.includes('validator') ? 'the external Atom validator: ' : ''}${note}`);
  }
  const failing = missing.length > 0 && IN_CI;
  const fail = () => {
    throw new Error(`${note} (CI=true: nothing may skip)`);
  };
  return {
    present: !missing.length,
    skip,
    note,
    describe: (name, fn) => (failing ? describe(name, () => it('has what it needs', fail)) : describe.skipIf(skip)(name, fn)),
    it: (name: string, a: TestOptions | TestFunction, b?: TestFunction) => {
      const [options, fn] = typeof a === 'function' ? [{}, a] : [a, b!];
      if (failing) it(name, options, fail);
      else it.skipIf(skip)(name, options, fn);
    },
  };
}
