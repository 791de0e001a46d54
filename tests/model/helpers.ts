/** Shared setup for the model tests: read a fixture of fixtures/model and normalize it as an item's body. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Article, ParsedItem, SourceRef } from '../../src/model/index.js';
import { toArticle, type NormalizeOptions } from '../../src/normalize/index.js';
import { ROOT } from '../helpers/env.js';

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
