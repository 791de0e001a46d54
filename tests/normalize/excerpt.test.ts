import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Article, ParsedItem } from '../../src/model/index.js';
import { endsCut, isExcerptOf, toArticle, withCutMarkedByEllipsis, withoutRepeatedExcerpt } from '../../src/normalize/index.js';
import { parseFeed } from '../../src/parse/index.js';
import { entryContentHtml } from '../../src/publish/html.js';
import { ROOT } from '../helpers/env.js';

const SOURCE = { name: 'PowerDesk', url: 'https://powerdesk.example/feed/', feedTitle: 'PowerDesk', feedLink: 'https://powerdesk.example' };
const FIRST_SEEN = new Date('2026-11-24T12:00:00Z');
const item = (over: Partial<ParsedItem>): ParsedItem => ({ authors: [], categories: [], title: 'Story', link: 'https://powerdesk.example/2026/11/story/', ...over });
const count = (text: string, part: string) => text.split(part).length - 1;

async function wordpressArticles(): Promise<Article[]> {
  const feed = await parseFeed(readFileSync(join(ROOT, 'fixtures/model/wordpress-excerpt.rss')), 'application/rss+xml', 'https://powerdesk.example/feed/');
  return feed.items.map((parsed) => toArticle(parsed, SOURCE, FIRST_SEEN)!);
}

describe('cut markers and excerpts', () => {
  it('reads "[…]", "[...]", "(…)", "…" and "..." as a cut, and writes each as "…"', () => {
    for (const marker of [' […]', ' [...]', ' (…)', '…', '...', ' [ … ]']) {
      expect(endsCut(`The first 150 MW flow in${marker}`)).toBe(true);
      expect(withCutMarkedByEllipsis(`The first 150 MW flow in${marker}`)).toBe('The first 150 MW flow in…');
    }
    expect(endsCut('The first 150 MW flow in 2027.')).toBe(false);
    expect(withCutMarkedByEllipsis('The first 150 MW flow in 2027.')).toBe('The first 150 MW flow in 2027.');
  });

  it('is an excerpt of a text when its words before the marker open that text, whitespace aside', () => {
    const text = 'Helios Data has signed a 20-year agreement to buy 500 MW from the Bellmoor nuclear station.';
    const opening = (n: number) => text.slice(0, n + 10);
    expect(isExcerptOf('Helios Data has signed a  20-year\nagreement [&hellip;]'.replace('[&hellip;]', '[…]'), opening)).toBe(true);
    expect(isExcerptOf('Helios Data has signed a 20-year agreement', opening)).toBe(false); // no marker: not cut
    expect(isExcerptOf('Helios Data has agreed to buy nuclear power […]', opening)).toBe(false); // other words
    expect(isExcerptOf('Helios […]', opening)).toBe(false); // too short to tell
  });

  it('drops a plain-text excerpt block that the following blocks repeat', () => {
    const blocks = ['Vectrix Silicon has taped out its first inference accelerator on a […]', 'Vectrix Silicon has taped out its first inference accelerator on a 3nm process.', 'Samples ship in spring.'];
    expect(withoutRepeatedExcerpt(blocks)).toEqual(blocks.slice(1));
    const different = ['The startup says samples ship in spring […]', ...blocks.slice(1)];
    expect(withoutRepeatedExcerpt(different)).toEqual(different);
  });
});

describe('an excerpt followed by the full content', () => {
  it('reads a WordPress description ("… [&#8230;]" plus "The post … appeared first on …") as the content\'s opening: the lede appears once', async () => {
    const [helios] = await wordpressArticles();
    // The summary is the body's lede, not the excerpt.
    expect(helios!.summary).toBe(helios!.paragraphs.join(' '));
    expect(helios!.summary).not.toMatch(/\[…\]|appeared first/);
    const html = entryContentHtml(helios!);
    expect(html).not.toContain('<strong>');
    expect(count(html.split('<h3>')[0]!, 'Helios Data has signed a 20-year agreement')).toBe(1);
    expect(html).not.toMatch(/appeared first|\[…\]/);
    expect(helios!.url).toBe('https://powerdesk.example/2026/11/helios-bellmoor-ppa/');
  });

  it('drops a bold excerpt prepended to the content it cuts', async () => {
    const [, arcadia] = await wordpressArticles();
    expect(arcadia!.paragraphs).toEqual([
      'Arcadia Semiconductor will spend $22 billion on a second fab in central Ohio, doubling the site’s wafer output by 2030.',
      'The fab needs 300 MW at full load; AEP has agreed to a dedicated substation.',
    ]);
    expect(arcadia!.bodyHtml).not.toContain('<strong>');
    expect(count(arcadia!.bodyHtml!, 'Arcadia Semiconductor will spend')).toBe(1);
    expect(entryContentHtml(arcadia!)).not.toContain('<strong>');
  });

  it('keeps a first paragraph that ends in "…" when the content goes on with other words', () => {
    const body = '<p>Three operators, one grid, and a queue that grows every month…</p><p>Ohio’s interconnection queue passed 80 GW this month, utility filings show.</p>';
    const article = toArticle(item({ contentHtml: body }), SOURCE, FIRST_SEEN)!;
    expect(article.paragraphs[0]).toBe('Three operators, one grid, and a queue that grows every month…');
  });
});

describe('summaries cut by the source', () => {
  it('end in "…" and are shown when they say what the body does not', async () => {
    const [, , vectrix] = await wordpressArticles();
    expect(vectrix!.summary).toBe('The startup says its first 3nm part will sample to two cloud customers in the spring, ahead of…');
    const html = entryContentHtml(vectrix!);
    expect(html).toContain('<p><strong>The startup says its first 3nm part will sample to two cloud customers in the spring, ahead of…</strong></p>');
  });

  it('end in "…" when the body is the cut text itself', () => {
    const excerptOnly = 'Tessellate Cloud has opened on-demand B200 instances in two regions at $3.10 an hour [&#8230;]';
    const article = toArticle(item({ summaryHtml: excerptOnly }), SOURCE, FIRST_SEEN)!;
    expect(article.summary).toBe('Tessellate Cloud has opened on-demand B200 instances in two regions at $3.10 an hour…');
    expect(entryContentHtml(article)).not.toContain('<strong>');
  });
});

describe('entry HTML never shows summary and body saying the same', () => {
  const base = toArticle(item({ contentHtml: '<p>x</p>' }), SOURCE, FIRST_SEEN)!;
  const entry = (summary: string, paragraphs: string[]) => entryContentHtml({ ...base, summary, paragraphs, bodyHtml: paragraphs.map((p) => `<p>${p}</p>`).join('') });

  it('hides a stored summary with the source\'s "[…]" or "..." when it opens the body', () => {
    const body = ['Nscale will add 52,000 GPUs at its Texas site under a new Microsoft contract.', 'Deliveries start in March.'];
    expect(entry('Nscale will add 52,000 GPUs at its Texas site under a new […]', body)).not.toContain('<strong>');
    expect(entry('Nscale will add 52,000 GPUs at its Texas site under a new...', body)).not.toContain('<strong>');
  });

  it('compares with whitespace collapsed', () => {
    expect(entry('Nscale will add  52,000 GPUs\nat its Texas site…', ['Nscale will add 52,000 GPUs at its Texas site under a new contract.'])).not.toContain('<strong>');
  });

  it('hides a summary that holds the whole (shorter) body, and shows one that says more than the body\'s opening', () => {
    expect(entry('Orbital Compute switched on 100,000 H100s in Texas. The cluster draws 150 MW.', ['Orbital Compute switched on 100,000 H100s in Texas.'])).not.toContain('<strong>');
    expect(entry('Orbital Compute’s Texas cluster is now the largest single GPU site.', ['Orbital Compute switched on 100,000 H100s in Texas.'])).toContain('<strong>');
    // a body of images only (no paragraphs) keeps its summary
    expect(entry('Orbital Compute switched on 100,000 H100s in Texas.', [])).toContain('<strong>');
  });
});
