/**
 * Full-text cost per kept item (issue 20 item 6): one `runCycle` over a
 * loopback feed of `items` kept teasers, each linking to one of the labelled
 * pages in fixtures/pages, once with `fullText: "never"` and once with `"auto"`,
 * each on a fresh store. The difference is what fetching, extracting and
 * merging the pages costs; divided by the kept items, it is the price of full
 * text per published entry. Median of `rounds`.
 *
 * The page server runs in this process (its CPU, small next to extraction, is
 * counted in both runs alike); robots.txt answers 404, so every page is asked for.
 *
 *   npx tsx bench/fullText.ts [items] [rounds]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/index.js';
import { CycleMemory, runCycle } from '../src/pipeline/index.js';
import { SqliteStore } from '../src/store/index.js';
import { timed } from './child.js';
import { medianOf } from './report.js';

const PAGES_DIR = join(import.meta.dirname, '../fixtures/pages');
const labels = JSON.parse(readFileSync(join(PAGES_DIR, 'labels.json'), 'utf8')) as Record<string, unknown>;
const pages = Object.keys(labels).map((name) => readFileSync(join(PAGES_DIR, `${name}.html`), 'utf8'));
const items = Number(process.argv[2] ?? 100);
const rounds = Number(process.argv[3] ?? 3);

function feedXml(base: string): string {
  const entries = Array.from({ length: items }, (_, i) => {
    const link = `${base}/story/${i}`;
    return `<item><title>GPU campus update ${i}</title><link>${link}</link><guid>${link}</guid><pubDate>Thu, 26 Nov 2026 ${String(i % 24).padStart(2, '0')}:00:00 GMT</pubDate><description>The operator said its new GPU halls are on schedule [&#8230;]</description></item>`;
  });
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Teaser wire</title><link>${base}/</link><description>teasers</description>${entries.join('')}</channel></rss>`;
}

const server = createServer((req, res) => {
  const story = /^\/story\/(\d+)$/.exec(req.url ?? '');
  if (req.url === '/feed.xml') res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feedXml(base));
  else if (story) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pages[Number(story[1]) % pages.length]);
  else res.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function cycleWith(fullText: 'never' | 'auto'): Promise<{ wallMs: number; cpuMs: number; kept: number; pages: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'infrawire-bench-fulltext-'));
  try {
    const config = parseConfig(
      {
        sources: [{ name: 'teasers', url: `${base}/feed.xml`, fullText }],
        watch: { keywords: ['GPU'] },
        feeds: [{ name: 'bench', title: 'full-text bench', maxEntries: items }],
        publish: { dir: 'feeds', baseUrl: 'http://127.0.0.1:8080' },
        store: { path: 'store.db' },
        fetch: { concurrency: 8, perHostConcurrency: 8, timeoutMs: 60_000, jitter: 0 },
        curate: { clusterThreshold: 1 },
      },
      join(dir, 'config.json'),
    );
    const store = SqliteStore.open(config.store.path);
    try {
      const t = await timed(() => runCycle(config, store, { now: () => new Date('2026-11-27T00:00:00Z'), memory: new CycleMemory() }));
      const report = t.value.sources[0]!;
      if (!report.ok) throw new Error(`bench feed failed: ${report.error}`);
      return { wallMs: t.wallMs, cpuMs: t.cpuMs, kept: t.value.itemsKept, pages: report.pagesFetched ?? 0 };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  const runs: Record<'never' | 'auto', Awaited<ReturnType<typeof cycleWith>>[]> = { never: [], auto: [] };
  for (let r = 0; r < rounds; r++) for (const mode of ['never', 'auto'] as const) runs[mode].push(await cycleWith(mode));
  const median = (mode: 'never' | 'auto', k: 'wallMs' | 'cpuMs') => medianOf(runs[mode].map((x) => x[k]));
  const kept = runs.auto[0]!.kept;
  const fetched = runs.auto[0]!.pages;
  if (fetched !== kept) throw new Error(`expected a page per kept teaser: ${fetched} pages for ${kept} kept items`);
  console.log(`full text over ${items} kept teasers (${pages.length} page layouts), median of ${rounds}:`);
  for (const mode of ['never', 'auto'] as const) console.log(`  fullText ${mode.padEnd(5)}  cycle ${median(mode, 'wallMs').toFixed(0).padStart(6)} ms wall  ${median(mode, 'cpuMs').toFixed(0).padStart(6)} ms CPU`);
  const wall = (median('auto', 'wallMs') - median('never', 'wallMs')) / kept;
  const cpu = (median('auto', 'cpuMs') - median('never', 'cpuMs')) / kept;
  console.log(`  page fetch + extraction per kept item: ${wall.toFixed(2)} ms wall, ${cpu.toFixed(2)} ms CPU (${fetched} pages fetched)`);
} finally {
  server.close();
}
