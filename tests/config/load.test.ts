import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, configJsonSchema, formatPath, loadConfig, parseConfig } from '../../src/config/index.js';
import { ROOT, tempDir } from '../helpers/env.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function scratch(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

/** A minimal valid config: sources, keywords and one feed. */
function minimal(): Record<string, unknown> {
  return {
    sources: [{ name: 'Alpha', url: 'https://alpha.example/feed' }],
    watch: { keywords: ['GPU'] },
    feeds: [{ name: 'ai-infrastructure', title: 'AI infrastructure' }],
  };
}

/** The problem lines of the ConfigError thrown by `fn`; fails the test when nothing (or something else) is thrown. */
function problemsOf(fn: () => unknown): string[] {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const err = caught as ConfigError;
  expect(err.name).toBe('ConfigError');
  expect(err.problems.length).toBeGreaterThan(0);
  // The message carries every problem line.
  for (const p of err.problems) expect(err.message).toContain(p);
  return err.problems;
}

const FILE = '/srv/infrawire/config.json';

describe('the repository config.json', () => {
  const file = join(ROOT, 'config.json');

  it('loads and validates with loadConfig', () => {
    const config = loadConfig(file);
    expect(config.file).toBe(file);
    expect(config.$schema).toBe('./config.schema.json');
    expect(config.sources.length).toBeGreaterThanOrEqual(10);
    for (const s of config.sources) {
      expect(s.url).toMatch(/^https?:\/\//);
      const u = new URL(s.url);
      expect(['http:', 'https:']).toContain(u.protocol);
      expect(s.name.trim()).not.toBe('');
    }
    // Source names are unique (case-insensitively, as load.ts checks).
    expect(new Set(config.sources.map((s) => s.name.toLowerCase())).size).toBe(config.sources.length);
    expect(config.watch.keywords.length).toBeGreaterThanOrEqual(20);
    for (const k of ['Nscale', 'CoreWeave', 'data center', 'GPU cluster', 'AI infrastructure', 'gigawatt']) {
      expect(config.watch.keywords).toContain(k);
    }
    expect(config.feeds.length).toBeGreaterThanOrEqual(1);
    expect(config.feeds[0]!.name).toBe('ai-infrastructure');
    expect(config.publish.dir).toBe(join(ROOT, 'feeds'));
    expect(config.store.path).toBe(join(ROOT, 'data/infrawire.db'));
  });

  it('the committed config.schema.json equals configJsonSchema()', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'config.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(configJsonSchema());
    // And it describes the real thing: sources, watch and feeds are required.
    const schema = configJsonSchema() as { type?: string; required?: string[]; properties?: Record<string, unknown> };
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(expect.arrayContaining(['sources', 'watch', 'feeds']));
    expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(['$schema', 'schedule', 'sources', 'watch', 'feeds', 'publish', 'server', 'store', 'fetch']));
  });
});

describe('invalid configs: one line per problem, naming the path', () => {
  it('reports a non-http(s) source URL at its index', () => {
    const raw = {
      ...minimal(),
      sources: [
        { name: 'a', url: 'http://a.example/' },
        { name: 'b', url: 'https://b.example/' },
        { name: 'c', url: 'ftp://x' },
      ],
    };
    expect(problemsOf(() => parseConfig(raw, FILE))).toEqual(['sources[2].url: must be an http(s) URL']);
  });

  it('reports a URL that starts with http:// but does not parse', () => {
    const raw = { ...minimal(), sources: [{ name: 'a', url: 'http://' }] };
    expect(problemsOf(() => parseConfig(raw, FILE))).toEqual(['sources[0].url: must be an http(s) URL']);
  });

  it('reports a missing watch section', () => {
    const { watch: _omit, ...raw } = minimal();
    const problems = problemsOf(() => parseConfig(raw, FILE));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^watch: /);
  });

  it('reports empty sources and empty keywords with their own messages', () => {
    const raw = { ...minimal(), sources: [], watch: { keywords: [] } };
    expect(problemsOf(() => parseConfig(raw, FILE))).toEqual(['sources: must list at least one source', 'watch.keywords: must list at least one keyword']);
  });

  it('reports unknown keys at the root and inside nested objects', () => {
    expect(problemsOf(() => parseConfig({ ...minimal(), bogus: 1 }, FILE))).toEqual(['(root): unknown key "bogus"']);
    const nested = {
      ...minimal(),
      sources: [{ name: 'a', url: 'http://a.example/', extra: true }],
      watch: { keywords: ['GPU'], regex: 'x', other: 1 },
    };
    expect(problemsOf(() => parseConfig(nested, FILE))).toEqual(['sources[0]: unknown key "extra"', 'watch: unknown keys "regex", "other"']);
  });

  it('reports a bad cron schedule', () => {
    for (const schedule of ['every minute', '61 * * * *', '* * * * * * *']) {
      const problems = problemsOf(() => parseConfig({ ...minimal(), schedule }, FILE));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^schedule: /);
      expect(problems[0]).toContain(`"${schedule}"`);
    }
  });

  it('accepts 5- and 6-field cron expressions', () => {
    expect(parseConfig({ ...minimal(), schedule: '*/5 * * * *' }, FILE).schedule).toBe('*/5 * * * *');
    expect(parseConfig({ ...minimal(), schedule: '0 */10 * * * *' }, FILE).schedule).toBe('0 */10 * * * *');
  });

  it('reports duplicate source names (case-insensitively), one line per duplicate', () => {
    const raw = {
      ...minimal(),
      sources: [
        { name: 'Alpha', url: 'http://a.example/' },
        { name: 'Beta', url: 'http://b.example/' },
        { name: 'alpha', url: 'http://c.example/' },
      ],
    };
    expect(problemsOf(() => parseConfig(raw, FILE))).toEqual([
      'sources[0].name: "Alpha" is used by more than one source',
      'sources[2].name: "alpha" is used by more than one source',
    ]);
  });

  it('reports duplicate feed names', () => {
    const raw = { ...minimal(), feeds: [{ name: 'x', title: 'X' }, { name: 'x', title: 'Y' }] };
    expect(problemsOf(() => parseConfig(raw, FILE))).toEqual(['feeds[0].name: "x" is used by more than one feed', 'feeds[1].name: "x" is used by more than one feed']);
  });

  it('reports a feed name that is not a slug', () => {
    for (const name of ['AI Infra', 'ai_infra', '-leading-dash', '../escape', 'a'.repeat(65), '']) {
      const problems = problemsOf(() => parseConfig({ ...minimal(), feeds: [{ name, title: 'T' }] }, FILE));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^feeds\[0\]\.name: must be a slug/);
    }
    expect(parseConfig({ ...minimal(), feeds: [{ name: 'a'.repeat(64), title: 'T' }] }, FILE).feeds[0]!.name).toBe('a'.repeat(64));
  });

  it('reports every problem at once, each on its own line', () => {
    const raw = {
      sources: [{ name: 'a', url: 'ftp://x' }],
      watch: { keywords: ['  '] },
      feeds: [{ name: 'Bad Name', title: '' }],
      fetch: { concurrency: 0 },
    };
    const problems = problemsOf(() => parseConfig(raw, FILE));
    expect(problems).toHaveLength(5);
    expect(problems).toEqual(
      expect.arrayContaining([
        'sources[0].url: must be an http(s) URL',
        'watch.keywords[0]: must not be empty',
        expect.stringMatching(/^feeds\[0\]\.name: must be a slug/),
        'feeds[0].title: must not be empty',
        expect.stringMatching(/^fetch\.concurrency: /),
      ]),
    );
  });

  it('reports semantic problems (cron) together with schema problems', () => {
    // load.ts: "Every problem is reported, one line each".
    const raw = { ...minimal(), schedule: 'not a cron', sources: [{ name: 'a', url: 'ftp://x' }] };
    const problems = problemsOf(() => parseConfig(raw, FILE));
    expect(problems).toEqual(expect.arrayContaining(['sources[0].url: must be an http(s) URL', expect.stringMatching(/^schedule: "not a cron" is not a valid cron expression/)]));
  });

  it('formats issue paths', () => {
    expect(formatPath(['sources', 2, 'url'])).toBe('sources[2].url');
    expect(formatPath(['watch', 'keywords', 0])).toBe('watch.keywords[0]');
    expect(formatPath([])).toBe('(root)');
  });
});

describe('loadConfig: reading the file', () => {
  it('names the line and column of a JSON syntax error, whatever V8 says (it names no place for an unexpected token)', () => {
    const dir = scratch();
    const file = join(dir, 'config.json');
    const cases: [string, string][] = [
      ['{\n  "sources": [\n    { "name": "a", "url": https://x.example/feed }\n  ]\n}\n', '(file): not valid JSON at line 3, column 27: expected a value'],
      ['{\n  "watch": { "keywords": ["GPU",] }\n}\n', '(file): not valid JSON at line 2, column 33: a comma before "]" (JSON allows no trailing comma)'],
      ['{\n  "feeds": [],\n  "store": { "path": "x" },\n}\n', '(file): not valid JSON at line 4, column 1: a comma before "}" (JSON allows no trailing comma)'],
      ['{\n  "schedule" "*/5 * * * *"\n}', '(file): not valid JSON at line 2, column 14: expected ":"'],
      ['{ "sources": [', '(file): not valid JSON at line 1, column 15: expected a value'],
      ['{ "a": "bad \\q escape" }', '(file): not valid JSON at line 1, column 14: Bad escaped character'],
    ];
    for (const [text, problem] of cases) {
      writeFileSync(file, text);
      expect(problemsOf(() => loadConfig(file)), text).toEqual([problem]);
    }
  });

  it('says (file): not valid JSON for a non-JSON file', () => {
    const dir = scratch();
    const file = join(dir, 'config.json');
    writeFileSync(file, '{ "sources": [ }\n');
    const problems = problemsOf(() => loadConfig(file));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\(file\): not valid JSON/);
    expect((() => {
      try {
        loadConfig(file);
      } catch (e) {
        return (e as ConfigError).file;
      }
      return undefined;
    })()).toBe(file);
  });

  it('says (file): cannot read for a missing file', () => {
    const dir = scratch();
    const file = join(dir, 'nope', 'config.json');
    const problems = problemsOf(() => loadConfig(file));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\(file\): cannot read/);
    expect(problems[0]).toContain('ENOENT');
  });

  it('says (file): cannot read for a directory', () => {
    const dir = scratch();
    const problems = problemsOf(() => loadConfig(dir));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\(file\): cannot read/);
  });
});

describe('paths and defaults', () => {
  it('resolves relative publish.dir and store.path against the config file folder', () => {
    const dir = scratch();
    const sub = join(dir, 'etc', 'infrawire');
    mkdirSync(sub, { recursive: true });
    const file = join(sub, 'config.json');
    writeFileSync(file, JSON.stringify({ ...minimal(), publish: { dir: 'out/feeds' }, store: { path: '../state/iw.db' } }));
    const config = loadConfig(file);
    expect(config.file).toBe(file);
    expect(config.publish.dir).toBe(join(sub, 'out', 'feeds'));
    expect(config.store.path).toBe(join(dir, 'etc', 'state', 'iw.db'));
  });

  it('keeps absolute paths as they are', () => {
    const dir = scratch();
    const file = join(dir, 'config.json');
    const abs = join(dir, 'elsewhere');
    writeFileSync(file, JSON.stringify({ ...minimal(), publish: { dir: abs }, store: { path: join(abs, 'x.db') } }));
    const config = loadConfig(file);
    expect(config.publish.dir).toBe(abs);
    expect(config.store.path).toBe(join(abs, 'x.db'));
  });

  it('applies every default to a minimal config', () => {
    const dir = scratch();
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(minimal()));
    const config = loadConfig(file);
    // Sections other stages add are checked by their own tests; these are the foundation's.
    expect(config).toMatchObject({
      file,
      schedule: '*/30 * * * *',
      sources: [{ name: 'Alpha', url: 'https://alpha.example/feed' }],
      watch: { keywords: ['GPU'] },
      feeds: [{ name: 'ai-infrastructure', title: 'AI infrastructure', maxEntries: 100 }],
      publish: { dir: join(dir, 'feeds'), baseUrl: 'http://127.0.0.1:8080', author: 'infrawire' },
      server: { host: '127.0.0.1', port: 8080 },
      store: { path: join(dir, 'data', 'infrawire.db') },
      fetch: { timeoutMs: 20_000, connectTimeoutMs: 10_000, concurrency: 8, perHostConcurrency: 2, maxBytes: 10 * 1024 * 1024, minIntervalMinutes: 15, maxIntervalMinutes: 1440, backoffMaxMinutes: 360, failingAlertHours: 24, jitter: 0.1 },
    });
  });

  it('fills defaults inside a partly given section and trims keywords', () => {
    const config = parseConfig({ ...minimal(), watch: { keywords: ['  GPU cluster '] }, server: { port: 9090 }, fetch: { timeoutMs: 1000 } }, FILE);
    expect(config.server).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(config.fetch).toMatchObject({ timeoutMs: 1000, concurrency: 8, maxBytes: 10 * 1024 * 1024, perHostConcurrency: 2 });
    expect(config.watch.keywords).toEqual(['GPU cluster']);
  });
});
