/**
 * normalize parses a body once and reads text blocks by walking the DOM
 * (`documentBlocks`, `renderedBlocks`): each must give what parsing the markup
 * (again) gives, `htmlToBlocks`, on any markup; `outerHtmlBlocks` (an
 * element's text without rendering it) what `renderedBlocks` gives for its
 * rendered markup.
 */
import { DomUtils } from 'htmlparser2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentBlocks, htmlToBlocks, outerHtmlBlocks, parseHtml, renderHtml, renderedBlocks } from '../../src/normalize/index.js';

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
        const doc = parseHtml(source);
        expect(documentBlocks(doc, source)).toEqual(htmlToBlocks(source));
        const rendered = renderHtml(doc);
        expect(renderedBlocks(doc, rendered)).toEqual(htmlToBlocks(rendered));
        for (const element of DomUtils.findAll(() => true, doc)) expect(outerHtmlBlocks(element)).toEqual(renderedBlocks(element, DomUtils.getOuterHTML(element)));
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});
