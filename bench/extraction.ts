/**
 * Page extraction cost and quality (issue 20 item 1): the labelled pages in
 * fixtures/pages through `extractPage`, with time per page, heap, and token
 * precision/recall/F1 against the hand labels. With DOM=jsdom or DOM=happy-dom
 * (and that package resolvable, e.g. NODE_PATH to a scratch install), Readability
 * runs over that DOM instead, to compare (why linkedom: see the header of
 * src/normalize/page.ts).
 *
 *   npx tsx bench/extraction.ts [rounds]
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { extractPage } from '../src/normalize/index.js';
import { tokenScores } from './tokenScores.js';

const DIR = join(import.meta.dirname, '../fixtures/pages');
const labels = JSON.parse(readFileSync(join(DIR, 'labels.json'), 'utf8')) as Record<string, { url: string }>;
const pages = Object.entries(labels).map(([name, { url }]) => ({ name, url, html: readFileSync(join(DIR, `${name}.html`), 'utf8'), label: readFileSync(join(DIR, `${name}.article.txt`), 'utf8') }));
const rounds = Number(process.argv[2] ?? 20);
const dom = process.env['DOM'] ?? 'linkedom';
const load = createRequire(join(process.cwd(), 'x.js'));

/** Readability alone over the chosen DOM: the part the DOM choice changes. */
function readabilityOver(html: string, url: string): string {
  let document: unknown;
  if (dom === 'jsdom') document = new (load('jsdom').JSDOM)(html, { url }).window.document;
  else if (dom === 'happy-dom') {
    const window = new (load('happy-dom').Window)({ url, settings: { disableJavaScriptEvaluation: true, disableCSSFileLoading: true, disableJavaScriptFileLoading: true } });
    window.document.write(html);
    document = window.document;
  } else document = parseHTML(html).document;
  return new Readability(document as Document).parse()?.textContent ?? '';
}

function measure(label: string, fn: (page: (typeof pages)[number]) => string): void {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  const started = performance.now();
  let text: string[] = [];
  for (let r = 0; r < rounds; r++) {
    text = pages.map(fn);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  const ms = (performance.now() - started) / (rounds * pages.length);
  const scores = pages.map((p, i) => tokenScores(text[i]!, p.label));
  const sum = (k: 'overlap' | 'extracted' | 'labelled') => scores.reduce((n, s) => n + s[k], 0);
  const precision = sum('overlap') / sum('extracted');
  const recall = sum('overlap') / sum('labelled');
  console.log(`${label.padEnd(34)} ${ms.toFixed(2).padStart(7)} ms/page  heap peak +${((peak - heapBefore) / 1e6).toFixed(1)} MB  P=${precision.toFixed(3)} R=${recall.toFixed(3)} F1=${((2 * precision * recall) / (precision + recall)).toFixed(3)}`);
}

measure(`readability over ${dom} (raw text)`, (p) => readabilityOver(p.html, p.url));
if (dom === 'linkedom') measure('extractPage (whole, cleaned)', (p) => extractPage(p.html, p.url).paragraphs.join('\n'));
