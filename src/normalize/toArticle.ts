/**
 * ParsedItem → Article: the only place source strings become the model.
 *
 * Rules:
 * - Every text field leaves here as plain text; later stages never see HTML.
 * - An item needs a title or a body to be worth publishing; with neither it is
 *   skipped, and a missing title is borrowed from the start of the body.
 * - The link is the publisher's `origLink` when the feed gives one, else `link`,
 *   then a URL-shaped guid, then the source's home page, so every article has
 *   somewhere to point.
 * - The id is computed from the item's own link/guid/title and its own date, never
 *   from fallbacks (feed link, first-seen time): those would give every link-less
 *   item the same id, or a new id on every run. Its link is the identity URL of
 *   `link` (url.ts), never `origLink` nor the cleaner published link, so stored
 *   ids stay.
 * - Authors and categories are de-duplicated case-insensitively, keeping the
 *   first spelling.
 * - The FAQ is read before the paragraphs and removed from both the paragraphs
 *   and the body HTML, so its text appears once, as the FAQ. Only an article
 *   without one gets a generated FAQ (when configured), built from its own
 *   sentences and figures, only of questions that add to its summary, and
 *   marked as generated (generatedFaq.ts).
 * - Bodies and summaries are read clean (clean.ts): markup escaped twice as
 *   markup, without boilerplate or an excerpt the full content repeats; a
 *   summary the source cut ends in "…".
 * - Key figures (figures.ts) are read in the item's language from the title,
 *   the summary, the body's prose (never its code) and the FAQ answers.
 * - Enclosures and the entry image come from the item's media, else the
 *   sanitized body's first meaningful image (media.ts).
 * - Repeated guids inside one feed must not collapse different stories:
 *   `identityGuids` gives later repeats a key with their title and date (and
 *   their position, if even those repeat), the first keeps the plain guid.
 */
import type { Config, SourceConfig } from '../config/schema.js';
import type { Article, Faq, ParsedItem, SourceRef } from '../model/index.js';
import { xmlSafe } from '../model/text.js';
import { opensFaqSection, splitFaq } from './faq.js';
import { cutFromFaqHeading, parseHtml, removeBareFaqHeadings, removeBlocksWithText, renderHtml, takeHtmlFaqs, uniqueFaqs } from './faqHtml.js';
import { keyFigures } from './figures.js';
import { generateFaqs } from './generatedFaq.js';
import { blocksOutsideCode, documentBlocks, htmlToBlocks, htmlToText, looksLikeHtml, renderedBlocks, unescapeTwiceEscaped } from './html.js';
import { cleanBodyBlocks, cleanBodyDocument, ledeOf, sourceSummary } from './clean.js';
import { personName } from '../lib/people.js';
import { canonicalUrl, entryId, identityUrl } from './url.js';
import { parseDate, resolveDates } from './date.js';
import { removeHiddenAndIframeContent, sanitizeDocument } from './sanitize.js';
import { toSummary } from './summary.js';
import { articleMedia } from './media.js';

export interface NormalizeOptions {
  /** IANA zone for dates the source writes without a zone (default UTC). */
  timezone?: string;
  /** How far ahead of first-seen a date may be before it is replaced by first-seen (default 24 h). */
  futureToleranceMs?: number;
  /** Build an FAQ from the article's own sentences when it has none (default true). */
  generateFaqs?: boolean;
  /** Hosts whose iframes survive sanitizing (default none). */
  iframeHosts?: readonly string[];
  /** The guid the id is computed from, when it differs from the item's own (see `identityGuids`). */
  idGuid?: string;
  /** `sourceBaseUrl(source)`, when the caller computed it once for a feed's items (else it is computed per item). */
  sourceBase?: string;
}

/** The options for one source, from the config's `normalize` section and the source's own `timezone`. */
export function normalizeOptions(settings: Config['normalize'], source: Pick<SourceConfig, 'timezone'>): NormalizeOptions {
  return {
    ...(source.timezone ? { timezone: source.timezone } : {}),
    futureToleranceMs: settings.futureToleranceMinutes * 60_000,
    generateFaqs: settings.generateFaqs,
    iframeHosts: settings.iframeHosts,
  };
}

export interface Body {
  /** The whole body as text (before anything is removed), when asked for: the title fallback, compared with the source's summary. */
  text?: string;
  paragraphs: string[];
  faqs: Faq[];
  bodyHtml?: string;
  /** The paragraphs' text without code elements, when the body has any (figures are read from it; else from the paragraphs). */
  prose?: string[];
}

const TITLE_FROM_BODY_MAX = 80;
const TITLE_MAX = 300;

/** The base relative links resolve against: the feed's home page, else the fetched URL. The same for all of a feed's items. */
export function sourceBaseUrl(source: SourceRef): string {
  return (source.feedLink && canonicalUrl(source.feedLink, source.url)) || source.url;
}

/** The item's own link: its `origLink` (the publisher's link behind a feed service's redirect), else its `link`, else a guid that is an absolute http(s) URL. */
function itemUrl(item: ParsedItem, base: string): string | undefined {
  const original = item.origLink ? canonicalUrl(item.origLink, base) : undefined;
  if (original) return original;
  const fromLink = item.link ? canonicalUrl(item.link, base) : undefined;
  if (fromLink) return fromLink;
  return item.guid && /^https?:\/\//i.test(item.guid.trim()) ? canonicalUrl(item.guid) : undefined;
}

/**
 * The link the id is made from: `link`, else a URL-shaped guid, in the identity
 * form (url.ts): never `origLink` nor the unwrapped, cleaner published URL, so
 * ids stay those a store already holds.
 */
function itemIdUrl(item: ParsedItem, base: string): string | undefined {
  const fromLink = item.link ? identityUrl(item.link, base) : undefined;
  if (fromLink) return fromLink;
  return item.guid && /^https?:\/\//i.test(item.guid.trim()) ? identityUrl(item.guid) : undefined;
}

function firstNonBlank(...values: (string | undefined)[]): string {
  return values.find((value) => value !== undefined && value.trim() !== '') ?? '';
}

/**
 * The item without characters XML forbids: the parse stage strips them from whole
 * documents, but a ParsedItem from elsewhere may carry them, and a title of lone
 * surrogates would otherwise reach a feed as an empty element.
 */
function withoutXmlInvalid(item: ParsedItem): ParsedItem {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) out[key] = typeof value === 'string' ? xmlSafe(value) : Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? xmlSafe(v) : v)) : value;
  return out as unknown as ParsedItem;
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

/** "jane@example.com (Jane Doe)" → "Jane Doe" (lib/people.ts); a bare email is kept. */
function authorName(raw: string): string {
  return personName(htmlToText(raw)) ?? '';
}

/** The source's own summary (`own`, its text; `ownHtml`, its markup) when it says something the body does not; else the body's lede (clean.ts). */
function summaryOf(ownHtml: string, own: string, bodyText: string | undefined, paragraphs: string[]): string {
  return (own && own !== bodyText && sourceSummary(ownHtml, paragraphs)) || ledeOf(paragraphs.join(' '));
}

/**
 * Text, paragraphs, FAQ and sanitized HTML of a body; markup FAQ forms first,
 * then the plain-text form. The markup is parsed once, and rendered once
 * unless the plain FAQ form is cut out of it. `withText`: also the whole
 * body's text (a walk the caller needs only for a title or summary check).
 */
export function readBody(raw: string, options: NormalizeOptions, base: string | undefined, withText: boolean): Body {
  if (!looksLikeHtml(raw)) {
    const blocks = htmlToBlocks(raw);
    return { text: blocks.join(' '), ...splitFaq(cleanBodyBlocks(blocks)) };
  }
  const parsed = parseHtml(raw);
  const { doc } = parsed;
  const text = withText ? documentBlocks(parsed, raw).join(' ') : undefined;
  cleanBodyDocument(doc, raw);
  removeHiddenAndIframeContent(doc);
  const markupFaqs = takeHtmlFaqs(doc);
  if (markupFaqs.length) removeBareFaqHeadings(doc);
  const rendered = renderHtml(doc);
  const split = splitFaq(renderedBlocks(doc, rendered));
  const cut = split.faqs.length > 0 && cutFromFaqHeading(doc, opensFaqSection);
  const faqs = uniqueFaqs([...markupFaqs, ...split.faqs]);
  // JSON-LD often repeats a visible FAQ that has no FAQ heading: its text goes too.
  const faqTexts = new Set(faqs.flatMap((f) => [f.question, f.answer]));
  const removed = removeBlocksWithText(doc, faqTexts);
  const prose = blocksOutsideCode(doc)?.filter((block) => !faqTexts.has(block));
  const bodyHtml = sanitizeDocument(doc, { baseUrl: base, iframeHosts: options.iframeHosts }, cut || removed ? undefined : rendered);
  return {
    ...(text !== undefined ? { text } : {}),
    paragraphs: split.paragraphs.filter((p) => !faqTexts.has(p)),
    faqs,
    ...(bodyHtml ? { bodyHtml } : {}),
    ...(prose ? { prose } : {}),
  };
}

/** Per item, the guid its id is computed from: later repeats of a guid in the same feed get a distinct key. */
export function identityGuids(items: readonly ParsedItem[]): (string | undefined)[] {
  const seen = new Set<string>();
  return items.map((item, position) => {
    const guid = item.guid?.trim();
    if (!guid) return undefined;
    const keys = [guid, `${guid}\n${htmlToText(item.title ?? '')}\n${item.published ?? ''}`, `${guid}\n#${position}`];
    const key = keys.find((k) => !seen.has(k)) ?? `${guid}\n#${position}`;
    seen.add(key);
    return key;
  });
}

/** The item's own dates as the source wrote them (parsed), kept so an article dated from first-seen can be re-dated without normalizing it again. */
export interface SourceDates {
  published?: Date;
  updated?: Date;
}

/** An article with the source dates its `published`/`updated` were resolved from. */
export interface NormalizedItem {
  article: Article;
  sourceDates: SourceDates;
}

/**
 * The article dated as if first seen at `firstSeen`: exactly what `toArticle`
 * gives for that time, since nothing else in an article depends on it.
 */
export function redated(article: Article, sourceDates: SourceDates, firstSeen: Date, options: NormalizeOptions = {}): Article {
  return { ...article, ...resolveDates(sourceDates.published, sourceDates.updated, firstSeen, options.futureToleranceMs) };
}

export function toArticle(item: ParsedItem, source: SourceRef, firstSeen: Date, options: NormalizeOptions = {}): Article | undefined {
  return normalizeItem(item, source, firstSeen, options)?.article;
}

/** `toArticle` plus the parsed source dates (see `redated`). */
export function normalizeItem(parsed: ParsedItem, source: SourceRef, firstSeen: Date, options: NormalizeOptions = {}): NormalizedItem | undefined {
  const item = withoutXmlInvalid(parsed);
  const base = options.sourceBase ?? sourceBaseUrl(source);
  const raw = firstNonBlank(item.contentHtml, item.summaryHtml);
  // Markup escaped twice is read as the markup it is (html.ts).
  const body = unescapeTwiceEscaped(raw);
  const summaryHtml = item.summaryHtml === raw ? body : item.summaryHtml && unescapeTwiceEscaped(item.summaryHtml);
  const ownUrl = itemUrl(item, base);
  const htmlBase = (item.baseUrl && canonicalUrl(item.baseUrl, base)) || ownUrl || base;
  const ownTitle = toSummary(htmlToText(item.title ?? ''), TITLE_MAX);
  // An item with neither title nor body is skipped before its body is read (that is the costly part).
  if (!ownTitle && !raw.trim()) return undefined;
  const ownSummary = summaryHtml ? htmlToText(summaryHtml) : '';
  const { text: bodyText, paragraphs, faqs, bodyHtml, prose } = readBody(body, options, htmlBase, !ownTitle || ownSummary !== '');
  // A title is a line, not a document: a hostile 1 MB title is cut like a summary.
  // An untitled item shows the start of its clean text, but its id keeps the title its raw body always gave.
  const rawTitle = ownTitle || toSummary((body === raw ? bodyText : htmlToText(raw)) ?? '', TITLE_FROM_BODY_MAX);
  const title = ownTitle || toSummary(paragraphs.join(' '), TITLE_FROM_BODY_MAX) || rawTitle;
  if (!title) return undefined;

  const guid = item.guid?.trim() || undefined;
  const idUrl = itemIdUrl(item, base);
  const dateOptions = { timezone: options.timezone };
  const sourceDates: SourceDates = { published: parseDate(item.published, dateOptions), updated: parseDate(item.updated, dateOptions) };
  const sourcePublished = sourceDates.published;
  const summary = summaryOf(summaryHtml ?? '', ownSummary, bodyText, paragraphs);
  const figures = keyFigures({ title, lede: prose && summary === ledeOf(paragraphs.join(' ')) ? ledeOf(prose.join(' ')) : summary, body: [...(prose ?? paragraphs), ...faqs.map((f) => f.answer)], language: item.language });
  const published = resolveDates(sourcePublished, sourceDates.updated, firstSeen, options.futureToleranceMs);
  const ownFaqs = faqs.length || options.generateFaqs === false ? faqs : generateFaqs({ paragraphs, summary, figures, published: published.published, language: item.language });
  const article: Article = {
    id: entryId({ url: idUrl, guid: options.idGuid ?? guid, title: rawTitle, published: sourcePublished?.toISOString() }, source.name),
    url: ownUrl ?? base,
    ...(guid ? { guid } : {}),
    title,
    source: { ...source },
    authors: uniqueTexts(item.authors, authorName),
    ...published,
    summary,
    paragraphs,
    ...(bodyHtml ? { bodyHtml } : {}),
    faqs: ownFaqs,
    categories: uniqueTexts(item.categories, htmlToText),
    ...(item.language ? { language: item.language } : {}),
    figures,
    related: [],
    keywords: [],
    ...articleMedia(item.enclosures, item.images, bodyHtml),
  };
  return { article, sourceDates };
}
