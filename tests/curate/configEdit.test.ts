/**
 * Editing config.json from the command line: only the edited array changes,
 * every edit is validated before writing, keyword edits re-curate the store
 * at once (or show what they would do with --dry-run), sources are found
 * through a page's <link rel="alternate">, OPML goes in and out.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addKeywords, addSource, exportOpml, importOpml, listKeywords, removeKeywords, removeSource } from '../../src/cli/configEdit.js';
import { parseOpml } from '../../src/cli/sources.js';
import { UsageError } from '../../src/cli/log.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { appendToArray, removeFromArray } from '../../src/config/jsonText.js';
import { runCycle } from '../../src/pipeline/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { FIXTURES, ROOT, startFixtureServer, tempDir, serveDir } from '../helpers/env.js';

async function printed(fn: () => unknown): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0);
  try {
    await fn();
  } finally {
    spy.mockRestore();
    write.mockRestore();
  }
  return lines.join('\n');
}

/** `after` equals `before` once the given added lines are taken out again. */
function onlyAdded(before: string, after: string, added: string[]): void {
  let rest = after;
  for (const line of added) rest = rest.replace(line, '');
  expect(rest).toBe(before);
}

describe('JSON text edits keep the rest of the file', () => {
  const repoConfig = readFileSync(join(ROOT, 'config.json'), 'utf8');

  it('appends to the real config.json in the style of its neighbours', () => {
    const keywords = appendToArray(repoConfig, ['watch', 'keywords'], ['Fluidstack']);
    onlyAdded(repoConfig, keywords, [',\n      "Fluidstack"']);
    const sources = appendToArray(repoConfig, ['sources'], [{ name: 'New One', url: 'https://new.example/feed' }]);
    onlyAdded(repoConfig, sources, [',\n    { "name": "New One", "url": "https://new.example/feed" }']);
    expect(JSON.parse(sources).sources.at(-1)).toEqual({ name: 'New One', url: 'https://new.example/feed' });
  });

  it('handles one-line, compact, empty and multi-line arrays', () => {
    expect(appendToArray('{"a":["x","y"]}', ['a'], ['z'])).toBe('{"a":["x","y", "z"]}');
    expect(appendToArray('{ "a": [] }', ['a'], ['z'])).toBe('{ "a": ["z"] }');
    expect(appendToArray('{"a":[{"n":1}]}', ['a'], [{ n: 2 }])).toBe('{"a":[{"n":1}, {"n":2}]}');
    const multi = '{\n  "a": [\n    {\n      "n": 1\n    }\n  ]\n}';
    expect(appendToArray(multi, ['a'], [{ n: 2 }])).toBe('{\n  "a": [\n    {\n      "n": 1\n    },\n    {\n      "n": 2\n    }\n  ]\n}');
  });

  it('creates a missing list as a new member of its object', () => {
    expect(appendToArray('{\n  "watch": {\n    "terms": ["GPU"]\n  }\n}', ['watch', 'keywords'], ['Nscale'])).toBe('{\n  "watch": {\n    "terms": ["GPU"],\n    "keywords": ["Nscale"]\n  }\n}');
    expect(appendToArray('{"feeds":[{ "name": "a", "title": "A" }]}', ['feeds', 0, 'keywords'], ['x', 'y'])).toBe('{"feeds":[{ "name": "a", "title": "A", "keywords": ["x", "y"] }]}');
    expect(appendToArray('{"w":{}}', ['w', 'keywords'], ['x'])).toBe('{"w":{ "keywords": ["x"] }}');
  });

  it('removes first, middle, last and only elements with their separators', () => {
    const text = '{\n  "a": [\n    "x",\n    "y",\n    "z"\n  ],\n  "b": 1\n}';
    expect(removeFromArray(text, ['a'], [0])).toBe('{\n  "a": [\n    "y",\n    "z"\n  ],\n  "b": 1\n}');
    expect(removeFromArray(text, ['a'], [1])).toBe('{\n  "a": [\n    "x",\n    "z"\n  ],\n  "b": 1\n}');
    expect(removeFromArray(text, ['a'], [2])).toBe('{\n  "a": [\n    "x",\n    "y"\n  ],\n  "b": 1\n}');
    expect(removeFromArray(text, ['a'], [0, 2])).toBe('{\n  "a": [\n    "y"\n  ],\n  "b": 1\n}');
    expect(removeFromArray(text, ['a'], [0, 1, 2])).toBe('{\n  "a": [],\n  "b": 1\n}');
    expect(() => appendToArray('{"a": [1,]}', ['a'], [2])).toThrow('not valid JSON at offset 9: a comma before "]" (JSON allows no trailing comma)');
  });
});

describe('keywords and sources commands', () => {
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let tmp: ReturnType<typeof tempDir>;
  let configPath: string;
  let original: string;

  beforeAll(async () => {
    fixtures = await startFixtureServer();
    tmp = tempDir();
    configPath = join(tmp.dir, 'config.json');
    original = `{
  "$schema": "./config.schema.json",
  "sources": [
    { "name": "DC Wire", "url": "${fixtures.url}/dcwire.rss" },
    { "name": "Power Desk", "url": "${fixtures.url}/powerdesk-faq.rss" }
  ],
  "watch": {
    "keywords": [
      "Nscale"
    ]
  },
  "feeds": [
    { "name": "ai-infrastructure", "title": "Test" }
  ],
  "store": { "path": "store.db" },
  "fetch": { "timeoutMs": 5000 }
}
`;
    writeFileSync(configPath, original);
    const config = loadConfig(configPath);
    const store = SqliteStore.open(config.store.path);
    await runCycle(config, store);
    await store.close();
  });
  afterAll(async () => {
    await fixtures?.stop();
    tmp?.cleanup();
  });

  const feedXml = () => readFileSync(join(tmp.dir, 'feeds', 'ai-infrastructure.atom'), 'utf8');

  it('keywords add --dry-run shows the stored stories it would bring in and writes nothing', async () => {
    const feedBefore = feedXml();
    const out = await printed(() => addKeywords(['nuclear'], { config: configPath, dryRun: true }));
    expect(out).toContain('would add: nuclear');
    expect(out).toContain('ai-infrastructure: would add "Helios Data signs 500 MW nuclear power purchase agreement for Ohio AI campus"');
    expect(readFileSync(configPath, 'utf8')).toBe(original);
    expect(feedXml()).toBe(feedBefore);
  });

  it('keywords add writes only the keyword, re-curates and republishes at once; remove undoes it', async () => {
    const out = await printed(() => addKeywords(['nuclear'], { config: configPath }));
    expect(out).toContain('ai-infrastructure: add "Helios Data signs 500 MW');
    onlyAdded(original, readFileSync(configPath, 'utf8'), [',\n      "nuclear"']);
    expect(feedXml()).toContain('Helios Data signs 500 MW');
    expect(await printed(() => listKeywords({ config: configPath }))).toBe('Nscale\nnuclear');
    // Already listed is what was asked for: said, nothing written, not an error.
    const listed = readFileSync(configPath, 'utf8');
    expect(await printed(() => addKeywords(['NUCLEAR'], { config: configPath }))).toBe('nothing to add: "NUCLEAR" already listed');
    expect(readFileSync(configPath, 'utf8')).toBe(listed);
    await expect(printed(() => removeKeywords(['nuclear', 'fusion'], { config: configPath }))).rejects.toThrow(new UsageError('not listed: "fusion" (nothing removed)'));
    expect(readFileSync(configPath, 'utf8')).toBe(listed);

    const removed = await printed(() => removeKeywords(['nuclear'], { config: configPath }));
    expect(removed).toContain('ai-infrastructure: remove "Helios Data signs 500 MW');
    expect(readFileSync(configPath, 'utf8')).toBe(original);
    expect(feedXml()).not.toContain('Helios Data signs 500 MW');
  });

  it('an edit that would make the config invalid is refused with its path and writes nothing', async () => {
    await printed(() => removeSource('DC Wire', { config: configPath }));
    let error: unknown;
    try {
      await printed(() => removeSource('Power Desk', { config: configPath }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toContain('sources: must list at least one source');
    expect(loadConfig(configPath).sources.map((s) => s.name)).toEqual(['Power Desk']);
    writeFileSync(configPath, original);
  });

  it('sources add: a web page URL is followed to the feed named by its <link rel="alternate">', async () => {
    const site = tempDir();
    writeFileSync(join(site.dir, 'index.html'), '<!doctype html><html><head><title>Chips</title><link rel="stylesheet" href="/s.css"><link rel="alternate" type="application/rss+xml" title="Chips RSS" href="/feeds/chips.rdf"></head><body>news</body></html>');
    writeFileSync(join(site.dir, 'nofeed.html'), '<!doctype html><html><head><title>x</title></head><body>no feed</body></html>');
    mkdirSync(join(site.dir, 'feeds'));
    copyFileSync(join(FIXTURES, 'chipletter.rdf'), join(site.dir, 'feeds', 'chips.rdf'));
    const served = await serveDir(site.dir);
    try {
      const out = await printed(() => addSource(`${served.url}/index.html`, { config: configPath }));
      const feedUrl = `${served.url}/feeds/chips.rdf`;
      expect(out).toContain(`\t${feedUrl}`);
      const name = loadConfig(configPath).sources.at(-1)!.name;
      onlyAdded(original, readFileSync(configPath, 'utf8'), [`,\n    { "name": ${JSON.stringify(name)}, "url": "${feedUrl}" }`]);
      expect(await printed(() => addSource(`${served.url}/index.html`, { config: configPath }))).toBe(`nothing to add: ${feedUrl} is configured already`);
      await expect(addSource('feeds.example.org/rss', { config: configPath })).rejects.toThrow(new UsageError('sources add: "feeds.example.org/rss" is not an http(s) URL'));
      await expect(addSource(`${served.url}/nofeed.html`, { config: configPath })).rejects.toThrow(/no <link rel="alternate"> feed link/);
    } finally {
      await served.stop();
      site.cleanup();
      writeFileSync(configPath, original);
    }
  });

  it('sources import adds the OPML feeds not configured yet; export round-trips', async () => {
    const opml = join(tmp.dir, 'subs.opml');
    writeFileSync(
      opml,
      `<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body><outline text="Folder">
        <outline type="rss" text="DC Wire again" xmlUrl="${fixtures.url}/dcwire.rss"/>
        <outline type="rss" text="Chip &amp; Letter" xmlUrl="${fixtures.url}/chipletter.rdf"/>
        <outline type="rss" text="Not http" xmlUrl="ftp://x.example/feed"/>
      </outline></body></opml>`,
    );
    const out = await printed(() => importOpml(opml, { config: configPath }));
    expect(out).toBe(`added: Chip & Letter\t${fixtures.url}/chipletter.rdf`);
    const exported = await printed(() => exportOpml({ config: configPath }));
    expect(parseOpml(exported)).toEqual(loadConfig(configPath).sources.map((s) => ({ name: s.name, url: s.url })));
    writeFileSync(configPath, original);
  });
});
