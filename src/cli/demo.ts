/**
 * `infrawire demo`: the whole pipeline without the internet.
 *
 * It serves fixtures/sources on a loopback port (plus one source answering
 * HTTP 500 and one answering a web page, to show how failures are reported),
 * runs one cycle with the default config's keywords and feeds, and serves
 * the published feed on another loopback port.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, parseConfig, type LoadedConfig } from '../config/index.js';
import { PACKAGE_ROOT } from '../model/packageRoot.js';
import { sourceHealths } from '../fetch/index.js';
import { runCycle } from '../pipeline/index.js';
import { close, createFeedServer, createFixtureServer, listen } from '../serve/index.js';
import { SqliteStore, type Store } from '../store/index.js';
import { formatSummary } from './report.js';

export const FIXTURE_DIR = join(PACKAGE_ROOT, 'fixtures', 'sources');

export const DEMO_SOURCES: [name: string, path: string][] = [
  ['DC Wire', '/dcwire.rss'],
  ['GPU Cloud Report', '/gpucloud.atom'],
  ['Chip Letter', '/chipletter.rdf'],
  ['Power Desk', '/powerdesk-faq.rss'],
  ['Infra Wire JSON', '/wire.json'],
  ['Broken Server', '/status/500'],
  ['Newsroom Page', '/error-page.html'],
];

export async function runDemo(opts: { once?: boolean; dir?: string; config?: string }): Promise<void> {
  const base = loadConfig(opts.config ?? join(PACKAGE_ROOT, 'config.json'));
  const dir = resolve(opts.dir ?? mkdtempSync(join(tmpdir(), 'infrawire-demo-')));
  const fixtures = createFixtureServer(FIXTURE_DIR);
  const fixturesUrl = await listen(fixtures, '127.0.0.1', 0);
  const sources = DEMO_SOURCES.map(([name, path]) => ({ name, url: fixturesUrl + path }));
  // The feed server's URL goes into the config, so the server starts first and
  // reads the store through this reference once the demo has opened it.
  let live: { config: LoadedConfig; store: Store } | undefined;
  const feedServer = createFeedServer({
    dir: join(dir, 'feeds'),
    feeds: base.feeds,
    sources,
    sourceStates: async () => (live ? sourceHealths(live.config, await live.store.sources.statesFor(live.config.sources), new Date()) : []),
  });
  const feedsUrl = await listen(feedServer, '127.0.0.1', 0);
  const config = parseConfig(
    {
      sources,
      watch: base.watch,
      feeds: base.feeds,
      publish: { dir: 'feeds', baseUrl: feedsUrl, author: base.publish.author },
      store: { path: 'demo.db' },
    },
    join(dir, 'demo.json'),
  );
  const store = SqliteStore.open(config.store.path);
  try {
    const summary = await runCycle(config, store);
    live = { config, store };
    const urls = Object.fromEntries(config.feeds.map((f) => [f.name, `${feedsUrl}/feeds/${f.name}.atom`]));
    console.log(`demo sources served at ${fixturesUrl}/ from ${FIXTURE_DIR}`);
    console.log(formatSummary(summary, urls));
    for (const f of config.feeds) {
      console.log(`feed file: ${join(config.publish.dir, `${f.name}.atom`)}`);
      console.log(`feed URL:  ${urls[f.name]}`);
    }
    if (!opts.once) {
      console.log(`status page: ${feedsUrl}/`);
      console.log('serving the demo feed until Ctrl-C');
      await new Promise<void>((r) => process.once('SIGINT', r));
    }
  } finally {
    await close(feedServer);
    await close(fixtures);
    await store.close();
  }
}
