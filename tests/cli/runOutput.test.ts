/**
 * `infrawire run` as people and scripts see it (summary table, progress bar
 * on a terminal only, --quiet, --json), the documented exit codes, and help
 * listing every command and option. Real child processes throughout; the
 * terminal is a real pseudo-terminal made by `script` when it is installed.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawTestConfig, ROOT, startFixtureServer, startServer, tempDir } from '../helpers/env.js';
import { BIN, cli, type Run } from '../helpers/cli.js';

const hasScript = spawnSync('script', ['--version']).status === 0;

/** Run the CLI with stdout and stderr on a pseudo-terminal; returns what the terminal showed and the exit code. */
async function cliInTerminal(args: string[]): Promise<Run> {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  try {
    const r = await promisify(execFile)('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('infrawire run output and exit codes', () => {
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let tmp: ReturnType<typeof tempDir>;
  let n = 0;
  beforeAll(async () => {
    fixtures = await startFixtureServer();
    tmp = tempDir();
  });
  afterAll(async () => {
    await fixtures?.stop();
    tmp?.cleanup();
  });

  /** A fresh config file with its own store and feeds. */
  function configFile(extra: Record<string, unknown> = {}): string {
    const name = `c${++n}`;
    const file = join(tmp.dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(rawTestConfig(fixtures.url, undefined, { store: { path: `${name}.db` }, publish: { dir: `${name}-feeds` }, ...extra })));
    return file;
  }

  it('without a terminal: only the summary table on stdout, nothing on stderr', async () => {
    const r = await cli(['run', '--config', configFile()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('\r');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^result +source +format +items +new +kept +note$/);
    expect(lines.slice(1, 8).map((l) => l.split(/\s{2,}/)[1])).toEqual(['DC Wire', 'GPU Cloud Report', 'Chip Letter', 'Power Desk', 'Infra Wire JSON', 'Broken Server', 'Newsroom Page']);
    expect(r.stdout).toMatch(/^ok +GPU Cloud Report +atom +4 +4 +3$/m);
  });

  it('--quiet prints nothing and exits 0; --json prints the summary as JSON only', async () => {
    const file = configFile();
    const quiet = await cli(['run', '--quiet', '--config', file]);
    expect(quiet).toEqual({ code: 0, stdout: '', stderr: '' });
    const json = await cli(['run', '--json', '--config', file]);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    const summary = JSON.parse(json.stdout);
    expect(summary.sources).toHaveLength(7);
    expect(summary).toMatchObject({ itemsSeen: 17, itemsNew: 0 }); // the quiet run stored them
  });

  it.skipIf(!hasScript)('in a terminal: a progress bar over sources, erased, then the summary table', async () => {
    const r = await cliInTerminal(['run', '--config', configFile()]);
    expect(r.code).toBe(0);
    const shown = r.stdout;
    expect(shown).toContain('\r\x1b[2K[------------------------] 0/7 sources  fetching…');
    expect(shown).toMatch(/\r\x1b\[2K\[#{24}\] 7\/7 sources {2}(ok|FAILED) /);
    for (let i = 1; i <= 7; i++) expect(shown).toContain(` ${i}/7 sources`);
    const afterBar = shown.slice(shown.lastIndexOf('\r\x1b[2K') + '\r\x1b[2K'.length);
    expect(afterBar).toMatch(/^result +source +format/);
    expect(afterBar).toContain('sources: 5 ok, 2 failed');

    const plain = await cliInTerminal(['run', '--no-progress', '--config', configFile()]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain('sources  ');
    expect(plain.stdout).not.toContain('\x1b[2K');
    expect(plain.stdout).toMatch(/^result +source/);
  });

  it('exit 1 on a runtime failure: an unusable store, a port already taken', async () => {
    mkdirSync(join(tmp.dir, 'a-directory.db'));
    const store = await cli(['run', '--config', configFile({ store: { path: 'a-directory.db' } })]);
    expect(store.code).toBe(1);
    expect(store.stderr).toBe(`infrawire: cannot open the store ${join(tmp.dir, 'a-directory.db')}: unable to open database file\n`);
    expect(existsSync(join(tmp.dir, 'a-directory.db.lock'))).toBe(false);

    const blocker = await startServer(createServer());
    const port = Number(new URL(blocker.url).port);
    try {
      const taken = await cli(['daemon', '--config', configFile({ server: { port } })]);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain(`infrawire: cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    } finally {
      await blocker.stop();
    }
  });

  it('exit 2 on bad config or usage: invalid config, unknown command or option, bad INFRAWIRE_LOG_LEVEL', async () => {
    const bad = join(tmp.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...rawTestConfig(fixtures.url), log: { level: 'chatty' } }));
    const config = await cli(['run', '--config', bad]);
    expect(config.code).toBe(2);
    expect(config.stderr).toContain('log.level: Invalid option');
    expect((await cli(['frobnicate'])).code).toBe(2);
    const option = await cli(['run', '--frobnicate']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--frobnicate'");
    const env = await cli(['daemon', '--config', configFile({ server: { port: 0 } })], 30_000, { INFRAWIRE_LOG_LEVEL: 'loud' });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('infrawire: INFRAWIRE_LOG_LEVEL="loud" is not a log level');
  });

  it('--help lists every command and the exit codes; each command lists its options; --version', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['run', 'daemon', 'demo', 'schema', 'help']) expect(help.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toMatch(/^ {2}2 {2}invalid config or usage$/m);
    expect(help.stdout).toContain('INFRAWIRE_LOG_LEVEL');
    const options: Record<string, string[]> = {
      run: ['--config <path>', '--json', '--quiet', '--no-progress', '--help'],
      daemon: ['--config <path>', '--help'],
      demo: ['--once', '--dir <path>', '--config <path>', '--help'],
      schema: ['--help'],
    };
    for (const [cmd, opts] of Object.entries(options)) {
      const r = await cli([cmd, '--help']);
      expect(r.code).toBe(0);
      for (const o of opts) expect(r.stdout).toContain(o);
      expect((await cli(['help', cmd])).stdout).toBe(r.stdout);
    }
    const version = await cli(['--version']);
    expect(version).toEqual({ code: 0, stdout: `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`, stderr: '' });
  });
});
