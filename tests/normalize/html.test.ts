import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlToBlocks, htmlToText, isMarkupText, toArticle, unescapeTwiceEscaped } from '../../src/normalize/index.js';
import { parseFeed } from '../../src/parse/index.js';
import { ROOT } from '../helpers/env.js';

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

describe('HTML escaped twice', () => {
  const reddit = readFileSync(join(ROOT, 'fixtures/model/reddit-double-escaped.txt'), 'utf8');

  it('is markup once parsed: markup through and through, with a paired element', () => {
    expect(isMarkupText('<!-- SC_OFF --><div class="md"><p>Spot instances.</p></div>')).toBe(true);
    expect(isMarkupText(' <p>One</p>\n<p>Two <a href="https://x.example/">link</a></p> ')).toBe(true);
    // prose about markup: starts with a word, or has a < that opens no tag, or names no HTML element
    expect(isMarkupText('Wrap the chart in a <div> and give it a fixed height.')).toBe(false);
    expect(isMarkupText('<div> is the element most dashboards are built from; its </div> closes it.')).toBe(false);
    expect(isMarkupText('<p>Latency < 2 ms at the edge</p>')).toBe(false);
    expect(isMarkupText('<rack-unit>42</rack-unit>')).toBe(false);
    expect(isMarkupText('<br><br>')).toBe(false);
  });

  it('is unescaped once when detected, and anything else is left as it is', () => {
    expect(unescapeTwiceEscaped('&lt;p&gt;H200 prices fell.&lt;/p&gt;')).toBe('<p>H200 prices fell.</p>');
    expect(unescapeTwiceEscaped('<div>&lt;p&gt;H200 prices fell.&lt;/p&gt;</div>')).toBe('<p>H200 prices fell.</p>');
    const prose = '<p>Wrap the chart in a &lt;div&gt; and give it a fixed height.</p>';
    expect(unescapeTwiceEscaped(prose)).toBe(prose);
    const plain = '&lt;div&gt; is the element most dashboards are built from.';
    expect(unescapeTwiceEscaped(plain)).toBe(plain);
  });

  it('publishes a Reddit body escaped twice as the post, not as visible markup', () => {
    const article = toArticle(
      { authors: [], categories: [], title: 'Moved fine-tuning from H100 spot to reserved B200s', link: 'https://www.reddit.com/r/LocalLLaMA/comments/1q2w3e/', contentHtml: reddit },
      { name: 'r/LocalLLaMA', url: 'https://www.reddit.com/r/LocalLLaMA/.rss' },
      new Date('2026-11-24T12:00:00Z'),
    )!;
    expect(article.paragraphs).toEqual([
      'We moved our fine-tuning runs from H100 spot instances to a reserved pool of 64 B200s and the cost per run fell 38%. Preemptions were eating a quarter of our GPU hours.',
      'Happy to share the scheduler config if anyone runs into the same NCCL timeouts & restarts.',
    ]);
    expect(article.bodyHtml).toContain('<p>We moved our fine-tuning runs');
    expect(article.bodyHtml).toContain('<code>NCCL</code>');
    expect(article.bodyHtml).not.toMatch(/SC_OFF|&lt;|submitted by|533 comments/);
  });

  it('leaves escaped markup inside a code element as code: a post that is one snippet stays a snippet', () => {
    const snippet = '<pre><code>&lt;div class="gpu-graph"&gt;&lt;p&gt;H200&lt;/p&gt;&lt;/div&gt;</code></pre>';
    expect(unescapeTwiceEscaped(snippet)).toBe(snippet);
    const article = toArticle({ authors: [], categories: [], title: 'Snippet', contentHtml: snippet }, { name: 's', url: 'https://s.example/feed' }, new Date())!;
    expect(article.paragraphs).toEqual(['<div class="gpu-graph"><p>H200</p></div>']);
  });

  it('reads a summary escaped twice as text too', () => {
    const article = toArticle(
      {
        authors: [],
        categories: [],
        title: 'B200 reserved pools',
        contentHtml: '<p>The full post: reserved B200 pools cut preemptions to zero.</p>',
        summaryHtml: '&lt;p&gt;Reserved &lt;b&gt;B200&lt;/b&gt; pools beat H100 spot on cost per run.&lt;/p&gt;',
      },
      { name: 's', url: 'https://s.example/feed' },
      new Date(),
    )!;
    expect(article.summary).toBe('Reserved B200 pools beat H100 spot on cost per run.');
  });

  it('reads the Reddit body escaped twice inside an Atom feed (the XML escaping on top) as the post', async () => {
    const escapedOnceMore = reddit.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const atom = `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>r/LocalLLaMA</title><id>https://www.reddit.com/r/LocalLLaMA/</id>
<entry><id>t3_1q2w3e</id><title>Moved fine-tuning from H100 spot to reserved B200s</title><link href="https://www.reddit.com/r/LocalLLaMA/comments/1q2w3e/"/><updated>2026-11-24T10:00:00+00:00</updated>
<content type="html">${escapedOnceMore}</content></entry></feed>`;
    const feed = await parseFeed(Buffer.from(atom), 'application/atom+xml', 'https://www.reddit.com/r/LocalLLaMA/.rss');
    expect(feed.items[0]!.contentHtml).toBe(reddit);
    const article = toArticle(feed.items[0]!, { name: 'r/LocalLLaMA', url: 'https://www.reddit.com/r/LocalLLaMA/.rss' }, new Date('2026-11-24T12:00:00Z'))!;
    expect(article.paragraphs[0]).toMatch(/^We moved our fine-tuning runs/);
    expect(article.paragraphs).toHaveLength(2);
  });

  it('keeps a body that discusses <div> in prose as text', () => {
    const body = '<p>The dashboard wraps each GPU graph in a &lt;div&gt; with a fixed height, so the page no longer reflows.</p>';
    const article = toArticle({ authors: [], categories: [], title: 'Dashboards', contentHtml: body }, { name: 's', url: 'https://s.example/feed' }, new Date())!;
    expect(article.paragraphs).toEqual(['The dashboard wraps each GPU graph in a <div> with a fixed height, so the page no longer reflows.']);
  });
});
