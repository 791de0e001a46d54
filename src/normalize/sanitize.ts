/**
 * Source HTML → HTML safe to republish (sanitize-html with an allowlist).
 *
 * Rules:
 * - Allowlist only: what is not listed here is removed. Text of unknown
 *   elements is kept; the content of code-carrying elements (script, style,
 *   svg, math, object, embed, template, form controls) is dropped with them.
 * - No attribute can carry code or styling: no event handlers, no `style`
 *   (so no CSS expressions), no `class`/`id`. Links are http(s) or mailto,
 *   images http(s) only (no javascript:, data: or vbscript:).
 * - Relative links and images are resolved against the item's base (xml:base,
 *   else the item link), because the republished entry lives at another URL.
 * - Tracking images (1×1, or a known counter's URL: media.ts), images without a usable src and hidden
 *   elements (`hidden`, display:none, visibility:hidden) are dropped.
 * - Iframes only from the configured video hosts, over https, and always empty:
 *   their content is fallback text that parsers disagree about (nested iframes
 *   could otherwise swallow the rest of the body).
 */
import { DomUtils } from 'htmlparser2';
import type { Document, Element } from 'domhandler';
import sanitizeHtml from 'sanitize-html';
import { parseHtml, renderHtml, reparsesTheSame } from './html.js';
import { isTrackingImage } from './media.js';

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
  'a', 'em', 'strong', 'b', 'i', 'u', 's', 'sub', 'sup', 'small', 'mark', 'q', 'cite', 'abbr', 'span', 'div',
  'figure', 'figcaption', 'img', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'iframe',
  'details', 'summary',
];
const DROPPED_WITH_CONTENT = ['script', 'style', 'textarea', 'option', 'select', 'noscript', 'svg', 'math', 'object', 'embed', 'template', 'head', 'title'];

export interface SanitizeOptions {
  /** Base for relative URLs: the item's xml:base or link. */
  baseUrl?: string;
  /** Host names whose iframes are kept. */
  iframeHosts?: readonly string[];
}

/** Resolves `value` against `base`; undefined unless the result uses one of `schemes`. */
function resolveUrl(value: string | undefined, base: string | undefined, schemes: readonly string[]): string | undefined {
  if (!value?.trim()) return undefined;
  try {
    const url = new URL(value.trim(), base);
    return schemes.includes(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** A transform that resolves one URL attribute, removing it when it is unusable. */
function resolvingAttribute(attribute: string, base: string | undefined, schemes: readonly string[]): sanitizeHtml.Transformer {
  return (tagName, attribs) => {
    const { [attribute]: raw, ...rest } = attribs;
    const resolved = resolveUrl(raw, base, schemes);
    return { tagName, attribs: resolved ? { ...rest, [attribute]: resolved } : rest };
  };
}

const HIDDEN_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b/i;

function isHidden(element: Element): boolean {
  return DomUtils.hasAttrib(element, 'hidden') || HIDDEN_STYLE.test(DomUtils.getAttributeValue(element, 'style') ?? '');
}

/**
 * Structural clean-up the allowlist cannot express: hidden elements (often
 * keyword stuffing or tracking) go, and iframes are emptied. Changes `doc`.
 */
export function removeHiddenAndIframeContent(doc: Document): void {
  // One walk finds both; an iframe inside a hidden element goes with it (emptying it then changes nothing).
  const found = DomUtils.findAll((e) => e.name === 'iframe' || isHidden(e), doc);
  for (const element of found) if (isHidden(element)) DomUtils.removeElement(element);
  for (const element of found) if (element.name === 'iframe') element.children = [];
}

export function sanitizeBodyHtml(html: string, options: SanitizeOptions = {}): string {
  const { doc } = parseHtml(html);
  removeHiddenAndIframeContent(doc);
  return sanitizeRendered(renderHtml(doc), options);
}

/**
 * `sanitizeBodyHtml(renderHtml(doc))` for a document whose hidden elements and
 * iframe content are already gone: when its markup parses back to the same
 * document, that markup goes to the allowlist without a second parse.
 * `rendered`: `renderHtml(doc)` when the caller has it already.
 */
export function sanitizeDocument(doc: Document, options: SanitizeOptions = {}, rendered?: string): string {
  const html = rendered ?? renderHtml(doc);
  return reparsesTheSame(doc) ? sanitizeRendered(html, options) : sanitizeBodyHtml(html, options);
}

/** The allowlist pass over markup already cleared of hidden elements and iframe content. */
function sanitizeRendered(html: string, options: SanitizeOptions): string {
  const base = options.baseUrl;
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    nonTextTags: DROPPED_WITH_CONTENT,
    allowedAttributes: {
      a: ['href', 'title'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      iframe: ['src', 'width', 'height', 'title', 'allowfullscreen'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
      abbr: ['title'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'], iframe: ['https'] },
    allowProtocolRelative: false,
    allowedIframeHostnames: [...(options.iframeHosts ?? [])],
    allowIframeRelativeUrls: false,
    transformTags: {
      a: resolvingAttribute('href', base, ['http:', 'https:', 'mailto:']),
      img: resolvingAttribute('src', base, ['http:', 'https:']),
      iframe: resolvingAttribute('src', base, ['https:']),
    },
    exclusiveFilter: (frame) =>
      (frame.tag === 'img' && (!frame.attribs['src'] || isTrackingImage(frame.attribs['src'], frame.attribs['width'], frame.attribs['height']))) ||
      (frame.tag === 'iframe' && !frame.attribs['src']),
  })
    .replace(/\n{2,}/g, '\n')
    .trim();
}
