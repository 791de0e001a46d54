/**
 * Which build `bin/infrawire.js` runs: the compiled one (dist/, made by
 * `npm run build`, which `npm ci` runs) only while it is newer than every
 * source file, else the TypeScript sources through tsx. Checked on a copy of
 * the launcher in a scratch package whose two entry points say which one ran,
 * and on the real build: `tsc -p tsconfig.build.json` into a scratch folder,
 * whose worker thread must load without tsx.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers/env.js';

const run = promisify(execFile);

describe('bin/infrawire.js: compiled build or sources', () => {
  let tmp: ReturnType<typeof tempDir>;
  let launcher: string;
  const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

  beforeAll(() => {
    tmp = tempDir();
    mkdirSync(join(tmp.dir, 'bin'));
    mkdirSync(join(tmp.dir, 'src/cli'), { recursive: true });
    mkdirSync(join(tmp.dir, 'dist/src/cli'), { recursive: true });
    launcher = join(tmp.dir, 'bin/infrawire.js');
    copyFileSync(join(ROOT, 'bin/infrawire.js'), launcher);
    writeFileSync(join(tmp.dir, 'package.json'), '{"type":"module"}');
    symlinkSync(join(ROOT, 'node_modules'), join(tmp.dir, 'node_modules'));
    // The TypeScript entry uses a type annotation, so it only loads through tsx.
    writeFileSync(join(tmp.dir, 'src/cli/main.ts'), "const from: string = 'sources';\nconsole.log(from);\n");
    writeFileSync(join(tmp.dir, 'src/cli/other.ts'), 'export {};\n');
    writeFileSync(join(tmp.dir, 'dist/src/cli/main.js'), "console.log('compiled');\n");
  });
  afterAll(() => tmp?.cleanup());

  const which = async () => (await run(process.execPath, [launcher], { timeout: 30_000 })).stdout.trim();

  it('runs the build while it is newer than every source file', async () => {
    for (const f of ['src/cli/main.ts', 'src/cli/other.ts', 'src/cli', 'src']) at(join(tmp.dir, f), 1_000_000);
    at(join(tmp.dir, 'dist/src/cli/main.js'), 2_000_000);
    expect(await which()).toBe('compiled');
  });

  it('runs the sources once any source file (or folder: a file added or removed) is newer than the build', async () => {
    at(join(tmp.dir, 'src/cli/other.ts'), 3_000_000);
    expect(await which()).toBe('sources');
    at(join(tmp.dir, 'src/cli/other.ts'), 1_000_000);
    at(join(tmp.dir, 'src/cli'), 3_000_000);
    expect(await which()).toBe('sources');
  });

  it('runs the sources when there is no build', async () => {
    const fresh = tempDir();
    try {
      mkdirSync(join(fresh.dir, 'bin'));
      mkdirSync(join(fresh.dir, 'src/cli'), { recursive: true });
      copyFileSync(launcher, join(fresh.dir, 'bin/infrawire.js'));
      writeFileSync(join(fresh.dir, 'package.json'), '{"type":"module"}');
      symlinkSync(join(ROOT, 'node_modules'), join(fresh.dir, 'node_modules'));
      copyFileSync(join(tmp.dir, 'src/cli/main.ts'), join(fresh.dir, 'src/cli/main.ts'));
      expect((await run(process.execPath, [join(fresh.dir, 'bin/infrawire.js')], { timeout: 30_000 })).stdout.trim()).toBe('sources');
    } finally {
      fresh.cleanup();
    }
  });
});

describe('the compiled build', () => {
  let out: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    out = tempDir();
    await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out.dir], { cwd: ROOT, timeout: 240_000 });
  }, 250_000);
  afterAll(() => out?.cleanup());

  it('parses in a worker thread that loads the compiled worker (worker.mjs, which registers tsx, is not in the build)', async () => {
    // The build sits in a scratch folder here, so it finds the package's files (package.json) by walking up: give it a package.json.
    copyFileSync(join(ROOT, 'package.json'), join(out.dir, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(out.dir, 'node_modules'));
    expect(existsSync(join(out.dir, 'src/pool/worker.js'))).toBe(true);
    expect(existsSync(join(out.dir, 'src/pool/worker.mjs'))).toBe(false);
    const program = `
      const { createParsePool } = await import(${JSON.stringify(join(out.dir, 'src/pool/index.js'))});
      const { readFileSync } = await import('node:fs');
      const pool = createParsePool({ size: 1, taskTimeoutMs: 30000, maxMemoryMb: 256 });
      const body = readFileSync(${JSON.stringify(join(ROOT, 'fixtures/sources/dcwire.rss'))});
      const r = await pool.run({ source: 'DC Wire', body, contentType: 'application/rss+xml', url: 'http://127.0.0.1/dcwire.rss', maxItems: 100, now: new Date().toISOString(), options: {} });
      await pool.close();
      console.log(JSON.stringify({ format: r.format, items: r.items.length, title: r.items[0]?.normalized?.article.title }));`;
    // A file, not -e: worker threads inherit the process's flags, and --input-type is refused there.
    writeFileSync(join(out.dir, 'check.mjs'), program);
    const { stdout } = await run(process.execPath, [join(out.dir, 'check.mjs')], { cwd: out.dir, timeout: 60_000 });
    const r = JSON.parse(stdout) as { format: string; items: number; title: string };
    expect(r.format).toBe('rss2');
    expect(r.items).toBe(5);
    expect(r.title).toBeTruthy();
  });
});
