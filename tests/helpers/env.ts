/**
 * Shared test setup: temp folders, test servers on 127.0.0.1 (every one starts
 * through startServer; serveDir serves a folder of fixtures), configs pointing
 * at them, the Atom checks.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DEMO_SOURCES } from '../../src/cli/demo.js';
import { parseConfig, type LoadedConfig } from '../../src/config/index.js';
import { close, createFixtureServer, listen } from '../../src/serve/index.js';
import { checkAtomFile, formatProblems, type AtomProblem } from './atomCheck.js';
import { IN_CI, needs, VALIDATOR } from './tools.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const FIXTURES = join(ROOT, 'fixtures/sources');
export { VALIDATOR };

export const TEST_KEYWORDS = ['Nscale', 'CoreWeave', 'Lambda', 'Nvidia', 'AMD', 'data center', 'GPU', 'GPU cluster', 'AI infrastructure', 'AI cloud', 'gigawatt', 'megawatt', 'hyperscaler', 'semiconductor', 'chip', 'accelerator', 'power purchase agreement', 'H100', 'liquid cooling', 'colocation', 'AI'];

/** The good fixture sources plus one HTTP 500 and one HTML page: the demo's own list. */
export const FIXTURE_SOURCES: [string, string][] = DEMO_SOURCES;

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'infrawire-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestServer {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  server: Server;
  /** Closes the server and its open connections. */
  stop: () => Promise<void>;
}

/** A test server on 127.0.0.1 at a free port: a handler, or a server made elsewhere (the fixture or feed server). */
export async function startServer(handler: RequestListener | Server): Promise<TestServer> {
  const server = typeof handler === 'function' ? createServer(handler) : handler;
  const url = await listen(server, '127.0.0.1', 0);
  return { url, server, stop: () => close(server) };
}

/** A loopback port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const { url, stop } = await startServer(createServer());
  await stop();
  return Number(new URL(url).port);
}

/** A loopback server for one folder of feeds (the fixture server's rules). */
export function serveDir(dir: string): Promise<TestServer> {
  return startServer(createFixtureServer(dir));
}

/** The fixture server: `fixtures/sources` on loopback. */
export function startFixtureServer(): Promise<TestServer> {
  return serveDir(FIXTURES);
}

export function rawTestConfig(fixturesUrl: string, sources = FIXTURE_SOURCES, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    // Pages are not fetched unless a test asks (fullText): the fixtures' items link to hosts off 127.0.0.1.
    sources: sources.map(([name, path]) => ({ name, url: fixturesUrl + path, fullText: 'never' })),
    watch: { keywords: TEST_KEYWORDS },
    feeds: [{ name: 'ai-infrastructure', title: 'AI infrastructure (test)' }],
    publish: { dir: 'feeds', baseUrl: 'http://127.0.0.1:8080' },
    store: { path: 'store.db' },
    fetch: { timeoutMs: 5000 },
    ...extra,
  };
}

export function testConfig(dir: string, fixturesUrl: string, sources = FIXTURE_SOURCES, extra: Record<string, unknown> = {}): LoadedConfig {
  return parseConfig(rawTestConfig(fixturesUrl, sources, extra), join(dir, 'config.json'));
}

/**
 * Check published Atom documents: always by the own check (`atomCheck.ts`;
 * any error or warning fails), and also by ../shared/validators/validate-atom.sh
 * --warnings-as-errors when it and its Debian tools are here (required under
 * CI=true; otherwise its absence is one printed skip line). Code 0 only when
 * every checker that ran passed; the output says which checker found what.
 */
export async function validateAtom(...files: string[]): Promise<{ code: number; output: string }> {
  let failed = false;
  const own: string[] = [];
  for (const file of files) {
    let problems: AtomProblem[];
    try {
      problems = checkAtomFile(file);
    } catch (err) {
      failed = true;
      own.push(`${file}: cannot read: ${(err as Error).message}`);
      continue;
    }
    if (problems.length) failed = true;
    own.push(problems.length ? formatProblems(file, problems) : `${file}: valid Atom 1.0`);
  }
  const sections = [`own Atom check (tests/helpers/atomCheck.ts):\n${own.join('\n')}`];

  const external = needs('validator');
  if (external.present) {
    try {
      const { stdout, stderr } = await promisify(execFile)(VALIDATOR, ['--warnings-as-errors', ...files], { timeout: 120_000 });
      sections.push(`external validator (${VALIDATOR}):\n${stdout}${stderr}`);
    } catch (err) {
      const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
      failed = true;
      sections.push(`external validator (${VALIDATOR}) failed (exit ${e.code}):\n${e.stdout ?? ''}${e.stderr ?? ''}${typeof e.code === 'string' ? e.message : ''}`);
    }
  } else if (IN_CI) {
    failed = true;
    sections.push(`external validator: ${external.note} (CI=true: nothing may skip)`);
  } else sections.push(`external validator: skipped: ${external.note}`);
  return { code: failed ? 1 : 0, output: sections.join('\n') };
}
