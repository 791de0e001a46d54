/**
 * The whole pipeline against fixture feeds served over real HTTP on 127.0.0.1:
 * fetch → parse → normalize → curate → store → publish, and the published Atom
 * checked by the independent validator.
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/index.js';
import { CycleMemory, runCycle } from '../../src/pipeline/index.js';
import type { CycleSummary } from '../../src/model/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { FIXTURE_SOURCES, startFixtureServer, tempDir, testConfig, validateAtom } from '../helpers/env.js';
import { feedEntries } from '../helpers/store.js';

const KEPT = [
  'Microsoft plans 300 MW data center campus near Skogheim, Norway',
  'Nscale raises $1.9 billion at $14.6 billion valuation, adds two board members',
  'Great Plains Electric signs 1 GW supply deal for three new data center sites',
  'Orbital Compute switches on 100,000 H100s in single Texas GPU cluster',
  'Inference chip startup Vectrix Silicon tapes out first 3nm design',
  'CoreWeave expands in the Nordics with two new sites in Sweden and Finland',
  'Arcadia Semiconductor commits $22 billion to new fab in central Ohio',
  'OpenInfer 3.1 results: AMD and Nvidia trade blows on accelerator inference benchmark',
  'Helios Data signs 500 MW nuclear power purchase agreement for Ohio AI campus',
  'Lambda lines up 400 MW of solar and storage for Arizona data center',
  'Nscale wins Microsoft contract for 52,000 GPUs at new Texas site',
  'Tessellate Cloud opens on-demand B200 GPU instances at $3.10 an hour',
];
const DROPPED = [
  'Harbour Street bakery wins regional sourdough prize for second year',
  'Riverside Rovers edge Millbrook 2-1 in county cup replay',
  'In the garden: planting bare-root roses before the first hard frost',
  'Corner typewriter repair shop marks fifty years in business',
  'City council approves protected bike lanes on Elm Avenue',
];

/** Entry titles of a published Atom file, in order. */
function atomTitles(xml: string): string[] {
  return [...xml.matchAll(/<entry>[\s\S]*?<title type="html"><!\[CDATA\[([\s\S]*?)\]\]><\/title>/g)].map((m) =>
    m[1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"'),
  );
}

describe('one cycle over the fixture sources', () => {
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let tmp: ReturnType<typeof tempDir>;
  let config: LoadedConfig;
  let first: CycleSummary;
  let atomPath: string;

  beforeAll(async () => {
    fixtures = await startFixtureServer();
    tmp = tempDir();
    config = testConfig(tmp.dir, fixtures.url);
    atomPath = join(config.publish.dir, 'ai-infrastructure.atom');
    const store = SqliteStore.open(config.store.path);
    try {
      first = await runCycle(config, store);
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await fixtures?.stop();
    tmp?.cleanup();
  });

  it('reports every good source as ok with its format and item counts', () => {
    const byName = Object.fromEntries(first.sources.map((s) => [s.name, s]));
    expect(byName['DC Wire']).toMatchObject({ ok: true, format: 'rss2', itemsSeen: 5, itemsNew: 5, itemsKept: 3 });
    expect(byName['GPU Cloud Report']).toMatchObject({ ok: true, format: 'atom', itemsSeen: 4, itemsKept: 3 });
    expect(byName['Chip Letter']).toMatchObject({ ok: true, format: 'rss1', itemsSeen: 3, itemsKept: 2 });
    expect(byName['Power Desk']).toMatchObject({ ok: true, format: 'rss2', itemsSeen: 2, itemsKept: 2 });
    expect(byName['Infra Wire JSON']).toMatchObject({ ok: true, format: 'json', itemsSeen: 3, itemsKept: 2 });
    expect(first).toMatchObject({ itemsSeen: 17, itemsNew: 17, itemsKept: 12 });
  });

  it('reports the broken sources by name with a reason', () => {
    const broken = first.sources.find((s) => s.name === 'Broken Server')!;
    expect(broken).toMatchObject({ ok: false, status: 500 });
    expect(broken.error).toMatch(/HTTP 500/);
    const page = first.sources.find((s) => s.name === 'Newsroom Page')!;
    expect(page.ok).toBe(false);
    expect(page.error).toMatch(/not a feed: the response is an HTML page/);
  });

  it('publishes exactly the matching stories, newest first', () => {
    const titles = atomTitles(readFileSync(atomPath, 'utf8'));
    expect([...titles].sort()).toEqual([...KEPT].sort());
    for (const t of DROPPED) expect(titles).not.toContain(t);
    expect(first.feeds).toEqual([{ name: 'ai-infrastructure', entries: 12, changed: expect.arrayContaining([atomPath]) }]);
    const published = [...readFileSync(atomPath, 'utf8').matchAll(/<published>([^<]+)<\/published>/g)].map((m) => m[1]!);
    expect(published).toEqual([...published].sort().reverse());
  });

  it('writes an Atom feed that the independent validator accepts with no errors or warnings', async () => {
    const result = await validateAtom(atomPath);
    expect(result.code, result.output).toBe(0);
  });

  it('carries the article/FAQ model into each entry: link, dates, author, summary, paragraphs, FAQ, categories', () => {
    const xml = readFileSync(atomPath, 'utf8');
    const entry = xml.split('<entry>').find((e) => e.includes('Helios Data signs 500 MW'))!;
    expect(entry).toMatch(/<id>tag:infrawire,2026:[0-9a-f]{32}<\/id>/);
    expect(entry).toMatch(/<link href="https:\/\/[^"]+\.example\/[^"]+"\/>/);
    expect(entry).toMatch(/<published>2026-11-2\dT[\d:.]+Z<\/published>/);
    expect(entry).toMatch(/<updated>2026-11-2\dT[\d:.]+Z<\/updated>/);
    expect(entry).toMatch(/<author>\s*<name>[^<]+<\/name>/);
    expect(entry).toMatch(/<summary type="html">/);
    expect(entry).toContain('<h3>FAQ</h3>');
    expect(entry).toContain('<dt>How much power does the agreement cover?</dt>');
    expect(entry).toContain('term="power purchase agreement"');
    expect(entry).toContain('Source: <a href=');
  });

  it('splits the FAQ section off the body in the stored model (HTML and plain-text forms)', async () => {
    const store = SqliteStore.open(config.store.path);
    try {
      const entries = (await feedEntries(store, 'ai-infrastructure', 100)).map((e) => e.article);
      const helios = entries.find((a) => a.title.startsWith('Helios Data'))!;
      expect(helios.faqs.map((f) => f.question)).toEqual([
        'How much power does the agreement cover?',
        'When will the Ohio campus start drawing nuclear power?',
        'Will the deal raise electricity bills for local households?',
      ]);
      expect(helios.faqs.every((f) => f.answer.length > 10)).toBe(true);
      expect(helios.paragraphs).toHaveLength(3);
      expect(helios.paragraphs.join(' ')).not.toMatch(/\bQ:|\bA:|^FAQ/);
      const lambda = entries.find((a) => a.title.startsWith('Lambda lines up'))!;
      expect(lambda.faqs.map((f) => f.question)).toEqual(['How large is the solar project?', 'When will the Arizona site receive power from the project?']);
      expect(lambda.paragraphs.join(' ')).not.toContain('FAQs');
      expect(lambda.keywords).toContain('Lambda');
    } finally {
      await store.close();
    }
  });

  it('a second run over unchanged sources adds nothing and leaves the feed bytes and mtime alone', async () => {
    const before = { bytes: readFileSync(atomPath, 'utf8'), mtime: statSync(atomPath).mtimeMs };
    const store = SqliteStore.open(config.store.path); // a new process would open the file like this
    let second: CycleSummary;
    try {
      second = await runCycle(config, store);
    } finally {
      await store.close();
    }
    expect(second).toMatchObject({ itemsSeen: 17, itemsNew: 0, itemsKept: 12 });
    expect(second.feeds[0]).toEqual({ name: 'ai-infrastructure', entries: 12, changed: [] });
    expect(readFileSync(atomPath, 'utf8')).toBe(before.bytes);
    expect(statSync(atomPath).mtimeMs).toBe(before.mtime);
  });

  it('keeps its entries when every source fails, and keeps ids stable', async () => {
    const before = readFileSync(atomPath, 'utf8');
    const offline = testConfig(tmp.dir, fixtures.url, [['DC Wire', '/status/503']]);
    const store = SqliteStore.open(offline.store.path);
    try {
      const summary = await runCycle(offline, store);
      expect(summary.sources[0]).toMatchObject({ ok: false, status: 503 });
      expect(summary.feeds[0]!.entries).toBe(12);
    } finally {
      await store.close();
    }
    expect(readFileSync(atomPath, 'utf8')).toBe(before);
  });
});

describe('a cycle publishes only when something publishing reads changed', () => {
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let tmp: ReturnType<typeof tempDir>;
  let config: LoadedConfig;
  let store: SqliteStore; // one store and one memory across cycles, as the daemon keeps them
  const memory = new CycleMemory();
  let atomPath: string;
  let jsonPath: string;
  const FEED = 'ai-infrastructure';

  beforeAll(async () => {
    fixtures = await startFixtureServer();
    tmp = tempDir();
    // all good sources but one, which the last test adds
    config = testConfig(tmp.dir, fixtures.url, FIXTURE_SOURCES.filter(([name]) => name !== 'Chip Letter'));
    atomPath = join(config.publish.dir, `${FEED}.atom`);
    jsonPath = join(config.publish.dir, `${FEED}.json`);
    store = SqliteStore.open(config.store.path);
    await runCycle(config, store, { memory });
  });
  afterAll(async () => {
    await store?.close();
    await fixtures?.stop();
    tmp?.cleanup();
  });

  it('skips publishing after a cycle that stored nothing, and writes a deleted or edited feed file again', async () => {
    const published = readFileSync(atomPath, 'utf8');
    const entries = atomTitles(published).length;
    // A change behind the cycle's back (not through runCycle or recurate): only a publish would show it.
    const dropped = (await store.feeds.records(FEED, 1))[0]!.id;
    store.db.prepare('DELETE FROM feed_entries WHERE article_id = ?').run(dropped);

    const quiet = await runCycle(config, store, { memory });
    expect(quiet).toMatchObject({ itemsNew: 0 });
    expect(quiet.feeds).toEqual([{ name: FEED, entries, changed: [] }]);
    expect(readFileSync(atomPath, 'utf8')).toBe(published); // not rendered again

    rmSync(atomPath); // an operator deletes a file: the next cycle publishes, from the store as it is now
    const afterDelete = await runCycle(config, store, { memory });
    expect(afterDelete.feeds[0]!.changed.map((f) => f.replace(/.*\//, '')).sort()).toEqual([`${FEED}.atom`, `${FEED}.json`, `${FEED}.rss`]);
    const rewritten = readFileSync(atomPath, 'utf8');
    expect(atomTitles(rewritten)).toHaveLength(entries - 1);

    const json = readFileSync(jsonPath, 'utf8');
    // Edited in place (same inode). A longer file: an edit of the same size within the file system's
    // timestamp tick of our own write would look unchanged, and a test must not hang on the clock.
    writeFileSync(jsonPath, json.replace(/"title"/, '"tampered title"'));
    const afterEdit = await runCycle(config, store, { memory });
    expect(afterEdit.feeds[0]!.changed.map((f) => f.replace(/.*\//, ''))).toEqual([`${FEED}.json`]);
    expect(readFileSync(jsonPath, 'utf8')).toBe(json);
    expect(readFileSync(atomPath, 'utf8')).toBe(rewritten);
  });

  it('publishes when a cycle stores new articles', async () => {
    const before = atomTitles(readFileSync(atomPath, 'utf8'));
    const more = testConfig(tmp.dir, fixtures.url, FIXTURE_SOURCES);
    const summary = await runCycle(more, store, { memory });
    expect(summary.itemsNew).toBeGreaterThan(0);
    expect(summary.feeds[0]!.changed.length).toBe(3);
    const after = atomTitles(readFileSync(atomPath, 'utf8'));
    expect(after.length).toBeGreaterThan(before.length);
  });

  it('publishes when the feed settings change', async () => {
    const retitled = testConfig(tmp.dir, fixtures.url, FIXTURE_SOURCES, { feeds: [{ name: FEED, title: 'AI infrastructure (retitled)' }] });
    const summary = await runCycle(retitled, store, { memory });
    expect(summary.itemsNew).toBe(0);
    expect(summary.feeds[0]!.changed.length).toBe(3);
    expect(readFileSync(atomPath, 'utf8')).toContain('AI infrastructure (retitled)');
  });
});
