/**
 * normalize parses a body once and reads text blocks by walking the DOM
 * (`documentBlocks`, `renderedBlocks`): each must give what parsing the markup
 * (again) gives, `htmlToBlocks`, on any markup; `outerHtmlBlocks` (an
 * element's text without rendering it) what `renderedBlocks` gives for its
 * rendered markup.
 */
import { DomUtils } from 'htmlparser2';
import { isTag, type AnyNode } from 'domhandler';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentBlocks, htmlToBlocks, MAX_ELEMENT_DEPTH, outerHtmlBlocks, parseHtml, renderHtml, renderedBlocks, toArticle } from '../../src/normalize/index.js';

const TAGS = ['p', 'div', 'br', 'b', 'a', 'img', 'hr', 'li', 'ul', 'dl', 'dt', 'dd', 'h2', 'td', 'table', 'script', 'style', 'svg', 'math', 'textarea', 'title', 'xmp', 'plaintext', 'noscript', 'iframe', 'pre', 'span', 'x-y', 'Foo:bar'];
const ATTRS = ['', ' href="https://x.example/?a=1&amp;b=2"', ' alt="a<b>c"', ' title=\'"q"\'', ' hidden', ' class=x'];
const TEXT = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('a < b', 'x &amp; y', '&nbsp;', ' \n\t ', '<', '&', '&lt;p&gt;', '<!-- c -->', '<br', 'Q: why?'));
const markup = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    TEXT,
    fc.tuple(fc.constantFrom(...TAGS), fc.constantFrom(...ATTRS), fc.array(tie('node'), { maxLength: 4 }), fc.boolean()).map(
      ([tag, attr, kids, close]) => `<${tag}${attr}>${(kids as string[]).join('')}${close ? `</${tag}>` : ''}`,
    ),
  ),
})).node as fc.Arbitrary<string>;
const html = fc.array(markup, { maxLength: 6 }).map((parts) => parts.join(''));

describe('DOM walks give what parsing gives', () => {
  it('for a document, its rendered markup and every element in it', () => {
    fc.assert(
      fc.property(html, (source) => {
        const parsed = parseHtml(source);
        const { doc } = parsed;
        expect(documentBlocks(parsed, source)).toEqual(htmlToBlocks(source));
        const rendered = renderHtml(doc);
        expect(renderedBlocks(doc, rendered)).toEqual(htmlToBlocks(rendered));
        for (const element of DomUtils.findAll(() => true, doc)) expect(outerHtmlBlocks(element)).toEqual(renderedBlocks(element, DomUtils.getOuterHTML(element)));
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});

/** The deepest element nesting in a DOM (iteratively: what is tested may be deep). */
function maxDepth({ doc }: ReturnType<typeof parseHtml>): number {
  let deepest = 0;
  const stack: [AnyNode, number][] = doc.children.map((c) => [c, 1]);
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, depth] = top;
    if (!isTag(node)) continue;
    deepest = Math.max(deepest, depth);
    for (const child of node.children) stack.push([child, depth + 1]);
  }
  return deepest;
}

describe('deeply nested markup', () => {
  const deep = (n: number, tag: string) => `${`<${tag}>x `.repeat(n)}<script>alert(1)</script>GPU data center`;

  it('parses with nesting capped, and the walk still gives what parsing the markup gives', () => {
    for (const tag of ['div', 'b', 'blockquote']) {
      const source = deep(MAX_ELEMENT_DEPTH * 4, tag);
      const parsed = parseHtml(source);
      expect(parsed.flattened, tag).toBe(true);
      expect(maxDepth(parsed), tag).toBe(MAX_ELEMENT_DEPTH);
      expect(documentBlocks(parsed, source), tag).toEqual(htmlToBlocks(source));
      // Nothing is lost: every "x", the text at the bottom; the script keeps its code to itself.
      const text = htmlToBlocks(renderHtml(parsed.doc)).join(' ');
      expect(text.match(/x/g)?.length, tag).toBe(MAX_ELEMENT_DEPTH * 4);
      expect(text, tag).toContain('GPU data center');
      expect(text, tag).not.toContain('alert');
      // Text after the deepest elements close: the flattened DOM holds it out of order, so the walk gives way to parsing.
      const closing = `${`<${tag}>x `.repeat(MAX_ELEMENT_DEPTH * 2)}a${`</${tag}>b`.repeat(MAX_ELEMENT_DEPTH * 2)}`;
      expect(documentBlocks(parseHtml(closing), closing), tag).toEqual(htmlToBlocks(closing));
      // A document within the cap is untouched.
      expect(maxDepth(parseHtml(deep(MAX_ELEMENT_DEPTH - 1, tag))), tag).toBe(MAX_ELEMENT_DEPTH);
    }
  });

  it('an item body of 20,000 unclosed tags becomes an article (it used to overflow the stack and fail its whole feed)', () => {
    for (const tag of ['div', 'b']) {
      const article = toArticle(
        { title: 'GPU story', link: 'https://wire.example/deep', contentHtml: deep(20_000, tag), authors: [], categories: [] },
        { name: 'wire', url: 'https://wire.example/feed' },
        new Date('2026-11-29T00:00:00Z'),
      );
      expect(article!.paragraphs.join(' '), tag).toContain('GPU data center');
      expect(article!.bodyHtml, tag).toContain('GPU data center');
      expect(article!.bodyHtml, tag).not.toContain('alert');
    }
  });
});
