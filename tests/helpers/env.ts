/** Shared test setup: temp folders, the fixture server, configs pointing at it, the Atom validator. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DEMO_SOURCES } from '../../src/cli/demo.js';
import { parseConfig, type LoadedConfig } from '../../src/config/index.js';
import { close, createFixtureServer, listen } from '../../src/serve/index.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const FIXTURES = join(ROOT, 'fixtures/sources');
export const VALIDATOR = resolve(ROOT, '../shared/validators/validate-atom.sh');

export const TEST_KEYWORDS = ['Nscale', 'CoreWeave', 'Lambda', 'Nvidia', 'AMD', 'data center', 'GPU', 'GPU cluster', 'AI infrastructure', 'AI cloud', 'gigawatt', 'megawatt', 'hyperscaler', 'semiconductor', 'chip', 'accelerator', 'power purchase agreement', 'H100', 'liquid cooling', 'colocation', 'AI'];

/** The good fixture sources plus one HTTP 500 and one HTML page: the demo's own list. */
export const FIXTURE_SOURCES: [string, string][] = DEMO_SOURCES;

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'infrawire-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A loopback server for one folder of feeds (the fixture server's rules). */
export async function serveDir(dir: string): Promise<{ url: string; server: Server; stop: () => Promise<void> }> {
  const server = createFixtureServer(dir);
  const url = await listen(server, '127.0.0.1', 0);
  return { url, server, stop: () => close(server) };
}

/** The fixture server: `fixtures/sources` on loopback. */
export function startFixtureServer(): Promise<{ url: string; server: Server; stop: () => Promise<void> }> {
  return serveDir(FIXTURES);
}

export function rawTestConfig(fixturesUrl: string, sources = FIXTURE_SOURCES, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sources: sources.map(([name, path]) => ({ name, url: fixturesUrl + path })),
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

/** Run the independent Atom validator; resolves with its exit code and output. */
export async function validateAtom(...files: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(VALIDATOR, ['--warnings-as-errors', ...files], { timeout: 120_000 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
