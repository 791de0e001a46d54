/**
 * FAQ sections in HTML markup: the structured forms publishers use.
 *
 * Rules:
 * - Forms read here: schema.org FAQPage JSON-LD; `<details>`/`<summary>`;
 *   `<dl>` with `<dt>`/`<dd>`; h2–h4 headings ending in "?" followed by answer
 *   elements under an FAQ heading. (Plain-text `Q:`/`A:` sections are found
 *   later on the text blocks, by `splitFaq`.)
 * - Every element a pair is read from is removed from the document, and so is
 *   the bare FAQ heading, so FAQ text never leaks into the paragraphs or the
 *   republished body HTML.
 * - Be strict about what counts: a `<details>` or `<dl>` is an FAQ only when its
 *   terms are questions (end in "?") or it sits right under an FAQ heading, so
 *   "Read more" disclosures and glossaries stay body text.
 * - Broken JSON-LD is ignored (the visible page still counts), never thrown.
 */
import { DomUtils, ElementType } from 'htmlparser2';
import type { AnyNode, Document, Element } from 'domhandler';
import type { Faq } from '../model/index.js';
import { htmlToText, outerHtmlBlocks } from './html.js';
export { parseHtml, renderHtml } from './html.js';

const FAQ_HEADING = /^(?:faqs?|frequently asked questions)\s*:?$/i;
const QUESTION_HEADING = new Set(['h2', 'h3', 'h4']);
const ANY_HEADING = /^h[1-6]$/;

function isElement(node: AnyNode): node is Element {
  return ElementType.isTag(node as unknown as { type: ElementType.ElementType });
}

/** `htmlToText` of the node's markup, without parsing that markup again. */
export function nodeText(node: AnyNode | AnyNode[]): string {
  return outerHtmlBlocks(node).join(' ');
}

export function isQuestion(text: string): boolean {
  return text.endsWith('?');
}

export function isFaqHeadingText(text: string): boolean {
  return FAQ_HEADING.test(text);
}

/** Cheap test on raw text before the exact one: keeps scans over big bodies linear in practice. */
function mayOpenFaq(element: Element): boolean {
  return /^\s*(?:faq|frequently)/i.test(DomUtils.textContent(element));
}

function isFaqHeading(element: Element | null): element is Element {
  return !!element && mayOpenFaq(element) && DomUtils.textContent(element).length < 80 &&
    !DomUtils.existsOne((e) => e.name === 'dl' || e.name === 'details', element.children) &&
    isFaqHeadingText(nodeText(element));
}

function faq(question: string, answer: string): Faq[] {
  return question && answer ? [{ question, answer }] : [];
}

/** Removes the FAQ heading right before `element`, if there is one. */
function removeHeadingBefore(element: Element): void {
  const previous = DomUtils.prevElementSibling(element);
  if (isFaqHeading(previous)) DomUtils.removeElement(previous);
}

/** Question/Answer nodes of a parsed JSON-LD value, wherever FAQPage sits (top level, array, @graph). */
function jsonLdFaqs(value: unknown, depth = 0): Faq[] {
  if (depth > 8 || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v) => jsonLdFaqs(v, depth + 1));
  const node = value as Record<string, unknown>;
  const types = ([] as unknown[]).concat(node['@type'] ?? []);
  if (types.includes('FAQPage')) {
    return ([] as unknown[]).concat(node['mainEntity'] ?? []).flatMap((q) => {
      if (q === null || typeof q !== 'object') return [];
      const question = q as Record<string, unknown>;
      const accepted = ([] as unknown[]).concat(question['acceptedAnswer'] ?? [])[0] as Record<string, unknown> | undefined;
      const text = (v: unknown) => (typeof v === 'string' ? htmlToText(v) : '');
      return faq(text(question['name']), text(accepted?.['text']));
    });
  }
  return jsonLdFaqs(node['@graph'], depth + 1);
}

function takeJsonLd(doc: Document): Faq[] {
  const scripts = DomUtils.findAll(
    (e) => e.name === 'script' && (DomUtils.getAttributeValue(e, 'type') ?? '').trim().toLowerCase() === 'application/ld+json',
    doc,
  );
  const faqs: Faq[] = [];
  for (const script of scripts) {
    try {
      faqs.push(...jsonLdFaqs(JSON.parse(DomUtils.textContent(script))));
    } catch {
      // Not JSON: the visible page still counts.
    }
    DomUtils.removeElement(script);
  }
  return faqs;
}

function takeDetails(doc: Document): Faq[] {
  const faqs: Faq[] = [];
  for (const details of DomUtils.findAll((e) => e.name === 'details', doc)) {
    const summary = DomUtils.findOne((e) => e.name === 'summary', details.children, false);
    if (!summary) continue;
    const question = nodeText(summary);
    const underHeading = isFaqHeading(DomUtils.prevElementSibling(details));
    const answer = nodeText(details.children.filter((child) => child !== summary));
    if (!answer || !(isQuestion(question) || underHeading)) continue;
    faqs.push(...faq(question, answer));
    removeHeadingBefore(details);
    DomUtils.removeElement(details);
  }
  return faqs;
}

function takeDefinitionLists(doc: Document): Faq[] {
  const faqs: Faq[] = [];
  for (const dl of DomUtils.findAll((e) => e.name === 'dl', doc)) {
    const pairs: Faq[] = [];
    let question = '';
    for (const item of dl.children.filter(isElement)) {
      if (item.name === 'dt') question = nodeText(item);
      else if (item.name === 'dd' && question) {
        const last = pairs[pairs.length - 1];
        if (last && last.question === question) last.answer += ` ${nodeText(item)}`;
        else pairs.push(...faq(question, nodeText(item)));
      }
    }
    const underHeading = isFaqHeading(DomUtils.prevElementSibling(dl));
    if (!pairs.length || !(underHeading || pairs.every((p) => isQuestion(p.question)))) continue;
    faqs.push(...pairs);
    removeHeadingBefore(dl);
    DomUtils.removeElement(dl);
  }
  return faqs;
}

/** Under an FAQ heading: question headings, each followed by its answer elements, up to the next other heading. */
function takeQuestionHeadings(doc: Document): Faq[] {
  const faqs: Faq[] = [];
  for (const heading of DomUtils.findAll((e) => ANY_HEADING.test(e.name) && isFaqHeading(e), doc)) {
    const taken: AnyNode[] = [];
    let current: { question: string; answer: AnyNode[] } | undefined;
    const pairs: Faq[] = [];
    const finish = () => {
      if (current) pairs.push(...faq(current.question, nodeText(current.answer)));
    };
    for (let node = heading.next; node; node = node.next) {
      if (isElement(node) && ANY_HEADING.test(node.name)) {
        const text = nodeText(node);
        if (!QUESTION_HEADING.has(node.name) || !isQuestion(text)) break;
        finish();
        current = { question: text, answer: [] };
      } else if (current) current.answer.push(node);
      else if (nodeText(node)) break;
      taken.push(node);
    }
    finish();
    if (!pairs.length) continue;
    faqs.push(...pairs);
    for (const node of [heading, ...taken]) DomUtils.removeElement(node as Element);
  }
  return faqs;
}

/** Drops pairs whose question was already read, so the same pair from JSON-LD and from the page appears once. */
export function uniqueFaqs(faqs: Faq[]): Faq[] {
  const seen = new Set<string>();
  return faqs.filter((f) => {
    const key = f.question.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Reads and removes the structured FAQ forms; `doc` is changed in place. */
export function takeHtmlFaqs(doc: Document): Faq[] {
  return uniqueFaqs([...takeJsonLd(doc), ...takeDetails(doc), ...takeDefinitionLists(doc), ...takeQuestionHeadings(doc)]);
}

/** Removes elements whose whole text is a bare FAQ heading (left behind once their pairs are gone). */
export function removeBareFaqHeadings(doc: Document): void {
  for (const element of DomUtils.findAll((e) => isFaqHeading(e), doc)) {
    if (element.parent && isFaqHeadingText(nodeText(element))) DomUtils.removeElement(element);
  }
}

/** The last block element whose text opens a plain-text FAQ section; it and everything after it are the FAQ. */
export function cutFromFaqHeading(doc: Document, opensFaq: (text: string) => boolean): boolean {
  const candidates = DomUtils.findAll(
    (e) => /^(?:p|div|h[1-6]|section|li|strong|b)$/.test(e.name) && mayOpenFaq(e) && opensFaq(nodeText(e)),
    doc,
  );
  let start = candidates[candidates.length - 1];
  if (!start) return false;
  // "<p><strong>FAQ</strong></p>": cut at the outermost element holding just the heading.
  while (start.parent && start.parent !== doc && isElement(start.parent) && nodeText(start.parent) === nodeText(start)) start = start.parent;
  for (let node: AnyNode | null = start; node && node !== doc; node = node.parent) {
    while (node.next) DomUtils.removeElement(node.next);
  }
  DomUtils.removeElement(start);
  return true;
}

/** Removes text blocks (paragraphs, headings, list items) whose whole text is one of `texts`; true when it removed any. */
export function removeBlocksWithText(doc: Document, texts: ReadonlySet<string>): boolean {
  if (!texts.size) return false;
  let removed = false;
  for (const element of DomUtils.findAll((e) => /^(?:p|h[1-6]|li|dt|dd)$/.test(e.name), doc)) {
    if (!texts.has(nodeText(element))) continue;
    DomUtils.removeElement(element);
    removed = true;
  }
  return removed;
}
