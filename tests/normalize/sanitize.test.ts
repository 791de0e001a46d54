import { describe, expect, it } from 'vitest';
import { sanitizeBodyHtml } from '../../src/normalize/index.js';
import { articleFrom, fixture } from '../helpers/articles.js';

const VIDEO_HOSTS = ['www.youtube.com', 'player.vimeo.com'];

describe('sanitized body HTML: hostile input comes out clean', () => {
  const html = articleFrom(fixture('hostile.html'), { iframeHosts: VIDEO_HOSTS }).bodyHtml ?? '';

  it('keeps no code: scripts, styles, handlers, svg, math, object, embed, form', () => {
    expect(html).not.toMatch(/<(?:script|style|svg|math|object|embed|form|input|button)\b/i);
    expect(html).not.toMatch(/\son\w+\s*=/i);
    expect(html).not.toMatch(/style\s*=/i);
    expect(html).not.toMatch(/expression\(|alert\(/i);
    expect(html).not.toContain('svg text');
  });

  it('keeps no javascript:, data: or protocol-relative URLs, and resolves relative ones against the item link', () => {
    expect(html).not.toMatch(/javascript:|data:|vbscript:/i);
    expect(html).not.toMatch(/(?:href|src)="\/\//);
    expect(html).toContain('<a href="https://news.example/news/next?id=2">relative link</a>');
    expect(html).toContain('src="https://news.example/images/chart.png"');
    expect(html).toContain('<a href="https://cdn.example/proto-relative">proto</a>');
    // the links that lost their URL keep their text
    expect(html).toContain('<a>js link</a>');
  });

  it('drops 1×1 tracking images, keeps real ones', () => {
    expect(html).not.toContain('tracker.example');
    expect(html).toContain('alt="chart"');
  });

  it('keeps iframes from allowed video hosts only, empty, and drops nested and foreign ones', () => {
    expect(html).toContain('<iframe width="560" height="315" src="https://www.youtube.com/embed/abc123"></iframe>');
    expect(html).not.toContain('evil.example');
    expect(html.match(/<iframe/g)?.length).toBe(1);
  });

  it('closes unclosed tags and keeps their text', () => {
    expect(html).toContain('Unclosed paragraph <em>emphasis <strong>strong');
    expect(html.match(/<p\b/g)?.length).toBe(html.match(/<\/p>/g)?.length);
    expect(html.endsWith('</div>')).toBe(true);
  });

  it('drops hidden elements from the HTML and the paragraphs', () => {
    const article = articleFrom(fixture('hostile.html'));
    for (const text of ['hidden keyword stuffing', 'hidden block', 'invisible']) {
      expect(article.bodyHtml).not.toContain(text);
      expect(article.paragraphs.join(' ')).not.toContain(text);
    }
  });

  it('drops every iframe when no video host is allowed', () => {
    expect(articleFrom(fixture('hostile.html')).bodyHtml).not.toContain('<iframe');
  });

  it('resolves against xml:base before the item link', () => {
    const article = articleFrom('<p><a href="next">n</a><img src="img/a.png" alt="a"></p>', {}, { baseUrl: 'https://base.example/dir/' });
    expect(article.bodyHtml).toBe('<p><a href="https://base.example/dir/next">n</a><img alt="a" src="https://base.example/dir/img/a.png" /></p>');
  });

  it('rejects iframes over http and look-alike hosts', () => {
    const out = sanitizeBodyHtml(
      '<iframe src="http://www.youtube.com/embed/a"></iframe><iframe src="https://www.youtube.com.evil.example/embed/b"></iframe>' +
        '<iframe src="https://player.vimeo.com/video/1"></iframe>',
      { iframeHosts: VIDEO_HOSTS },
    );
    expect(out).toBe('<iframe src="https://player.vimeo.com/video/1"></iframe>');
  });

  it('gives plain-text paragraphs without any of the hostile code', () => {
    const article = articleFrom(fixture('hostile.html'));
    expect(article.paragraphs.join(' ')).not.toMatch(/alert|steal|background|svg text/);
    expect(article.paragraphs[0]).toBe('Intro bold js link mixed data link relative link');
  });
});
