/**
 * `infrawire keywords …` and `infrawire sources …`: editing config.json from
 * the command line.
 *
 * Rules:
 * - Validate before writing: the edited text must load as a valid config
 *   (same checks as start-up), else nothing is written and the problems are
 *   printed with their paths (exit 2).
 * - Write atomically (`writeFileAtomic`) and change only the edited array's
 *   bytes: key order, spacing and everything else stay as they were.
 * - Rules take effect at once: after a keyword edit the stored articles are
 *   re-curated and the feeds republished (when a store exists), and what
 *   entered or left each feed is printed; `--dry-run` prints the same from a
 *   scratch copy of the store and writes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isHttpUrl, loadConfig, parseConfig, type LoadedConfig } from '../config/index.js';
import { appendToArray, jsonSyntaxProblem, removeFromArray } from '../config/jsonText.js';
import { writeFileAtomic } from '../publish/index.js';
import type { CurationReport } from '../model/index.js';
import { curateStore, decisionRules, recurate } from '../pipeline/index.js';
import { openLockedStore, ScratchStore, StoreLockedError, type Store } from '../store/index.js';
import { UsageError } from './log.js';
import { discoverFeed, parseOpml, toOpml, type OpmlSource } from './sources.js';

interface EditOptions {
  config: string;
  dryRun?: boolean;
}

/** Apply a text edit to the config file: validated, then written atomically unless dry-run. Returns the new config. */
function editConfigText(file: string, edit: (text: string) => string, dryRun: boolean): LoadedConfig {
  const text = readFileSync(file, 'utf8');
  const edited = edit(text);
  let raw: unknown;
  try {
    raw = JSON.parse(edited);
  } catch (err) {
    throw new Error(`the edit would not be valid JSON at ${jsonSyntaxProblem(edited, err as Error)} (nothing written)`);
  }
  const config = parseConfig(raw, file);
  if (!dryRun) writeFileAtomic(config.file, edited);
  return config;
}

async function titleOf(store: Store, id: string): Promise<string> {
  return (await store.articles.get(id))?.title ?? id;
}

async function printCuration(store: Store, report: CurationReport, dryRun: boolean): Promise<void> {
  const verb = dryRun ? 'would ' : '';
  for (const f of report.feeds) {
    if (!f.added.length && !f.removed.length) console.log(`${f.feed}: ${dryRun ? 'would not change' : 'unchanged'}`);
    for (const id of f.added) console.log(`${f.feed}: ${verb}add "${await titleOf(store, id)}"`);
    for (const id of f.removed) console.log(`${f.feed}: ${verb}remove "${await titleOf(store, id)}"`);
  }
}

/**
 * Re-curate the stored articles under the new rules and say what changed in each
 * feed: on a scratch copy for dry runs, else under the store lock. While a daemon
 * holds the lock, it is the daemon's reload (file watch or SIGHUP) that applies them.
 */
async function applyRules(config: LoadedConfig, dryRun: boolean): Promise<void> {
  if (!existsSync(config.store.path)) {
    console.log('no store yet: the new rules apply from the first cycle');
    return;
  }
  if (dryRun) {
    const copy = ScratchStore.copyOf(config.store.path);
    try {
      await printCuration(copy, await curateStore(config, copy, decisionRules(config), new Date()), true);
    } finally {
      await copy.close();
    }
    return;
  }
  let locked: ReturnType<typeof openLockedStore>;
  try {
    locked = openLockedStore(config.store.path);
  } catch (err) {
    if (!(err instanceof StoreLockedError)) throw err;
    console.log(`the running daemon (pid ${err.pid}) applies the new rules when it reloads the config`);
    return;
  }
  try {
    await printCuration(locked.store, (await recurate(config, locked.store)).curation, false);
  } finally {
    await locked.close();
  }
}

/** Path of the keyword list edited: a feed's own `keywords`, else `watch.keywords`. */
function keywordPath(config: LoadedConfig, feed?: string): (string | number)[] {
  if (feed === undefined) return ['watch', 'keywords'];
  const index = config.feeds.findIndex((f) => f.name === feed);
  if (index < 0) throw new UsageError(`no feed named "${feed}" in ${config.file}`);
  if (!config.feeds[index]!.keywords) throw new UsageError(`feeds[${index}] "${feed}" has no "keywords" list of its own (it uses watch.keywords); edit without --feed`);
  return ['feeds', index, 'keywords'];
}

function keywordList(config: LoadedConfig, feed?: string): string[] {
  const path = keywordPath(config, feed);
  return path[0] === 'watch' ? config.watch.keywords : config.feeds[path[1] as number]!.keywords!;
}

export function listKeywords(opts: { config: string; feed?: string }): void {
  for (const k of keywordList(loadConfig(opts.config), opts.feed)) console.log(k);
}

export async function addKeywords(words: string[], opts: EditOptions & { feed?: string }): Promise<void> {
  const config = loadConfig(opts.config);
  const existing = new Set(keywordList(config, opts.feed).map((k) => k.toLowerCase()));
  const fresh = [...new Set(words.map((w) => w.trim()))].filter((w) => w && !existing.has(w.toLowerCase()));
  // Already there is what the user asked for: said, not an error.
  if (!fresh.length) return void console.log(`nothing to add: ${words.map((w) => `"${w}"`).join(', ')} already listed`);
  const updated = editConfigText(config.file, (text) => appendToArray(text, keywordPath(config, opts.feed), fresh), Boolean(opts.dryRun));
  console.log(`${opts.dryRun ? 'would add' : 'added'}: ${fresh.join(', ')}`);
  await applyRules(updated, Boolean(opts.dryRun));
}

export async function removeKeywords(words: string[], opts: EditOptions & { feed?: string }): Promise<void> {
  const config = loadConfig(opts.config);
  const list = keywordList(config, opts.feed);
  const wanted = new Set(words.map((w) => w.trim().toLowerCase()));
  const indexes = list.flatMap((k, i) => (wanted.has(k.toLowerCase()) ? [i] : []));
  const missing = words.filter((w) => !list.some((k) => k.toLowerCase() === w.trim().toLowerCase()));
  // Likely a typo: nothing is removed, so the other words are not half-applied.
  if (missing.length) throw new UsageError(`not listed: ${missing.map((w) => `"${w}"`).join(', ')} (nothing removed)`);
  const updated = editConfigText(config.file, (text) => removeFromArray(text, keywordPath(config, opts.feed), indexes), Boolean(opts.dryRun));
  console.log(`${opts.dryRun ? 'would remove' : 'removed'}: ${indexes.map((i) => list[i]).join(', ')}`);
  await applyRules(updated, Boolean(opts.dryRun));
}

export function listSources(opts: { config: string }): void {
  for (const s of loadConfig(opts.config).sources) console.log(`${s.name}\t${s.url}`);
}

/** The sources not configured yet (by URL), with names made unique against the config. */
function newSources(config: LoadedConfig, candidates: readonly OpmlSource[]): OpmlSource[] {
  const urls = new Set(config.sources.map((s) => s.url));
  const names = new Set(config.sources.map((s) => s.name.toLowerCase()));
  const out: OpmlSource[] = [];
  for (const c of candidates) {
    if (urls.has(c.url)) continue;
    let name = c.name.slice(0, 90);
    for (let n = 2; names.has(name.toLowerCase()) && n < 1000; n++) name = `${c.name.slice(0, 90)} (${n})`;
    urls.add(c.url);
    names.add(name.toLowerCase());
    out.push({ name, url: c.url });
  }
  return out;
}

function appendSources(config: LoadedConfig, sources: OpmlSource[], dryRun: boolean): void {
  if (!sources.length) {
    console.log('nothing to add: every source is configured already');
    return;
  }
  editConfigText(config.file, (text) => appendToArray(text, ['sources'], sources), dryRun);
  for (const s of sources) console.log(`${dryRun ? 'would add' : 'added'}: ${s.name}\t${s.url}`);
}

export async function addSource(url: string, opts: EditOptions & { name?: string }): Promise<void> {
  const config = loadConfig(opts.config);
  if (!isHttpUrl(url)) throw new UsageError(`sources add: "${url}" is not an http(s) URL`);
  if (opts.name && config.sources.some((s) => s.name.toLowerCase() === opts.name!.toLowerCase())) throw new UsageError(`a source named "${opts.name}" exists already`);
  const feed = await discoverFeed(url, config.fetch);
  if (config.sources.some((s) => s.url === feed.url)) return void console.log(`nothing to add: ${feed.url} is configured already`);
  const name = opts.name ?? feed.title ?? new URL(feed.url).hostname;
  appendSources(config, newSources(config, [{ name, url: feed.url }]), Boolean(opts.dryRun));
}

export function removeSource(nameOrUrl: string, opts: EditOptions): void {
  const config = loadConfig(opts.config);
  const index = config.sources.findIndex((s) => s.name.toLowerCase() === nameOrUrl.toLowerCase() || s.url === nameOrUrl);
  if (index < 0) throw new UsageError(`no source named or at "${nameOrUrl}" (nothing removed)`);
  editConfigText(config.file, (text) => removeFromArray(text, ['sources'], [index]), Boolean(opts.dryRun));
  console.log(`${opts.dryRun ? 'would remove' : 'removed'}: ${config.sources[index]!.name}`);
}

export function importOpml(file: string, opts: EditOptions): void {
  const config = loadConfig(opts.config);
  const found = parseOpml(readFileSync(file, 'utf8'));
  if (!found.length) throw new Error(`${file}: no outline with an http(s) xmlUrl`);
  appendSources(config, newSources(config, found), Boolean(opts.dryRun));
}

export function exportOpml(opts: { config: string }): void {
  const config = loadConfig(opts.config);
  process.stdout.write(toOpml('infrawire sources', config.sources));
}
