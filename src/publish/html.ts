/**
 * The HTML body of a published entry, built from the article/FAQ model.
 *
 * Rules: built only from plain-text model fields, every one escaped, so no
 * markup from a source can reach a subscriber's reader. Links come only from
 * canonical http(s) URLs.
 */
import type { Article } from '../model/index.js';
import { xmlSafe } from '../model/text.js';

export { xmlSafe };

export function escapeHtml(text: string): string {
  return xmlSafe(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function entryContentHtml(article: Article): string {
  const parts: string[] = [];
  for (const p of article.paragraphs) parts.push(`<p>${escapeHtml(p)}</p>`);
  if (article.faqs.length) {
    parts.push('<h3>FAQ</h3>', '<dl>');
    for (const f of article.faqs) parts.push(`<dt>${escapeHtml(f.question)}</dt><dd>${escapeHtml(f.answer)}</dd>`);
    parts.push('</dl>');
  }
  const sourceName = escapeHtml(article.source.feedTitle ?? article.source.name);
  parts.push(`<p>Source: <a href="${escapeHtml(article.url)}">${sourceName}</a></p>`);
  return parts.join('\n');
}
