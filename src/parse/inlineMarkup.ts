/**
 * Text constructs that carry inline XML (Atom `type="xhtml"`, Atom 0.3 XML types,
 * or naked markup in a title, summary or description) rewritten as escaped HTML
 * before rss-parser sees the document.
 *
 * Why: xml2js, under rss-parser, keeps an element's text apart from its child
 * elements, so `Example <b>Atom</b> feed` comes out as the text "Example  feed"
 * plus a detached "Atom" (titles are lost, bodies scrambled). Escaped, the
 * construct reaches infrawire whole, and that is what it means: RFC 4287 3.1.1.3
 * defines XHTML content as HTML written inline.
 *
 * Rules:
 * - Only the feed vocabulary's own text elements are touched (with the feed's
 *   prefix, see names.ts), and only those that contain a child element; text,
 *   escaped HTML and CDATA are left exactly as they are.
 * - The inner markup is kept as written (entity references too), except that CDATA
 *   sections become escaped text, namespace declarations go, and an XHTML prefix
 *   (`<x:b>`) is dropped; for `type="xhtml"` the wrapping div is not part of the
 *   content (RFC 4287 3.1.1.3) and goes as well.
 * - The element gets `type="html"` (its `mode` goes); its other attributes
 *   (xml:base, xml:lang) stay.
 * - An element whose end cannot be found is left alone (the parser then reports it).
 */
import { escapeHtml } from '../lib/markup.js';

const XHTML_NS = 'http://www.w3.org/1999/xhtml';
const NAME = '[A-Za-z_][\\w.-]*(?::[A-Za-z_][\\w.-]*)?';
const ATTRS = `(?:\\s+[^\\s=/>]+\\s*=\\s*(?:"[^"]*"|'[^']*'))*\\s*`;
/**
 * One markup token: comment, CDATA, processing instruction, or a start/end tag (groups:
 * CDATA text, slash, name, attributes, self-closing slash). An unclosed comment, CDATA or
 * PI runs to the end of the text, so hostile input costs one pass.
 */
const TOKEN = new RegExp(`<!--[\\s\\S]*?(?:-->|$)|<!\\[CDATA\\[([\\s\\S]*?)(?:\\]\\]>|$)|<\\?[\\s\\S]*?(?:\\?>|$)|<(/?)(${NAME})(${ATTRS})(/?)>`, 'g');
const NAMESPACE_DECLARATION = /\s+xmlns(?::[\w.-]+)?\s*=\s*(?:"[^"]*"|'[^']*')/g;

const ATOM_TEXT_ELEMENTS = ['title', 'subtitle', 'tagline', 'summary', 'content', 'rights', 'copyright', 'info'];
const RSS_TEXT_ELEMENTS = ['title', 'description'];

interface Tag {
  index: number;
  end: number;
  closing: boolean;
  name: string;
  attrs: string;
  selfClosing: boolean;
}

function tokenAt(re: RegExp, xml: string): Tag | undefined {
  const m = re.exec(xml);
  if (!m) return undefined;
  return { index: m.index, end: re.lastIndex, closing: m[2] === '/', name: m[3] ?? '', attrs: m[4] ?? '', selfClosing: m[5] === '/' };
}

/** Where the element opened by a start tag ending at `from` closes: [content end, end tag end]; undefined when it does not. */
function elementEnd(xml: string, name: string, from: number): { contentEnd: number; end: number; hasChild: boolean } | undefined {
  const re = new RegExp(TOKEN.source, 'g');
  re.lastIndex = from;
  let depth = 1;
  let hasChild = false;
  for (let tag = tokenAt(re, xml); tag; tag = tokenAt(re, xml)) {
    if (!tag.name) continue; // comment, CDATA or PI
    if (tag.name !== name) {
      hasChild = true;
      continue;
    }
    if (tag.closing) depth--;
    else if (!tag.selfClosing) depth++;
    hasChild ||= depth > 0;
    if (depth === 0) return { contentEnd: tag.index, end: tag.end, hasChild };
  }
  return undefined;
}

/** The attribute value `name` in a start tag's attribute text. */
function attribute(attrs: string, name: string): string | undefined {
  return new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs)?.slice(1).find((v) => v !== undefined);
}

/** The inside of a single wrapping `<div>` (Atom 1.0 XHTML), or the markup itself. */
function withoutWrapperDiv(html: string): string {
  const trimmed = html.trim();
  const open = /^<div\b[^>]*>/.exec(trimmed);
  if (!open || !trimmed.endsWith('</div>')) return html;
  // The first div must be the one the last </div> closes: count div tags in between.
  let depth = 0;
  for (const m of trimmed.matchAll(/<(\/?)div\b[^>]*?(\/?)>/g)) {
    if (m[1]) depth--;
    else if (!m[2]) depth++;
    if (depth === 0) return m.index + m[0].length === trimmed.length ? trimmed.slice(open[0].length, m.index) : html;
  }
  return html;
}

/** Whether markup needs its tags rewritten: namespace declarations, CDATA, or XHTML prefixes in it. */
function needsRewrite(markup: string, xhtmlPrefixes: Set<string>): boolean {
  return markup.includes('xmlns') || markup.includes('<![CDATA[') || (xhtmlPrefixes.size > 0 && markup.includes(':'));
}

/** The inline markup as an HTML string (see the rules above). */
function inlineToHtml(inner: string, xhtmlPrefixes: Set<string>, unwrapDiv: boolean): string {
  // Most XHTML declares its namespace on the wrapper div only: inside it, the markup is HTML as written.
  const unwrapped = unwrapDiv ? withoutWrapperDiv(inner) : inner;
  if (!needsRewrite(unwrapped, xhtmlPrefixes)) return unwrapped;
  const re = new RegExp(TOKEN.source, 'g');
  const html = inner.replace(re, (token: string, cdata: string | undefined, slash: string | undefined, name: string | undefined, attrs: string | undefined, selfClose: string | undefined) => {
    if (cdata !== undefined) return escapeHtml(cdata);
    if (!name) return token;
    const colon = name.indexOf(':');
    const local = colon > 0 && xhtmlPrefixes.has(name.slice(0, colon)) ? name.slice(colon + 1) : name;
    return `<${slash ?? ''}${local}${(attrs ?? '').replace(NAMESPACE_DECLARATION, '')}${selfClose ?? ''}>`;
  });
  return unwrapDiv ? withoutWrapperDiv(html) : html;
}

/** Text elements of the feed vocabulary, under each of the feed's prefixes ('' for none). */
function targetNames(format: 'atom' | 'rss', prefixes: Set<string>): Set<string> {
  const locals = format === 'atom' ? ATOM_TEXT_ELEMENTS : RSS_TEXT_ELEMENTS;
  return new Set(['', ...prefixes].flatMap((p) => locals.map((l) => (p ? `${p}:${l}` : l))));
}

/** The document with every inline-markup text construct escaped (see the rules above); unchanged when it has none. */
export function escapeInlineMarkup(xml: string, format: 'atom' | 'rss', prefixes: Set<string> = new Set()): string {
  const names = [...targetNames(format, prefixes)].map((n) => n.replace(/[.-]/g, '\\$&'));
  // Start tags of the target elements only: the rest of the document is not scanned.
  const re = new RegExp(`<(${names.join('|')})(${ATTRS})(/?)>`, 'g');
  let xhtmlPrefixes: Set<string> | undefined;
  const out: string[] = [];
  let copied = 0;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const tag = { index: m.index, end: re.lastIndex, name: m[1]!, attrs: m[2]! };
    // Self-closing, or text up to its own end tag (the common case): nothing to do.
    if (m[3] === '/' || xml.startsWith(`</${tag.name}`, xml.indexOf('<', tag.end))) continue;
    const end = elementEnd(xml, tag.name, tag.end);
    if (!end) break;
    re.lastIndex = end.end;
    if (!end.hasChild) continue;
    const type = attribute(tag.attrs, 'type');
    xhtmlPrefixes ??= new Set([...xml.matchAll(/\sxmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g)].filter((p) => p[2]!.trim() === XHTML_NS).map((p) => p[1]!));
    const html = inlineToHtml(xml.slice(tag.end, end.contentEnd), xhtmlPrefixes, type === 'xhtml');
    const attrs = tag.attrs.replace(/\s(?:type|mode)\s*=\s*(?:"[^"]*"|'[^']*')/g, '').trimEnd();
    out.push(xml.slice(copied, tag.index), `<${tag.name}${attrs} type="html">${escapeHtml(html)}</${tag.name}>`);
    copied = end.end;
  }
  return copied ? out.join('') + xml.slice(copied) : xml;
}
