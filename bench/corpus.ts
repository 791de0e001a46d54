/**
 * The benchmark corpus: N synthetic sources (RSS 2.0 and Atom, alternating),
 * each a file of items of about `itemBytes` of AI-infrastructure news text.
 *
 * Rules:
 * - Deterministic: the same options give the same bytes (a seeded PRNG and
 *   an explicit `newestItemAt`), so two runs measure the same work.
 * - Written only into the directory it is given (a temp dir), never the repo.
 * - The generator knows which items carry a watch keyword: a share
 *   (`matchRatio`) is built from on-topic sentences, the rest from off-topic
 *   sentences that contain none of BENCH_KEYWORDS (not even inside words), so
 *   a cycle's "kept" count can be checked against `matchingItems`.
 * - Every item has its own link, so every item is its own article.
 * - Each source also has its next version under `nextDir` (same paths): one
 *   new item, newer than any in the corpus, added and the oldest dropped, as
 *   a feed looks at its next update. The new items come from a PRNG of their
 *   own, so the first version's bytes do not depend on them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml } from '../src/lib/markup.js';

/** The watch keywords the benchmark config uses. */
export const BENCH_KEYWORDS = ['CoreWeave', 'Nscale', 'Nvidia', 'data center', 'GPU cluster', 'AI infrastructure', 'gigawatt', 'megawatt', 'liquid cooling', 'H100', 'hyperscaler', 'power purchase agreement'];

/**
 * Sentences that each carry at least one watch keyword. `{N}` and `{PLACE}`
 * are filled per use, so items differ like real stories do (a dedupe stage
 * must not see them as copies of each other).
 */
const ON_TOPIC = [
  'CoreWeave signed a multi-year contract to host a new GPU cluster for a frontier model lab in {PLACE}.',
  'The hyperscaler said the data center campus in {PLACE} will draw {N} megawatts once all halls are energized.',
  'Nscale plans to deploy {N},000 Nvidia accelerators in {PLACE}, powered by hydroelectric energy.',
  'Operators in {PLACE} are retrofitting halls for liquid cooling because racks of H100 servers now exceed {N} kilowatts.',
  'The utility agreed a {N}-year power purchase agreement for wind capacity near {PLACE}.',
  'Analysts expect spending on AI infrastructure to pass {N} billion dollars next year.',
  'The new data center in {PLACE} sits next to a substation, which shortened the grid connection queue by {N} months.',
  'A second GPU cluster of {N},000 H100 chips will come online in {PLACE} in the spring, the company said.',
  'Lenders provided {N} billion dollars of debt secured against the Nvidia hardware in the {PLACE} building.',
  'The regional grid operator in {PLACE} warned that data center demand could reach {N} gigawatts by 2030.',
  'Engineers in {PLACE} chose direct-to-chip liquid cooling over immersion tanks after {N} weeks of trials.',
  'The hyperscaler is also negotiating a power purchase agreement for {N} megawatts with a plant operator in {PLACE}.',
];

const PLACES = ['Texas', 'Norway', 'Ohio', 'Johor', 'Dublin', 'Frankfurt', 'Arizona', 'Quebec', 'Osaka', 'Virginia', 'Iceland', 'Chile', 'Wales', 'Kenya', 'Georgia', 'Alberta'];

/**
 * Sentences with none of BENCH_KEYWORDS (checked by the tests against the
 * real matcher): what a general news source publishes besides infrastructure.
 */
const OFF_TOPIC = [
  'The city council approved a new bicycle lane along the river after a long public consultation.',
  'Local bakeries reported record sales during the autumn festival, helped by mild weather.',
  'The museum opened an exhibition of early photography, with prints lent by private collectors.',
  'Farmers expect a late harvest this year because of the cool and wet summer months.',
  'The football club confirmed that its stadium renovation will finish before the new season.',
  'A new ferry route will connect the two islands three times a week from next month.',
  'Volunteers planted four thousand trees along the old railway line over the weekend.',
  'The orchestra announced its programme for the winter, including two premieres by young composers.',
  'School enrolment rose slightly, and the district will hire twelve more teachers in January.',
  'The library extended its opening hours and added a reading room for students during exams.',
  'Tourism officials said hotel bookings returned to the levels seen before the pandemic.',
  'The weather service expects snow in the mountains and heavy rain along the coast on Friday.',
];

const FAQ_BLOCK = [
  'FAQ',
  'Q: When will the site be operational?',
  'A: The first phase is scheduled to start serving customers in the second half of next year.',
  'Q: Who supplies the power?',
  'A: A mix of grid power and on-site generation, under long-term contracts.',
];

export interface CorpusOptions {
  sources: number;
  itemsPerSource: number;
  /** Approximate size of one item's XML, in bytes. */
  itemBytes: number;
  /** Share of items (0..1) that carry a watch keyword. */
  matchRatio: number;
  seed: number;
  /**
   * Date of the newest item; the others are 10 s apart before it, so even
   * 100,000 items span under 12 days: recent enough for any retention or
   * "too old" rule, never in the future. Default: the start of the current hour.
   */
  newestItemAt?: string;
}

export const DEFAULT_CORPUS: Omit<CorpusOptions, 'sources'> = { itemsPerSource: 50, itemBytes: 3000, matchRatio: 0.6, seed: 7 };

export type CorpusFormat = 'rss' | 'atom';

export interface CorpusSource {
  name: string;
  /** URL path on the corpus server, e.g. `/s/00042.atom`. */
  path: string;
  format: CorpusFormat;
  bytes: number;
  items: number;
  matchingItems: number;
  /** Whether the next version's new item carries a watch keyword. */
  nextMatches: boolean;
}

export interface Corpus {
  dir: string;
  /** The same sources at their next update (see the rules above), to serve from the same paths. */
  nextDir: string;
  options: CorpusOptions;
  sources: CorpusSource[];
  totalBytes: number;
  totalItems: number;
  matchingItems: number;
  /** New items of the next version that carry a watch keyword. */
  nextMatchingItems: number;
}

/** mulberry32: small, fast, seedable; quality is plenty for picking sentences. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function sentence(rand: () => number, pool: readonly string[]): string {
  return pick(rand, pool)
    .replace('{PLACE}', () => pick(rand, PLACES))
    .replace('{N}', () => String(2 + Math.floor(rand() * 900)));
}

interface ItemText {
  title: string;
  html: string;
}

/**
 * Paragraphs of 3 sentences while they fit in `bodyBytes` (as written: Atom
 * escapes the HTML, so `written` measures that); on-topic items end with an FAQ.
 */
function itemText(rand: () => number, onTopic: boolean, bodyBytes: number, n: number, written: (html: string) => number): ItemText {
  const pool = onTopic ? ON_TOPIC : OFF_TOPIC;
  const title = `${sentence(rand, pool).replace(/[.,](?!\d).*$/, '')} (${n})`;
  const faq = onTopic ? FAQ_BLOCK.map((line) => `<p>${line}</p>`) : [];
  const paragraphs: string[] = [];
  let size = faq.reduce((sum, p) => sum + written(p) + 1, 0);
  for (let i = 0; i < 1000; i++) {
    const p = `<p>${sentence(rand, pool)} ${sentence(rand, pool)} ${sentence(rand, pool)}</p>`;
    if (paragraphs.length && size + written(p) > bodyBytes) break;
    paragraphs.push(p);
    size += written(p) + 1;
  }
  return { title, html: [...paragraphs, ...faq].join('\n') };
}

const ITEM_SPACING_MS = 10_000;

function startOfHour(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000);
}

/** The XML around one item's text is ~300 bytes; the body gets the rest of itemBytes. */
const ITEM_OVERHEAD_BYTES = 300;

function rssItem(link: string, date: Date, text: ItemText): string {
  return `<item>
<title>${escapeHtml(text.title)}</title>
<link>${link}</link>
<guid isPermaLink="true">${link}</guid>
<pubDate>${date.toUTCString()}</pubDate>
<category>Infrastructure</category>
<description><![CDATA[${text.html}]]></description>
</item>`;
}

function atomEntry(link: string, date: Date, text: ItemText): string {
  return `<entry>
<title>${escapeHtml(text.title)}</title>
<link rel="alternate" type="text/html" href="${link}"/>
<id>${link}</id>
<published>${date.toISOString()}</published>
<updated>${date.toISOString()}</updated>
<author><name>Bench Reporter</name></author>
<category term="Infrastructure"/>
<content type="html">${escapeHtml(text.html)}</content>
</entry>`;
}

function rssDocument(name: string, site: string, items: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>${escapeHtml(name)}</title>
<link>${site}</link>
<description>Synthetic benchmark source</description>
${items.join('\n')}
</channel>
</rss>
`;
}

function atomDocument(name: string, site: string, updated: Date, entries: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>${escapeHtml(name)}</title>
<link rel="alternate" href="${site}"/>
<id>${site}feed</id>
<updated>${updated.toISOString()}</updated>
${entries.join('\n')}
</feed>
`;
}

/** Write the corpus into `dir` (files under `dir/s/`) and describe it. */
export function generateCorpus(dir: string, options: CorpusOptions): Corpus {
  if (!Number.isInteger(options.sources) || options.sources < 1) throw new Error(`corpus: sources must be a positive integer (got ${options.sources})`);
  if (!Number.isInteger(options.itemsPerSource) || options.itemsPerSource < 1) throw new Error(`corpus: itemsPerSource must be a positive integer (got ${options.itemsPerSource})`);
  if (!(options.itemBytes >= 600)) throw new Error(`corpus: itemBytes must be at least 600 (got ${options.itemBytes})`);
  if (!(options.matchRatio >= 0 && options.matchRatio <= 1)) throw new Error(`corpus: matchRatio must be between 0 and 1 (got ${options.matchRatio})`);
  const newest = options.newestItemAt === undefined ? startOfHour(new Date()) : new Date(options.newestItemAt);
  if (Number.isNaN(newest.getTime())) throw new Error(`corpus: newestItemAt must be an ISO date (got "${options.newestItemAt}")`);
  const totalItems = options.sources * options.itemsPerSource;
  /** Distinct dates, 10 s apart, the last item of the last source the newest. */
  const itemDate = (itemNumber: number) => new Date(newest.getTime() - (totalItems - itemNumber) * ITEM_SPACING_MS);
  const nextDir = join(dir, 'next');
  mkdirSync(join(dir, 's'), { recursive: true });
  mkdirSync(join(nextDir, 's'), { recursive: true });
  const rand = prng(options.seed);
  const randNext = prng(options.seed + 1);
  const sources: CorpusSource[] = [];
  const bodyBytes = options.itemBytes - ITEM_OVERHEAD_BYTES;
  for (let s = 0; s < options.sources; s++) {
    const format: CorpusFormat = s % 2 === 0 ? 'rss' : 'atom';
    const id = String(s + 1).padStart(5, '0');
    const name = `Bench Source ${id}`;
    const site = `https://source-${id}.example.com/`;
    const items: string[] = [];
    let matchingItems = 0;
    for (let i = 0; i < options.itemsPerSource; i++) {
      const onTopic = rand() < options.matchRatio;
      if (onTopic) matchingItems++;
      const link = `${site}news/${id}-${i + 1}`;
      const itemNumber = s * options.itemsPerSource + i + 1;
      const text = itemText(rand, onTopic, bodyBytes, itemNumber, format === 'rss' ? (h) => h.length : (h) => escapeHtml(h).length);
      const date = itemDate(itemNumber);
      items.push(format === 'rss' ? rssItem(link, date, text) : atomEntry(link, date, text));
    }
    const updated = itemDate((s + 1) * options.itemsPerSource);
    const xml = format === 'rss' ? rssDocument(name, site, items) : atomDocument(name, site, updated, items);
    const path = `/s/${id}.${format}`;
    writeFileSync(join(dir, path), xml);
    // The next update: one item past the newest of the whole corpus (1 s apart per source), the oldest dropped.
    const nextDate = new Date(newest.getTime() + (s + 1) * 1000);
    const nextMatches = randNext() < options.matchRatio;
    const nextText = itemText(randNext, nextMatches, bodyBytes, totalItems + s + 1, format === 'rss' ? (h) => h.length : (h) => escapeHtml(h).length);
    const nextLink = `${site}news/${id}-${options.itemsPerSource + 1}`;
    const nextItems = [...items.slice(1), format === 'rss' ? rssItem(nextLink, nextDate, nextText) : atomEntry(nextLink, nextDate, nextText)];
    writeFileSync(join(nextDir, path), format === 'rss' ? rssDocument(name, site, nextItems) : atomDocument(name, site, nextDate, nextItems));
    sources.push({ name, path, format, bytes: Buffer.byteLength(xml), items: options.itemsPerSource, matchingItems, nextMatches });
  }
  const sum = (k: 'bytes' | 'items' | 'matchingItems') => sources.reduce((n, s) => n + s[k], 0);
  return { dir, nextDir, options, sources, totalBytes: sum('bytes'), totalItems: sum('items'), matchingItems: sum('matchingItems'), nextMatchingItems: sources.filter((s) => s.nextMatches).length };
}
