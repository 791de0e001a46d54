/**
 * HTML → plain-text blocks.
 *
 * Rules:
 * - Later stages only ever see plain text, so every entity is decoded here and
 *   whitespace is collapsed: source markup and pretty-printing never change output.
 * - Paragraph structure is the one thing worth keeping from the markup (the FAQ
 *   splitter and the summary depend on it), so block elements and `<br><br>`
 *   end a block, while inline elements just flow into it.
 * - Non-content elements (script, style, svg, ...) would leak code into text, so
 *   they are dropped with everything inside them.
 * - Feeds often carry plain text where HTML is expected; text with no tags at all
 *   is split on blank lines instead, as a human would read it, and a line that
 *   opens an FAQ ("FAQs", "Q: ...", "A: ...") starts a block of its own.
 * - Never throw: broken markup from a feed is normal, and htmlparser2 is forgiving.
 *   Descriptions are often truncated mid-tag; a tag cut off at the end is dropped
 *   (as browsers do) instead of leaking its name into the text.
 * - Code is not prose: `blocksOutsideCode` gives a document's text without its
 *   `code`, `pre`, `kbd` and `samp` elements (figures are read from it).
 * - Parse once: a DOM already in hand is walked (`documentBlocks`,
 *   `renderedBlocks`) with the same block rules the tokenizer callbacks use, and
 *   gives exactly what parsing its markup again would; where it might not (raw
 *   text holding markup characters, foreign or odd element names, a cut-off
 *   tag) the markup is parsed as before.
 * - A DOM is at most MAX_ELEMENT_DEPTH elements deep (`parseHtml`): hostile or
 *   broken markup nests thousands of unclosed tags, and recursive rendering
 *   would overflow the stack and fail the whole feed.
 * - HTML escaped twice (`&lt;div class=&quot;md&quot;&gt;&lt;p&gt;…`, Reddit
 *   through some aggregators) is unescaped once, when detected, never guessed
 *   (`unescapeTwiceEscaped`): its text after one parse must be markup through
 *   and through (see `isMarkupText`), so prose that mentions `<div>` stays text,
 *   and none of it inside a code element (`<pre>`, `<code>`: a snippet shown on
 *   purpose).
 */
import { DomUtils, Parser } from 'htmlparser2';
import { DomHandler, Element, isTag, isText, type AnyNode, type Document, type ParentNode } from 'domhandler';
import { decodeEntities } from '../lib/markup.js';

/** Elements that start and end a paragraph of text (boilerplate.ts cuts bodies into blocks by the same list). */
export const BLOCK_TAGS: ReadonlySet<string> = new Set([
  'p', 'div', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'tr',
  'dt', 'dd', 'section', 'article', 'figure', 'figcaption', 'ul', 'ol', 'dl', 'table',
  'thead', 'tbody', 'tfoot', 'header', 'footer', 'main', 'aside', 'nav', 'hr',
  'address', 'details', 'summary', 'body', 'html',
]);
/** Elements that separate words without separating paragraphs. */
const SPACING_TAGS = new Set(['td', 'th', 'img']);
const DROPPED_TAGS = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'svg', 'math', 'head', 'textarea', 'select', 'button']);
const TRUNCATED_TAG = /<[a-z/!][^<>]*$/i;
const TAG_PATTERN = /<(?:[a-z][\w:-]*(?:\s[^<>]*)?\/?|\/[a-z][\w:-]*\s*)>|<!--/i;

/** Whitespace that `collapseWhitespace` would change: a run of two, or any whitespace but a plain space. */
const UNCOLLAPSED = /\s\s|[^\S ]/;
const WHITESPACE_RUN = /\s+/g;

export function collapseWhitespace(text: string): string {
  // Most blocks have single spaces only: testing is cheaper than rebuilding the string.
  return UNCOLLAPSED.test(text) ? text.replace(WHITESPACE_RUN, ' ').trim() : text.trim();
}

export function looksLikeHtml(text: string): boolean {
  return TAG_PATTERN.test(text);
}

const NON_SPACE = /\S/;

/**
 * The block rules, as tokenizer callbacks: fed by htmlparser2 (`parseBlocks`)
 * or by a walk over a DOM (`walkBlocks`). A class, not closures: this runs
 * for every text a body yields, and each closure made per call costs a
 * `__name` property definition under tsx.
 */
class BlockBuilder {
  constructor(private readonly dropped: ReadonlySet<string> = DROPPED_TAGS) {}

  private readonly done: string[] = [];
  private current = '';
  private dropDepth = 0;
  /** A <br> was seen and only whitespace followed it. */
  private afterBr = false;

  private flush(): void {
    const text = collapseWhitespace(this.current);
    if (text) this.done.push(text);
    this.current = '';
    this.afterBr = false;
  }

  onopentag(name: string): void {
    if (this.dropped.has(name)) this.dropDepth++;
    if (this.dropDepth > 0) return;
    if (BLOCK_TAGS.has(name)) this.flush();
    else if (SPACING_TAGS.has(name)) this.current += ' ';
    else if (name === 'br') {
      if (this.afterBr) this.flush();
      else {
        this.current += ' ';
        this.afterBr = true;
      }
    }
  }

  onclosetag(name: string): void {
    if (this.dropped.has(name)) {
      this.dropDepth = Math.max(0, this.dropDepth - 1);
      return;
    }
    if (this.dropDepth > 0) return;
    if (BLOCK_TAGS.has(name)) this.flush();
    else if (SPACING_TAGS.has(name)) this.current += ' ';
  }

  ontext(text: string): void {
    if (this.dropDepth > 0) return;
    this.current += text;
    if (NON_SPACE.test(text)) this.afterBr = false;
  }

  /** Ends the last block and returns them all. */
  blocks(): string[] {
    this.flush();
    return this.done;
  }
}

/** Runs htmlparser2 over the markup and cuts text into blocks at block boundaries. */
function parseBlocks(html: string): string[] {
  const builder = new BlockBuilder();
  const parser = new Parser(builder, { decodeEntities: true });
  parser.write(html.replace(TRUNCATED_TAG, ''));
  parser.end();
  return builder.blocks();
}

/** Feeds a DOM to the block rules in document order, as the tokenizer would (iterative: hostile nesting is deep); `dropped`: elements whose content gives no text. */
function walkBlocks(nodes: AnyNode | readonly AnyNode[], dropped?: ReadonlySet<string>): string[] {
  const builder = new BlockBuilder(dropped);
  type Step = { node: AnyNode; closing: boolean };
  const stack: Step[] = (Array.isArray(nodes) ? [...nodes] : [nodes as AnyNode]).reverse().map((node) => ({ node, closing: false }));
  for (let step = stack.pop(); step; step = stack.pop()) {
    const { node, closing } = step;
    if (isText(node)) {
      builder.ontext(node.data);
      continue;
    }
    if (isTag(node)) {
      if (closing) {
        builder.onclosetag(node.name);
        continue;
      }
      builder.onopentag(node.name);
      stack.push({ node, closing: true });
    }
    // Elements, the document and CDATA sections have children; comments and directives give no text.
    const children = (node as ParentNode).children;
    if (children) for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, closing: false });
  }
  return builder.blocks();
}

/** Elements whose text dom-serializer writes unescaped (so its markup characters would become markup when parsed again). */
const UNENCODED_PARENTS = new Set(['style', 'script', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext', 'noscript']);
/** Names that survive rendering and parsing again unchanged (foreign elements are re-cased, `plaintext` swallows the rest). */
const PLAIN_ELEMENT_NAME = /^[a-z][a-z0-9:_-]*$/;
const FOREIGN_OR_ENDLESS = new Set(['svg', 'math', 'plaintext']);
const MARKUP_CHARACTER = /[<&]/;

/** True when parsing the nodes' rendered markup again would give the same elements and text (so a walk gives the same blocks). */
export function reparsesTheSame(nodes: AnyNode | readonly AnyNode[]): boolean {
  const stack: AnyNode[] = Array.isArray(nodes) ? [...nodes] : [nodes as AnyNode];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (isText(node)) {
      const parent = node.parent;
      if (parent && isTag(parent) && UNENCODED_PARENTS.has(parent.name) && MARKUP_CHARACTER.test(node.data)) return false;
      continue;
    }
    if (isTag(node) && (!PLAIN_ELEMENT_NAME.test(node.name) || FOREIGN_OR_ENDLESS.has(node.name))) return false;
    const children = (node as ParentNode).children;
    if (children) for (const child of children) stack.push(child);
  }
  return true;
}

/** `htmlToBlocks(markup)` for what `parseHtml(markup)` returned, before any change to its document: walked, not parsed again. */
export function documentBlocks(parsed: ParsedHtml, markup: string): string[] {
  if (!looksLikeHtml(markup) || TRUNCATED_TAG.test(markup) || parsed.flattened) return htmlToBlocks(markup);
  return walkBlocks(parsed.doc);
}

/** `htmlToBlocks(rendered)`, where `rendered` is the markup the nodes render to: walked when parsing it again would give the same nodes. */
export function renderedBlocks(nodes: AnyNode | readonly AnyNode[], rendered: string): string[] {
  if (!looksLikeHtml(rendered) || TRUNCATED_TAG.test(rendered) || !reparsesTheSame(nodes)) return htmlToBlocks(rendered);
  return walkBlocks(nodes);
}

/** dom-serializer's void elements: written without an end tag. */
const VOID_ELEMENTS = new Set('area base basefont br col command embed frame hr img input isindex keygen link meta param source track wbr'.split(' '));

/**
 * `htmlToBlocks` of the nodes' outer HTML as `DomUtils.getOuterHTML` writes
 * it. A non-void element with a plain name is written as `<name …>…</name>`:
 * markup that looks like HTML and ends in no cut-off tag, so when it would
 * parse back the same it is walked without being rendered at all.
 */
export function outerHtmlBlocks(nodes: AnyNode | AnyNode[]): string[] {
  if (!Array.isArray(nodes) && isTag(nodes) && !VOID_ELEMENTS.has(nodes.name) && PLAIN_ELEMENT_NAME.test(nodes.name) && reparsesTheSame(nodes)) return walkBlocks(nodes);
  return renderedBlocks(nodes, DomUtils.getOuterHTML(nodes));
}

/** Collects the text htmlparser2 reports. */
/** In plain text, a line that is an FAQ heading or starts a Q/A marker is its own block, even without a blank line. */
const PLAIN_BLOCK_START = /^\s*(?:(?:faqs?|frequently asked questions)\s*:?\s*$|(?:Q|A|question|answer)\s*:)/i;

function plainTextBlocks(text: string): string[] {
  const blocks: string[] = [];
  for (const chunk of decodeEntities(text).split(/\n\s*\n/)) {
    let current: string[] = [];
    for (const line of chunk.split('\n')) {
      if (PLAIN_BLOCK_START.test(line) && current.length) {
        blocks.push(current.join(' '));
        current = [];
      }
      current.push(line);
    }
    blocks.push(current.join(' '));
  }
  return blocks.map(collapseWhitespace).filter((block) => block.length > 0);
}

export function htmlToBlocks(html: string): string[] {
  if (!html) return [];
  return looksLikeHtml(html) ? parseBlocks(html) : plainTextBlocks(html);
}

export function htmlToText(html: string): string {
  return htmlToBlocks(html).join(' ');
}

/**
 * How deep `parseHtml` nests elements. Rendering a DOM (dom-serializer) and some
 * walks recurse per level: 3,000 unclosed tags overflowed the stack, which failed
 * the whole feed. Browsers cap nesting too (Blink at 512).
 */
export const MAX_ELEMENT_DEPTH = 256;

/**
 * htmlparser2's DOM builder with nesting capped at MAX_ELEMENT_DEPTH: an element
 * that would be deeper is attached beside the deepest ones (as Blink does), and
 * still holds its own content, so nothing is lost and a dropped element (script)
 * still takes its text with it.
 */
class DepthCappedHandler extends DomHandler {
  flattened = false;

  override onopentag(name: string, attribs: Record<string, string>): void {
    super.onopentag(name, attribs);
    // tagStack[0] is the document: the new element (on top) is tagStack.length - 1 deep.
    if (this.tagStack.length <= MAX_ELEMENT_DEPTH + 1) return;
    this.flattened = true;
    DomUtils.appendChild(this.tagStack[MAX_ELEMENT_DEPTH - 1]!, this.tagStack[this.tagStack.length - 1] as Element);
  }
}

/** A DOM of some markup, and whether its nesting had to be capped. */
export interface ParsedHtml {
  doc: Document;
  /** Elements were moved up to cap the nesting: walking `doc` is not what the tokenizer reads (`documentBlocks` parses instead). */
  flattened: boolean;
}

/** A DOM of the markup, for the stages that must remove or rewrite elements (FAQ forms, sanitizing); nesting capped (MAX_ELEMENT_DEPTH). */
export function parseHtml(html: string): ParsedHtml {
  const handler = new DepthCappedHandler();
  new Parser(handler, { decodeEntities: true }).end(html);
  return { doc: handler.root, flattened: handler.flattened };
}

/** The DOM back to markup; characters stay characters (no entity encoding beyond what markup needs). */
export function renderHtml(doc: Document): string {
  return DomUtils.getOuterHTML(doc, { encodeEntities: 'utf8' });
}

/**
 * The node after `node` in document order, inside `root`: its first child when
 * `descend`, else the next sibling of it or of its nearest ancestor that has
 * one; null past the end of `root`. A walk by it copies no child list: a block
 * may hold 100,000 children, and a walk may stop after a few.
 */
export function nextInTree(node: AnyNode, root: AnyNode, descend: boolean): AnyNode | null {
  if (descend) {
    const first = (node as Partial<ParentNode>).children?.[0];
    if (first) return first;
  }
  let at = node;
  while (at !== root && !at.next) at = at.parent!;
  return at === root ? null : at.next;
}

/**
 * The text of `nodes` as a reader sees it (blocks, breaks, cells and images
 * separate words; dropped elements give none), whitespace collapsed, read only
 * until it runs past `max` characters or `maxNodes` nodes: `complete` says
 * whether all of it was read (and is at most `max` long). `outsideLinks`: the
 * text inside `<a>` elements is left out.
 */
export function readableText(
  nodes: readonly AnyNode[],
  max: number,
  options: { maxNodes?: number; outsideLinks?: boolean } = {},
): { text: string; complete: boolean } {
  let raw = '';
  // When the raw text passes `check`, it is collapsed once to see whether it is too long; the next check is twice as far (linear overall).
  let check = max;
  let budget = options.maxNodes ?? Infinity;
  for (const root of nodes) {
    for (let node: AnyNode | null = root; node; ) {
      if (--budget < 0) return { text: collapseWhitespace(raw), complete: false };
      let descend = false;
      if (isText(node)) {
        raw += node.data;
        if (raw.length > check) {
          const text = collapseWhitespace(raw);
          if (text.length > max) return { text, complete: false };
          check = 2 * raw.length;
        }
      } else if (isTag(node) && !DROPPED_TAGS.has(node.name) && !(options.outsideLinks && node.name === 'a')) {
        if (BLOCK_TAGS.has(node.name) || SPACING_TAGS.has(node.name) || node.name === 'br') raw += ' ';
        descend = true;
      }
      node = nextInTree(node, root, descend);
    }
  }
  const text = collapseWhitespace(raw);
  return { text, complete: text.length <= max };
}

/** Element names of HTML (WHATWG, plus the obsolete ones feeds still send): only tags with these names count as markup. */
const HTML_ELEMENTS = new Set(
  ('a abbr address area article aside audio b bdi bdo blockquote body br button caption center cite code col colgroup ' +
    'data dd del details dfn dialog div dl dt em embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head ' +
    'header hgroup hr html i iframe img input ins kbd label legend li link main map mark menu meta nav noscript object ol ' +
    'optgroup option output p param picture pre q rp rt ruby s samp script section select small source span strike strong ' +
    'style sub summary sup table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr').split(' '),
);
/** At a `<`: a comment, or a start/end tag (name, then attributes up to the first `>`). */
const TAG_AT = /<!--[^]*?-->|<(\/?)([a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?\/?>/y;

/**
 * Whether `text` (a document's text after one HTML parse) is itself markup:
 * trimmed, it starts with `<` and ends with `>`; every `<` in it opens a
 * comment or a tag of a known HTML element (HTML_ELEMENTS); and some element
 * has both its start and its end tag. Markup escaped twice passes (a `<` of its
 * own text was escaped three times, so none is left bare); prose that discusses
 * `<div>` does not (it starts with a word, or it holds a `<` that is no tag).
 */
export function isMarkupText(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith('<') || !t.endsWith('>')) return false;
  const opened = new Set<string>();
  let paired = false;
  for (let at = t.indexOf('<'); at >= 0; at = t.indexOf('<', TAG_AT.lastIndex)) {
    TAG_AT.lastIndex = at;
    const tag = TAG_AT.exec(t);
    if (!tag) return false;
    const name = tag[2]?.toLowerCase();
    if (name === undefined) continue;
    if (!HTML_ELEMENTS.has(name)) return false;
    if (tag[1] !== '/') opened.add(name);
    else if (opened.has(name)) paired = true;
  }
  return paired;
}

/** Elements whose text is code or program output, not prose: a number in them is no figure. */
const CODE_TEXT_TAGS = ['code', 'pre', 'kbd', 'samp'];
const DROPPED_WITH_CODE: ReadonlySet<string> = new Set([...DROPPED_TAGS, ...CODE_TEXT_TAGS]);

/** The document's blocks without the text of code elements (`code`, `pre`, `kbd`, `samp`); undefined when it has none (its blocks are then all prose). */
export function blocksOutsideCode(doc: Document): string[] | undefined {
  if (!DomUtils.existsOne((element) => CODE_TEXT_TAGS.includes(element.name), doc.children)) return undefined;
  return walkBlocks(doc, DROPPED_WITH_CODE);
}

/** Elements that show escaped markup as code on purpose (a post that is one HTML snippet stays a snippet). */
const CODE_ELEMENTS = new Set(['pre', 'code', 'xmp', 'samp', 'kbd', 'textarea', 'script', 'style']);

/** The markup inside HTML that was escaped twice (`&lt;p&gt;…`), unescaped once; any other input as it is. */
export function unescapeTwiceEscaped(html: string): string {
  // Markup escaped twice shows `&lt;` once parsed: without it there is nothing to look at.
  if (!html.includes('&lt;')) return html;
  let text: string;
  if (looksLikeHtml(html)) {
    const { doc } = parseHtml(html);
    if (DomUtils.existsOne((element) => CODE_ELEMENTS.has(element.name), doc.children)) return html;
    text = DomUtils.textContent(doc);
  } else text = decodeEntities(html);
  return isMarkupText(text) ? text.trim() : html;
}
