/**
 * Repairs of XML damage that is common in real feeds and has one obvious reading,
 * applied before the strict parser (sax, under rss-parser) sees the text.
 *
 * Rules: a repair changes only what the damage is, and only when the reading is
 * certain; anything else stays an "invalid XML" error for the operator to see.
 */

/**
 * A document cut just before its final `>` (`…</channel>\n</rss`), as truncated
 * writes and some generators leave it: the end tag is completed. A document that
 * ends anywhere else is returned unchanged.
 */
export function closeTruncatedEndTag(xml: string): string {
  // Only the tail is looked at: the test stays cheap on a large document.
  return /<\/[A-Za-z_][\w.:-]*\s*$/.test(xml.slice(-512)) ? `${xml.trimEnd()}>` : xml;
}

/**
 * CDATA sections, comments and processing instructions, whose text holds no references
 * (a regex source, to be matched whole and kept). An unclosed section runs to the end of
 * the text (`|$`), so a document of many unclosed `<!--` costs one pass, not one per opener.
 */
export const UNPARSED_SECTIONS = String.raw`<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$)|<\?[\s\S]*?(?:\?>|$)`;

/** An unparsed section (kept as is), or an `&` that starts no character or entity reference. */
const BARE_AMPERSAND = new RegExp(String.raw`${UNPARSED_SECTIONS}|&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);)`, 'g');

/**
 * An `&` that cannot start a reference (`?a=1&b=2` in a link, "R&D" in a title) is
 * escaped to `&amp;`: that is the only thing it can have meant. CDATA sections,
 * comments and processing instructions, where a bare `&` is legal, are left alone,
 * so a well-formed document comes back unchanged.
 */
export function escapeBareAmpersands(xml: string): string {
  if (!xml.includes('&')) return xml;
  return xml.replace(BARE_AMPERSAND, (match) => (match === '&' ? '&amp;' : match));
}
