/**
 * The import rules of .dependency-cruiser.cjs hold over src/: stages import
 * only downward, no file or folder cycle, no test code from src. Cruised with
 * dependency-cruiser's public API, so a violation fails `npm test`, listed as
 * `from → to (rule)`. A synthetic tree breaking each rule proves they can fail.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Every violation of the project's rules in `root`'s src/, as `from → to (rule)`; a cycle lists its path. */
async function layerViolations(root: string): Promise<string[]> {
  const options = await extractDepcruiseOptions(join(REPO, '.dependency-cruiser.cjs'));
  const tsConfigFile = join(root, 'tsconfig.json');
  const result = await cruise(
    ['src'],
    { ...options, baseDir: root, tsConfig: { fileName: tsConfigFile } },
    {},
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  const { summary } = result.output as ICruiseResult;
  return summary.violations.map((v) => {
    const cycle = v.cycle?.length ? ` via ${v.cycle.map((step) => step.name).join(' → ')}` : '';
    return `${v.from} → ${v.to} (${v.rule.name})${cycle}`;
  });
}

describe('src/ keeps the layer rules', () => {
  it('has no upward import, no file or folder cycle and no import of tests', async () => {
    const violations = await layerViolations(REPO);
    expect(violations, `import rule violations:\n${violations.join('\n')}`).toEqual([]);
  });
});

describe('the rules catch what they forbid', () => {
  const root = mkdtempSync(join(tmpdir(), 'infrawire-layers-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function write(path: string, text: string): void {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }

  it('reports an upward import (type-only too), a file cycle, a folder cycle, a stray folder and a test import', async () => {
    write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, verbatimModuleSyntax: true }, include: ['src', 'tests'] }));
    // model (the lowest stage) imports cli (the highest); config imports a store type only.
    write('src/cli/main.ts', 'export const command = "run";\n');
    write('src/model/up.ts', 'import { command } from "../cli/main.js";\nexport const name = command;\n');
    write('src/store/types.ts', 'export interface Row { id: string }\n');
    write('src/config/typeOnly.ts', 'import type { Row } from "../store/types.js";\nexport const rows: Row[] = [];\n');
    // Two lib files importing each other.
    write('src/lib/a.ts', 'import { b } from "./b.js";\nexport const a = () => b();\n');
    write('src/lib/b.ts', 'import { a } from "./a.js";\nexport const b = (): number => (a ? 1 : 0);\n');
    // parse and normalize import each other's files, with no file cycle: a folder cycle.
    write('src/parse/escape.ts', 'export const escape = (text: string) => text;\n');
    write('src/normalize/clean.ts', 'import { escape } from "../parse/escape.js";\nexport const clean = escape;\n');
    write('src/parse/read.ts', 'import { clean } from "../normalize/clean.js";\nexport const read = clean;\n');
    // A folder that is no stage, and production code reaching into tests.
    write('src/extras/tool.ts', 'import { name } from "../model/up.js";\nexport const tool = name;\n');
    write('tests/fixture.ts', 'export const fixture = 1;\n');
    write('src/parse/usesTest.ts', 'import { fixture } from "../../tests/fixture.js";\nexport const parsed = fixture;\n');

    const violations = await layerViolations(root);
    expect(violations).toEqual(expect.arrayContaining([
      'src/model/up.ts → src/cli/main.ts (no-upward-import-from-model)',
      'src/config/typeOnly.ts → src/store/types.ts (no-upward-import-from-config)',
      expect.stringMatching(/^src\/lib\/(a|b)\.ts → src\/lib\/(a|b)\.ts \(no-circular-files\)/),
      'src/parse/read.ts → src/normalize/clean.ts (no-upward-import-from-parse)',
      'src/parse → src/normalize (no-circular-folders) via src/normalize → src/parse',
      'src/extras/tool.ts → src/model/up.ts (only-stage-folders)',
      'src/parse/usesTest.ts → tests/fixture.ts (no-tests-from-src)',
    ]));
    // The folder cycle is not a file cycle: only the lib pair is reported as one.
    expect(violations.filter((v) => v.includes('(no-circular-files)')).every((v) => v.startsWith('src/lib/'))).toBe(true);
  });
});
