/**
 * ParsedItem → Article: the only place source strings become the model.
 *
 * Rules:
 * - Every text field leaves here as plain text; later stages never see HTML.
 * - An item needs a title or a body to be worth publishing; with neither it is
 *   skipped, and a missing title is borrowed from the start of the body.
 * - The link falls back to a URL-shaped guid, then to the source's home page, so
 *   every article has somewhere to point.
 * - The id is computed from the item's own link/guid/title and its own date, never
 *   from fallbacks (feed link, first-seen time): those would give every link-less
 *   item the same id, or a new id on every run.
 * - Authors and categories are de-duplicated case-insensitively, keeping the
 *   first spelling.
 */
import type { Article, ParsedItem, SourceRef } from '../model/index.js';
import { splitFaq } from './faq.js';
import { htmlToBlocks, htmlToText } from './html.js';
import { canonicalUrl, entryId } from './url.js';
import { parseDate, resolveDates } from './date.js';
import { toSummary } from './summary.js';

const TITLE_FROM_BODY_MAX = 80;

/** The base relative links resolve against: the feed's home page, else the fetched URL. */
function baseUrl(source: SourceRef): string {
  return (source.feedLink && canonicalUrl(source.feedLink, source.url)) || source.url;
}

/** The item's own link: its `link`, else a guid that is an absolute http(s) URL. */
function itemUrl(item: ParsedItem, base: string): string | undefined {
  const fromLink = item.link ? canonicalUrl(item.link, base) : undefined;
  if (fromLink) return fromLink;
  return item.guid && /^https?:\/\//i.test(item.guid.trim()) ? canonicalUrl(item.guid) : undefined;
}

function firstNonBlank(...values: (string | undefined)[]): string {
  return values.find((value) => value !== undefined && value.trim() !== '') ?? '';
}

function uniqueTexts(values: string[], clean: (value: string) => string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const value of values) {
    const text = clean(value);
    const key = text.toLowerCase();
    if (!text || seen.has(key)) continue;
    seen.add(key);
    out.push(text);
  }
  return out;
}

/** "jane@example.com (Jane Doe)" → "Jane Doe"; anything else (a bare email too) is kept. */
function authorName(raw: string): string {
  const text = htmlToText(raw);
  const rssForm = /^\S+@\S+\s*\((.+)\)$/.exec(text);
  return (rssForm?.[1] ?? text).trim();
}

/** The source's own summary when it says something the body does not; else the body's lede. */
function summaryOf(item: ParsedItem, bodyText: string, paragraphs: string[]): string {
  const own = item.summaryHtml ? htmlToText(item.summaryHtml) : '';
  return toSummary(own && own !== bodyText ? own : paragraphs.join(' '));
}

export function toArticle(item: ParsedItem, source: SourceRef, firstSeen: Date): Article | undefined {
  const base = baseUrl(source);
  const blocks = htmlToBlocks(firstNonBlank(item.contentHtml, item.summaryHtml));
  const bodyText = blocks.join(' ');
  const title = htmlToText(item.title ?? '') || toSummary(bodyText, TITLE_FROM_BODY_MAX);
  if (!title) return undefined;

  const { paragraphs, faqs } = splitFaq(blocks);
  const ownUrl = itemUrl(item, base);
  const guid = item.guid?.trim() || undefined;
  const sourcePublished = parseDate(item.published);
  return {
    id: entryId({ url: ownUrl, guid, title, published: sourcePublished?.toISOString() }, source.name),
    url: ownUrl ?? base,
    ...(guid ? { guid } : {}),
    title,
    source: { ...source },
    authors: uniqueTexts(item.authors, authorName),
    ...resolveDates(sourcePublished, parseDate(item.updated), firstSeen),
    summary: summaryOf(item, bodyText, paragraphs),
    paragraphs,
    faqs,
    categories: uniqueTexts(item.categories, htmlToText),
    figures: [],
    related: [],
    keywords: [],
  };
}
