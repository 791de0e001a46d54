/**
 * Articles for tests, two ways: normalized from a fixture of fixtures/model as an
 * item's body (the normalize tests), or built by hand, hostile text included
 * (the publish and serve tests).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Article, FeedEntry, ParsedItem, SourceRef } from '../../src/model/index.js';
import { toArticle, type NormalizeOptions } from '../../src/normalize/index.js';
import { ROOT } from './env.js';

export const MODEL_FIXTURES = join(ROOT, 'fixtures/model');
export const SOURCE: SourceRef = { name: 'News Example', url: 'https://news.example/feed.xml', feedLink: 'https://news.example/' };
export const FIRST_SEEN = new Date('2026-11-20T12:00:00Z');

export function fixture(name: string): string {
  return readFileSync(join(MODEL_FIXTURES, name), 'utf8');
}

export function item(over: Partial<ParsedItem> = {}): ParsedItem {
  return { authors: [], categories: [], ...over };
}

/** The article for a fixture body; fails the test when the item is skipped. */
export function articleFrom(body: string, options: NormalizeOptions = {}, over: Partial<ParsedItem> = {}): Article {
  const article = toArticle(item({ title: 'Story', link: 'https://news.example/2026/11/story', contentHtml: body, ...over }), SOURCE, FIRST_SEEN, options);
  if (!article) throw new Error('toArticle skipped the item');
  return article;
}

/** Every piece of text an FAQ pair holds, to check none of it is left in the body. */
export function faqTexts(article: Article): string[] {
  return article.faqs.flatMap((f) => [f.question, f.answer]);
}

/** An article built by hand for the publish and serve tests. */
export function makeArticle(n: number, over: Partial<Article> = {}): Article {
  const day = String(1 + (n % 27)).padStart(2, '0');
  return {
    id: `tag:infrawire,2026:${String(n).padStart(32, '0')}`,
    url: `https://news.example/story/${n}`,
    title: `Story ${n}: GPU cluster news`,
    source: { name: 'DC Wire', url: 'https://dcwire.example/feed.rss', feedTitle: 'DC Wire Daily', feedLink: 'https://dcwire.example/' },
    authors: [],
    published: `2026-11-${day}T10:00:00.000Z`,
    updated: `2026-11-${day}T10:00:00.000Z`,
    summary: `Summary of story ${n}.`,
    paragraphs: [`Body of story ${n}.`],
    faqs: [],
    categories: [],
    figures: [],
    related: [],
    keywords: ['GPU cluster'],
    ...over,
  };
}

export function entry(article: Article, keywords = article.keywords): FeedEntry {
  return { article, keywords, addedAt: '2026-11-28T00:00:00.000Z' };
}

/** Text no published feed may pass through unescaped or keep. */
export const HOSTILE = {
  title: 'Bad <script>alert("x")</script> & ]]> \u0001\u0008 \uD800 "quoted" \u2028 ünïcödé 😀',
  summary: '<img src=x onerror=alert(1)> ]]> &amp; \u000B end',
  url: 'https://evil.example/a?x=1&y="2"&z=<3>',
  author: 'Eve <eve@evil.example> & Co \u0000',
  sourceTitle: 'Evil ]]> <b>Feed</b> & "co"',
};

export function hostileArticle(): Article {
  return makeArticle(99, {
    title: HOSTILE.title,
    summary: HOSTILE.summary,
    url: HOSTILE.url,
    authors: [HOSTILE.author],
    paragraphs: ['<p>not markup</p> ]]> \u0007', 'second'],
    faqs: [{ question: 'Q <b>?</b> ]]>', answer: 'A & "a"', generated: true }],
    source: { name: 'Evil', url: 'https://evil.example/feed?a=1&b=2', feedTitle: HOSTILE.sourceTitle, feedLink: 'https://evil.example/?q="x"' },
    related: [{ url: 'https://other.example/r?a=1&b=<2>', title: 'Other <i>take</i> & ]]>', source: 'Other "Outlet"', published: '2026-11-20T00:00:00.000Z' }],
    figures: [{ kind: 'money', value: 1.9e9, unit: 'USD', text: '$1.9 billion', display: '$1.9 billion' }],
    keywords: ['GPU cluster', 'AI & <infra>'],
  });
}
