/**
 * Which build `bin/infrawire.js` runs: the compiled one (dist/, made by
 * `npm run build`, which `npm ci` runs) only while it is newer than every
 * source file, else the TypeScript sources through tsx. Checked on a copy of
 * the launcher in a scratch package whose two entry points say which one ran,
 * and on the real build: `tsc -p tsconfig.build.json` into a scratch folder,
 * whose worker thread must load without tsx. And the Node options on the
 * launcher's first line: applied when it is run itself, repeated by npm start
 * and the container.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launcherNodeFlags } from '../../src/cli/launcher.js';
import { BIN } from '../helpers/cli.js';
import { ROOT, tempDir } from '../helpers/env.js';

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
      const r = await pool.run({ source: 'DC Wire', body, contentType: 'application/rss+xml', url: 'http://127.0.0.1/dcwire.rss', maxItems: 100, now: new Date().toISOString(), options: {}, normalizedWith: 'no options' });
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

describe("bin/infrawire.js: its Node options (the launcher's first line)", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => (tmp = tempDir()));
  afterAll(() => tmp?.cleanup());

  const HEAP_LIMIT = "process.stderr.write(`heap_size_limit=${require('v8').getHeapStatistics().heap_size_limit}\\n`)";
  const limitMb = (stderr: string) => Number(/heap_size_limit=(\d+)/.exec(stderr)?.[1]) / 2 ** 20;

  it('run as itself, infrawire has the heap ceiling its first line sets; node started with launcherNodeFlags() (the bench) has the same', async () => {
    const flags = launcherNodeFlags();
    const ceiling = Number(flags.find((f) => f.startsWith('--max-old-space-size='))?.split('=')[1]);
    expect(ceiling).toBeGreaterThan(0);
    const preload = join(tmp.dir, 'heap-limit.cjs');
    writeFileSync(preload, `${HEAP_LIMIT};\n`);
    // Executed directly, not through `node`: the kernel reads the first line (env -S splits it).
    const direct = await run(BIN, ['--version'], { timeout: 30_000, env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}` } });
    expect(direct.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const seen = limitMb(direct.stderr);
    // V8's limit is the old generation's ceiling plus the young generation's (tens of MB).
    expect(seen).toBeGreaterThanOrEqual(ceiling);
    expect(seen).toBeLessThan(ceiling + 256);
    const benchLike = await run(process.execPath, [...flags, '-e', HEAP_LIMIT], { timeout: 30_000 });
    expect(limitMb(benchLike.stderr)).toBe(seen);
  });

  it('npm start and the container start node with the same options as the launcher', () => {
    const options = (command: string | undefined) => /^node((?: --?\S+)*) bin\/infrawire\.js daemon$/.exec(command ?? '')?.[1]?.trim().split(' ');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(options(pkg.scripts.start)).toEqual(launcherNodeFlags());
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
    expect(options((JSON.parse(cmd ?? '[]') as string[]).join(' '))).toEqual(launcherNodeFlags());
  });

  it('a launcher whose first line is not "#!/usr/bin/env -S node [options]" is an error naming it', () => {
    const other = join(tmp.dir, 'other.js');
    writeFileSync(other, '#!/usr/bin/env node\nconsole.log(1);\n');
    expect(() => launcherNodeFlags(other)).toThrow(`${other}: the first line must be "#!/usr/bin/env -S node [--option...]", not "#!/usr/bin/env node"`);
    writeFileSync(other, '#!/usr/bin/env -S node --max-old-space-size=512 --stack-size=2000\n');
    expect(launcherNodeFlags(other)).toEqual(['--max-old-space-size=512', '--stack-size=2000']);
  });
});
