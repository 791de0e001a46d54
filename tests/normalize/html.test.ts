import { describe, expect, it } from 'vitest';
import { htmlToBlocks, htmlToText } from '../../src/normalize/index.js';

describe('htmlToBlocks', () => {
  it('splits on paragraphs, list items and headings', () => {
    const html = '<h2>Title</h2><p>First para.</p><ul><li>one</li><li>two</li></ul><p>Last</p>';
    expect(htmlToBlocks(html)).toEqual(['Title', 'First para.', 'one', 'two', 'Last']);
  });

  it('keeps inline elements inside their block', () => {
    expect(htmlToBlocks('<p>GPU <b>prices</b> <a href="#">fell</a>, <em>again</em>.</p>')).toEqual([
      'GPU prices fell, again.',
    ]);
    expect(htmlToBlocks('<p>H<sub>2</sub>O</p>')).toEqual(['H2O']);
  });

  it('splits on double <br> but treats a single <br> as a space', () => {
    expect(htmlToBlocks('one<br>two<br><br>three<br/>\n<br />four')).toEqual(['one two', 'three', 'four']);
  });

  it('splits nested divs into their text runs', () => {
    expect(htmlToBlocks('<div><div>A<div>B</div>C</div></div>')).toEqual(['A', 'B', 'C']);
  });

  it('handles tables, blockquote, pre, figure and definition lists', () => {
    const html =
      '<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>' +
      '<blockquote>quoted</blockquote><pre>  code\n   here </pre>' +
      '<figure><img src="x.png"><figcaption>caption</figcaption></figure><dl><dt>term</dt><dd>def</dd></dl>';
    expect(htmlToBlocks(html)).toEqual(['a b', 'c', 'quoted', 'code here', 'caption', 'term', 'def']);
  });

  it('drops script, style, noscript, template, iframe, object, svg and head contents', () => {
    const html =
      '<head><title>Page</title><style>p{}</style></head><p>kept</p><script>var a = "<p>no</p>";</script>' +
      '<style>.x{color:red}</style><noscript>enable js</noscript><template><p>tpl</p></template>' +
      '<iframe src="x">frame</iframe><object>obj</object><svg><g><text>svg text</text></g></svg><p>also kept</p>';
    expect(htmlToBlocks(html)).toEqual(['kept', 'also kept']);
  });

  it('decodes entities', () => {
    expect(htmlToBlocks('<p>AT&amp;T&#8217;s&nbsp;GPUs &lt;3 &quot;x&quot; &#x2014; &eacute;</p>')).toEqual([
      'AT&T’s GPUs <3 "x" — é',
    ]);
  });

  it('collapses whitespace and drops empty blocks', () => {
    expect(htmlToBlocks('<p>  a \n\t b  </p><p> </p><div>&nbsp;</div><p>c</p>')).toEqual(['a b', 'c']);
  });

  it('does not throw on broken HTML', () => {
    expect(htmlToBlocks('<p>unclosed <b>bold<p>next <i>para')).toEqual(['unclosed bold', 'next para']);
    expect(htmlToBlocks('</div></p>stray<!-- comment -->text')).toEqual(['straytext']);
    expect(htmlToBlocks('<p>x</p><p>cut off <a href="https://exa')).toEqual(['x', 'cut off']);
    expect(htmlToBlocks('<p>x</p><scr')).toEqual(['x']);
    expect(htmlToBlocks('<p>text &am <!-- unclosed')).toEqual(['text &am']);
    expect(htmlToBlocks('<div><p>x</div>y')).toEqual(['x', 'y']);
  });

  it('splits plain text on blank lines and joins single newlines', () => {
    const text = 'First line\nsame para.\n\n  Second &amp; para  \n \n\n\nThird < fourth';
    expect(htmlToBlocks(text)).toEqual(['First line same para.', 'Second & para', 'Third < fourth']);
  });

  it('returns no blocks for empty input', () => {
    expect(htmlToBlocks('')).toEqual([]);
    expect(htmlToBlocks('  \n\n ')).toEqual([]);
    expect(htmlToBlocks('<p></p><script>x</script>')).toEqual([]);
  });
});

describe('htmlToText', () => {
  it('joins blocks into one line', () => {
    expect(htmlToText('<h1>Big &amp; news</h1><p>Line one</p><p>Line\ntwo</p>')).toEqual('Big & news Line one Line two');
  });
});
