/**
 * An article's own web page → what infrawire republishes of it (issue 20 item 1).
 *
 * Rules:
 * - Pure: (page markup, page URL) in, extracted fields out; never throws.
 * - The page is parsed once by htmlparser2 with nesting capped (html.ts), so a
 *   page 10,000 elements deep is flattened before anything recursive sees it.
 * - The body is found by @mozilla/readability over a linkedom DOM of that
 *   capped markup (linkedom: a fraction of jsdom's time and memory, see
 *   bench/extraction.ts), then cleaned, split into paragraphs and sanitized by
 *   the same code as a feed's body (`readBody`: boilerplate.ts, faq.ts,
 *   sanitize.ts). When the page's JSON-LD Article has an `articleBody` clearly
 *   longer than what Readability found, the JSON-LD text is the body.
 * - The page's FAQ is read in every form: FAQPage JSON-LD, `<details>`, `<dl>`,
 *   question headings under an FAQ heading (faqHtml.ts, over the whole page,
 *   before Readability drops what it takes for page furniture), and FAQ heading
 *   with Q:/A: lines in the body (faq.ts). Each pair is marked `fromPage`.
 * - Metadata: canonical link (`<link rel="canonical">`, http(s) only), then the
 *   JSON-LD Article (NewsArticle, BlogPosting, ReportageNewsArticle, … at the top,
 *   in an array or in @graph): author, datePublished, dateModified, image; the
 *   page's meta tags (author, article:published_time, og:image) fill the gaps.
 * - Bounded: Readability reads at most MAX_ELEMENTS elements; a bigger page
 *   yields its JSON-LD body only (or nothing).
 */
import { createRequire } from 'node:module';
import { DomUtils } from 'htmlparser2';
import type { Document, Element } from 'domhandler';
import type { Article, Faq, PageExtract } from '../model/index.js';
import { ledeOf } from './clean.js';
import { keyFigures } from './figures.js';
import { generateFaqs } from './generatedFaq.js';
import { withPageImage } from './media.js';
import { personName } from '../lib/people.js';
import { escapeHtml } from '../lib/markup.js';
import { parseDate } from './date.js';
import { takeHtmlFaqs, uniqueFaqs } from './faqHtml.js';
import { collapseWhitespace, parseHtml, renderHtml } from './html.js';
import { readBody, type NormalizeOptions } from './toArticle.js';
import { canonicalUrl } from './url.js';

/**
 * linkedom and Readability, loaded on first use: loading them takes about half
 * a second, which every CLI command and parse worker would otherwise pay
 * whether or not a page is ever read.
 */
interface DomLibraries {
  parseHTML: typeof import('linkedom').parseHTML;
  Readability: typeof import('@mozilla/readability').Readability;
}
let libraries: DomLibraries | undefined;
function domLibraries(): DomLibraries {
  const load = createRequire(import.meta.url);
  return (libraries ??= { parseHTML: (load('linkedom') as typeof import('linkedom')).parseHTML, Readability: (load('@mozilla/readability') as typeof import('@mozilla/readability')).Readability });
}

/** What a page gives (the model's PageExtract: the store keeps it as it is). */
export type ExtractedPage = PageExtract;

/** More elements than this and Readability is not run (its scoring walks every element several times). */
export const MAX_ELEMENTS = 60_000;
/** Less text than this is no article (a page of links gives Readability its nav). */
const MIN_BODY_CHARS = 80;
/** The JSON-LD body wins when Readability found less than this share of its text. */
const JSON_LD_BODY_SHARE = 0.6;
const ARTICLE_TYPES = /^(?:Article|NewsArticle|ReportageNewsArticle|AnalysisNewsArticle|OpinionNewsArticle|BackgroundNewsArticle|BlogPosting|TechArticle|Report|LiveBlogPosting|ScholarlyArticle)$/;
/** "Jane Doe, Staff Writer": a job title after the name is no part of it. */
const JOB_TITLE = /,\s*(?:[\w ]*\b(?:writer|editor|correspondent|reporter|staff|contributor|columnist)\b[\w ]*)$/i;

interface ArticleMeta {
  authors: string[];
  published?: string;
  modified?: string;
  image?: string;
  articleBody?: string;
}

type Json = unknown;

function asList(value: Json): Json[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

function text(value: Json): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** The first Article-typed node of a JSON-LD value (top level, array, @graph), depth-bounded. */
function findArticle(value: Json, depth = 0): Record<string, Json> | undefined {
  if (depth > 6 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = findArticle(v, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  const node = value as Record<string, Json>;
  if (asList(node['@type']).some((t) => typeof t === 'string' && ARTICLE_TYPES.test(t))) return node;
  return findArticle(node['@graph'], depth + 1);
}

function nameOf(person: Json): string | undefined {
  const raw = text(person) ?? (person && typeof person === 'object' ? text((person as Record<string, Json>)['name']) : undefined);
  return raw ? personName(raw.replace(/^by\s+/i, '').replace(JOB_TITLE, '')) : undefined;
}

function imageOf(image: Json): string | undefined {
  for (const candidate of asList(image)) {
    const url = text(candidate) ?? (candidate && typeof candidate === 'object' ? text((candidate as Record<string, Json>)['url']) ?? text((candidate as Record<string, Json>)['contentUrl']) : undefined);
    if (url) return url;
  }
  return undefined;
}

function isoDate(raw: string | undefined): string | undefined {
  return parseDate(raw)?.toISOString();
}

function jsonLdArticle(doc: Document): ArticleMeta | undefined {
  const scripts = DomUtils.findAll((e) => e.name === 'script' && (DomUtils.getAttributeValue(e, 'type') ?? '').trim().toLowerCase() === 'application/ld+json', doc);
  for (const script of scripts) {
    let article: Record<string, Json> | undefined;
    try {
      article = findArticle(JSON.parse(DomUtils.textContent(script)));
    } catch {
      continue; // broken JSON-LD: the visible page still counts
    }
    if (!article) continue;
    return {
      authors: asList(article['author']).map(nameOf).filter((n): n is string => !!n),
      published: isoDate(text(article['datePublished'])),
      modified: isoDate(text(article['dateModified'])),
      image: imageOf(article['image']),
      articleBody: text(article['articleBody']),
    };
  }
  return undefined;
}

function metaContent(doc: Document, key: string): string | undefined {
  const meta = DomUtils.findOne((e) => e.name === 'meta' && (DomUtils.getAttributeValue(e, 'property') ?? DomUtils.getAttributeValue(e, 'name'))?.toLowerCase() === key, doc.children);
  return meta ? text(DomUtils.getAttributeValue(meta, 'content')) : undefined;
}

function canonicalOf(doc: Document, pageUrl: string): string | undefined {
  const link = DomUtils.findOne((e: Element) => e.name === 'link' && (DomUtils.getAttributeValue(e, 'rel') ?? '').toLowerCase().split(/\s+/).includes('canonical'), doc.children);
  const href = link && text(DomUtils.getAttributeValue(link, 'href'));
  return href ? canonicalUrl(href, pageUrl) : undefined;
}

function absoluteHttp(url: string | undefined, base: string): string | undefined {
  if (!url) return undefined;
  try {
    const resolved = new URL(url, base);
    return resolved.protocol === 'http:' || resolved.protocol === 'https:' ? resolved.href : undefined;
  } catch {
    return undefined;
  }
}

/** The article markup Readability finds in `markup`; undefined when it finds none or the page is too big for it. */
function readabilityContent(markup: string, elements: number): { html: string; textLength: number } | undefined {
  if (elements > MAX_ELEMENTS) return undefined;
  try {
    const { parseHTML, Readability } = domLibraries();
    const { document } = parseHTML(markup);
    const article = new Readability(document as unknown as globalThis.Document, { maxElemsToParse: MAX_ELEMENTS, keepClasses: false, disableJSONLD: true, charThreshold: 300 }).parse();
    if (!article?.content || collapseWhitespace(article.textContent ?? '').length < MIN_BODY_CHARS) return undefined;
    return { html: article.content, textLength: collapseWhitespace(article.textContent ?? '').length };
  } catch {
    return undefined;
  }
}

/** Elements that are content without any text. */
const CONTENT_WITHOUT_TEXT = new Set(['img', 'picture', 'video', 'audio', 'iframe', 'source', 'br', 'hr', 'td', 'th', 'meta', 'link', 'title', 'script', 'head']);

/**
 * Removes elements with neither text nor media inside, children first (one
 * walk): page furniture such as spacer and icon divs, and the thousands of empty
 * wrappers of a hostile page, cost Readability time per element and level.
 * Returns the elements left.
 */
function removeEmptyElements(doc: Document): number {
  const all = DomUtils.findAll(() => true, doc.children);
  let left = all.length;
  for (let i = all.length - 1; i >= 0; i--) {
    const element = all[i]!;
    if (CONTENT_WITHOUT_TEXT.has(element.name)) continue;
    if (element.children.some((c) => (c.type === 'text' ? /\S/.test((c as unknown as { data: string }).data) : c.type === 'tag' || c.type === 'script' || c.type === 'style'))) continue;
    DomUtils.removeElement(element);
    left--;
  }
  return left;
}

/** Plain text (JSON-LD articleBody) as paragraphs of markup: one per line, or the whole text as one. */
function textAsHtml(body: string): string {
  return body
    .split(/\n+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join('');
}

export function extractPage(html: string, pageUrl: string, options: NormalizeOptions = {}): ExtractedPage {
  const { doc } = parseHtml(html);
  const canonical = canonicalOf(doc, pageUrl);
  const base = canonical ?? pageUrl;
  const ld = jsonLdArticle(doc);
  const metaAuthor = nameOf(metaContent(doc, 'author') ?? metaContent(doc, 'article:author'));
  const pageFaqs = takeHtmlFaqs(doc);
  const elements = removeEmptyElements(doc);
  const found = readabilityContent(renderHtml(doc), elements);
  const ldBody = ld?.articleBody ? collapseWhitespace(ld.articleBody) : undefined;
  const useLd = ldBody !== undefined && (!found || found.textLength < JSON_LD_BODY_SHARE * ldBody.length);
  const bodyHtml = useLd ? textAsHtml(ld!.articleBody!) : found?.html;
  const body = bodyHtml ? readBody(bodyHtml, options, base, false) : { paragraphs: [], faqs: [] as Faq[] };
  const faqs = uniqueFaqs([...pageFaqs, ...body.faqs]).map((f) => ({ question: f.question, answer: f.answer, fromPage: true as const }));
  // A JSON-LD FAQ the body repeats without an FAQ heading: its text goes from the paragraphs too.
  const faqTexts = new Set(faqs.flatMap((f) => [f.question, f.answer]));
  const paragraphs = body.paragraphs.filter((p) => !faqTexts.has(p));
  const authors = ld?.authors.length ? ld.authors : metaAuthor ? [metaAuthor] : [];
  const published = ld?.published ?? isoDate(metaContent(doc, 'article:published_time'));
  const modified = ld?.modified ?? isoDate(metaContent(doc, 'article:modified_time'));
  const image = absoluteHttp(ld?.image ?? metaContent(doc, 'og:image'), base);
  return {
    ...(canonical ? { canonicalUrl: canonical } : {}),
    paragraphs,
    ...(paragraphs.length && body.bodyHtml ? { bodyHtml: body.bodyHtml } : {}),
    bodyFrom: !paragraphs.length ? 'none' : useLd ? 'json-ld' : 'readability',
    faqs,
    authors,
    ...(published ? { published } : {}),
    ...(modified ? { modified } : {}),
    ...(image ? { image } : {}),
  };
}

/** A body shorter than this (characters of text) reads as a teaser. */
export const TEASER_MAX_CHARS = 600;
/** A body whose last block ends so was cut by its source ("…", "[…]") or points to the rest ("Read more", "Continue reading"). */
const TEASER_END = /(?:…|\.\.\.|\[\s*(?:…|\.{3})\s*\]|\b(?:continue reading|read more|read the full (?:story|article))\b[\s.…»›→>:]*)$/i;

/** Whether an article's body is a teaser of its page: short, or ending as a cut text or a pointer to the rest does. */
export function isTeaser(article: Pick<Article, 'paragraphs'>): boolean {
  const text = article.paragraphs.join(' ');
  return text.length < TEASER_MAX_CHARS || TEASER_END.test(article.paragraphs.at(-1)?.trim() ?? '');
}

/**
 * The article with what its page gave: the extracted body replaces a shorter
 * one; the page's FAQ joins the feed's own (generated pairs give way); authors
 * and dates fill only what the feed did not state (`datedFromPollTime`: its dates
 * came from when it was seen); the page's canonical link is its link. The id
 * never changes. Figures are read again from the new text; the page's image
 * (JSON-LD or og:image) is the entry image only when the feed and body gave none.
 */
export function withPageContent(article: Article, page: PageExtract, datedFromPollTime: boolean, options: NormalizeOptions = {}): Article {
  const longer = page.paragraphs.join(' ').length > article.paragraphs.join(' ').length;
  const paragraphs = longer ? page.paragraphs : article.paragraphs;
  const bodyHtml = longer ? page.bodyHtml : article.bodyHtml;
  const ownFaqs = article.faqs.filter((f) => !f.generated);
  const summary = article.summary || ledeOf(paragraphs.join(' '));
  const bodyFigures = (answers: readonly Faq[]) => keyFigures({ title: article.title, lede: summary, body: [...paragraphs, ...answers.map((f) => f.answer)], language: article.language });
  const published = datedFromPollTime && page.published ? page.published : article.published;
  const generated = () => generateFaqs({ paragraphs, summary, figures: bodyFigures(ownFaqs), published, language: article.language });
  const faqs = page.faqs.length ? uniqueFaqs([...ownFaqs, ...page.faqs]) : ownFaqs.length || options.generateFaqs === false ? ownFaqs : longer ? generated() : article.faqs;
  const updated = datedFromPollTime && page.published ? (page.modified ?? page.published) : article.updated;
  const { bodyHtml: _old, ...rest } = article;
  const merged: Article = {
    ...rest,
    url: page.canonicalUrl ?? article.url,
    authors: article.authors.length ? article.authors : page.authors,
    published,
    updated: updated < published ? published : updated,
    summary,
    paragraphs,
    ...(bodyHtml ? { bodyHtml } : {}),
    faqs,
    figures: bodyFigures(faqs),
  };
  return page.image ? withPageImage(merged, page.image, page.canonicalUrl ?? article.url) : merged;
}
