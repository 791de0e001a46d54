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
 */
import { DomUtils, Parser, parseDocument } from 'htmlparser2';
import type { Document } from 'domhandler';

const BLOCK_TAGS = new Set([
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

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function looksLikeHtml(text: string): boolean {
  return TAG_PATTERN.test(text);
}

/** Runs htmlparser2 over the markup and cuts text into blocks at block boundaries. */
function parseBlocks(html: string): string[] {
  const blocks: string[] = [];
  let current = '';
  let dropDepth = 0;
  let afterBr = false; // a <br> was seen and only whitespace followed it

  const flush = (): void => {
    const text = collapseWhitespace(current);
    if (text) blocks.push(text);
    current = '';
    afterBr = false;
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (DROPPED_TAGS.has(name)) dropDepth++;
        if (dropDepth > 0) return;
        if (BLOCK_TAGS.has(name)) flush();
        else if (SPACING_TAGS.has(name)) current += ' ';
        else if (name === 'br') {
          if (afterBr) flush();
          else {
            current += ' ';
            afterBr = true;
          }
        }
      },
      onclosetag(name) {
        if (DROPPED_TAGS.has(name)) {
          dropDepth = Math.max(0, dropDepth - 1);
          return;
        }
        if (dropDepth > 0) return;
        if (BLOCK_TAGS.has(name)) flush();
        else if (SPACING_TAGS.has(name)) current += ' ';
      },
      ontext(text) {
        if (dropDepth > 0) return;
        current += text;
        if (/\S/.test(text)) afterBr = false;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html.replace(TRUNCATED_TAG, ''));
  parser.end();
  flush();
  return blocks;
}

/** Decodes entities in text that has no markup; `<` is escaped so it stays a literal. */
export function decodeEntities(text: string): string {
  let out = '';
  const parser = new Parser({ ontext: (t) => (out += t) }, { decodeEntities: true });
  parser.write(text.replace(/</g, '&lt;'));
  parser.end();
  return out;
}

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

/** A DOM of the markup, for the stages that must remove or rewrite elements (FAQ forms, sanitizing). */
export function parseHtml(html: string): Document {
  return parseDocument(html, { decodeEntities: true });
}

/** The DOM back to markup; characters stay characters (no entity encoding beyond what markup needs). */
export function renderHtml(doc: Document): string {
  return DomUtils.getOuterHTML(doc, { encodeEntities: 'utf8' });
}
