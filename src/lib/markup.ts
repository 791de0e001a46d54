/**
 * Text into and out of HTML/XML, shared by every stage that reads or writes
 * markup (parse, normalize, publish, serve).
 *
 * Rules:
 * - `escapeHtml` output is safe in element content and quoted attributes of
 *   HTML and XML, and holds no character XML forbids (`xmlSafe`).
 * - `decodeEntities` reads HTML5's named and numeric references in text that
 *   has no markup; a `<` stays a literal.
 */
import { Parser } from 'htmlparser2';
import { xmlSafe } from '../model/text.js';

export { xmlSafe };

const MARKUP = /[&<>"]/;
const MARKUP_ALL = /[&<>"]/g;
const ESCAPED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** One pass, and none when there is nothing to escape (most text): a feed escapes thousands of strings. */
export function escapeHtml(text: string): string {
  const safe = xmlSafe(text);
  return MARKUP.test(safe) ? safe.replace(MARKUP_ALL, (c) => ESCAPED[c]!) : safe;
}

class TextSink {
  out = '';
  ontext(text: string): void {
    this.out += text;
  }
}

/** Decodes entities in text that has no markup; `<` is escaped so it stays a literal. Text without `&` holds no entity: it is returned as it is. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  const sink = new TextSink();
  const parser = new Parser(sink, { decodeEntities: true });
  parser.write(text.replace(/</g, '&lt;'));
  parser.end();
  return sink.out;
}

