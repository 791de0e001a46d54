/**
 * The `infrawire` command as a user runs it: real child processes, real
 * loopback servers, exit codes and printed output.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli } from '../helpers/cli.js';
import { ROOT, rawTestConfig, startFixtureServer, tempDir, validateAtom } from '../helpers/env.js';

describe('infrawire CLI', () => {
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let tmp: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    fixtures = await startFixtureServer();
    tmp = tempDir();
  });
  afterAll(async () => {
    await fixtures?.stop();
    tmp?.cleanup();
  });

  it('run: one cycle, a summary naming failed sources with reasons, exit 0', async () => {
    const file = join(tmp.dir, 'run.json');
    writeFileSync(file, JSON.stringify(rawTestConfig(fixtures.url, undefined, { store: { path: 'run.db' }, publish: { dir: 'run-feeds' } })));
    const r = await cli(['run', '--config', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('sources: 5 ok, 2 failed');
    expect(r.stdout).toMatch(/^result\s+source\s+format\s+items\s+new\s+kept\s+note$/m);
    expect(r.stdout).toMatch(/^FAILED\s+Broken Server\s+-\s+0\s+0\s+0\s+HTTP 500/m);
    expect(r.stdout).toMatch(/^FAILED\s+Newsroom Page\s+-\s+0\s+0\s+0\s+not a feed/m);
    expect(r.stdout).toMatch(/^ok\s+DC Wire\s+rss2\s+5\s+5\s+3$/m);
    expect(r.stdout).toContain('items: 17 seen, 17 new, 12 kept');
    expect(r.stdout).toMatch(/published: ai-infrastructure, 12 entries/);
    expect(existsSync(join(tmp.dir, 'run-feeds/ai-infrastructure.atom'))).toBe(true);

    const again = await cli(['run', '--config', file, '--json']);
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout);
    expect(summary).toMatchObject({ itemsSeen: 17, itemsNew: 0, itemsKept: 12 });
    expect(summary.feeds[0].changed).toEqual([]);
  });

  it('an invalid config: one line per problem naming the path, exit 2, nothing written', async () => {
    const dir = join(tmp.dir, 'bad');
    const file = join(tmp.dir, 'bad.json');
    const raw = rawTestConfig(fixtures.url, [
      ['a', '/dcwire.rss'],
      ['b', '/gpucloud.atom'],
      ['c', '/x'],
    ]) as { sources: { url: string }[] };
    raw.sources[2]!.url = 'ftp://example.org/feed';
    writeFileSync(file, JSON.stringify({ ...raw, schedule: 'every tuesday', publish: { dir: 'bad/feeds' }, store: { path: 'bad/store.db' } }));
    const r = await cli(['run', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(`infrawire: invalid config ${file}`);
    expect(lines).toContain('sources[2].url: must be an http(s) URL');
    expect(existsSync(dir)).toBe(false);

    writeFileSync(file, JSON.stringify({ ...raw, sources: raw.sources.slice(0, 2), schedule: 'every tuesday' }));
    const cron = await cli(['run', '--config', file]);
    expect(cron.code).toBe(2);
    expect(cron.stderr).toMatch(/^schedule: "every tuesday" is not a valid cron expression/m);
  });

  it('usage errors exit 2; --help and --version exit 0', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['run', 'daemon', 'demo', 'schema']) expect(help.stdout).toContain(cmd);
    const version = await cli(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('exit codes as the README gives them: nothing to do is 0, a malformed argument or JSON is 2', async () => {
    const file = join(tmp.dir, 'codes.json');
    const raw = rawTestConfig(fixtures.url, undefined, { store: { path: 'codes.db' }, publish: { dir: 'codes-feeds' } });
    writeFileSync(file, JSON.stringify(raw, null, 2));
    const listed = await cli(['keywords', 'add', 'gpu', '--config', file]);
    expect([listed.code, listed.stdout.trim(), listed.stderr]).toEqual([0, 'nothing to add: "gpu" already listed', '']);
    const unlisted = await cli(['keywords', 'remove', 'fusion', '--config', file]);
    expect([unlisted.code, unlisted.stderr.trim()]).toEqual([2, 'infrawire: not listed: "fusion" (nothing removed)']);
    const noFeed = await cli(['keywords', 'add', 'x', '--feed', 'nope', '--config', file]);
    expect(noFeed.code).toBe(2);
    const badUrl = await cli(['sources', 'add', 'feeds.example.org/rss', '--config', file]);
    expect([badUrl.code, badUrl.stderr.trim()]).toEqual([2, 'infrawire: sources add: "feeds.example.org/rss" is not an http(s) URL']);
    const badExplain = await cli(['explain', 'not a url', '--config', file]);
    expect([badExplain.code, badExplain.stderr.trim()]).toEqual([2, 'infrawire: explain: "not a url" is not an http(s) URL']);
    const noSource = await cli(['sources', 'remove', 'Nobody', '--config', file]);
    expect(noSource.code).toBe(2);
    // A source that cannot be fetched is a runtime failure, not usage.
    const unreachable = await cli(['sources', 'add', `${fixtures.url}/missing.rss`, '--config', file]);
    expect(unreachable.code).toBe(1);
    writeFileSync(file, JSON.stringify(raw, null, 2).replace('"feeds": [', '"feeds": [,'));
    const syntax = await cli(['run', '--config', file]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/^\(file\): not valid JSON at line \d+, column \d+: expected a value$/m);
  });

  it('run: when no source can be reached, says so and suggests the demo', async () => {
    const file = join(tmp.dir, 'offline.json');
    const raw = rawTestConfig(fixtures.url, [['Gone A', '/nothing-here.rss'], ['Gone B', '/also-missing.rss']], { store: { path: 'offline.db' }, publish: { dir: 'offline-feeds' } });
    writeFileSync(file, JSON.stringify(raw));
    const r = await cli(['run', '--config', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('sources: 0 ok, 2 failed');
    expect(r.stdout).toMatch(/^none of the 2 sources could be reached in this run \(first: HTTP 404.*\): is this machine offline\? `infrawire demo` runs infrawire on built-in sample feeds without a network$/m);
  });

  it('demo --once: serves the fixtures, runs a cycle, prints the feed path and URL', async () => {
    const dir = join(tmp.dir, 'demo');
    const r = await cli(['demo', '--once', '--dir', dir]);
    expect(r.code).toBe(0);
    const path = r.stdout.match(/^feed file: (.+)$/m)?.[1];
    const url = r.stdout.match(/^feed URL: +(http:\/\/127\.0\.0\.1:\d+\/feeds\/ai-infrastructure\.atom)$/m)?.[1];
    expect(path).toBe(join(dir, 'feeds/ai-infrastructure.atom'));
    expect(url).toBeDefined();
    expect(r.stdout).toContain('sources: 5 ok, 2 failed');
    const result = await validateAtom(path!);
    expect(result.code, result.output).toBe(0);
  });

  it('demo: serves a status page whose source table shows each source\'s state; exits 0 on Ctrl-C', async () => {
    const child = spawn(process.execPath, [BIN, 'demo', '--dir', join(tmp.dir, 'demo-live')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!/until Ctrl-C/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const page = out.match(/^status page: (http:\/\/127\.0\.0\.1:\d+\/)$/m)?.[1];
      expect(page, out).toBeDefined();
      const html = await (await fetch(page!)).text();
      const row = (name: string) => html.match(new RegExp(`<tr data-source="${name}">(.*?)</tr>`))?.[1] ?? '';
      expect(row('DC Wire')).toMatch(/class="health ok"/);
      expect(row('Broken Server')).toMatch(/class="health failing"/);
      expect(row('Broken Server')).toContain('HTTP 500');
      expect(html).toContain('5 of 7 sources healthy');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('daemon: a cycle at start-up, feeds served over HTTP, clean exit on SIGTERM', async () => {
    const file = join(tmp.dir, 'daemon.json');
    writeFileSync(
      file,
      JSON.stringify(rawTestConfig(fixtures.url, undefined, { server: { host: '127.0.0.1', port: 0 }, store: { path: 'daemon.db' }, publish: { dir: 'daemon-feeds' } })),
    );
    const child = spawn(process.execPath, [BIN, 'daemon', '--config', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!/cycle done/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/cycle done: 5\/7 sources ok, 17 items seen, 17 new, 12 kept/);
      const records = out.trim().split('\n').map((l) => JSON.parse(l));
      expect(records).toContainEqual(expect.objectContaining({ level: 'warn', event: 'source-state', source: 'Broken Server', from: 'new', to: 'failing' }));
      const base = out.match(/serving the status page at (http:\/\/127\.0\.0\.1:\d+)\//)![1];
      const res = await fetch(`${base}/feeds/ai-infrastructure.atom`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
      expect(await res.text()).toContain('Nscale raises $1.9 billion');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(readdirSync(join(tmp.dir, 'daemon-feeds')).sort()).toEqual(['ai-infrastructure.atom', 'ai-infrastructure.json', 'ai-infrastructure.rss']);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
