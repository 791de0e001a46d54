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
  if (!xml.includes('&') || !hasBareAmpersand(xml)) return xml;
  return xml.replace(BARE_AMPERSAND, (match) => (match === '&' ? '&amp;' : match));
}

/**
 * Whether `xml` has an `&` to escape. Checked first because `replace` copies the
 * whole document as soon as the pattern matches anything, CDATA sections included,
 * and a feed body is large: most bodies have CDATA and no bare `&`.
 */
function hasBareAmpersand(xml: string): boolean {
  BARE_AMPERSAND.lastIndex = 0;
  try {
    for (let m = BARE_AMPERSAND.exec(xml); m; m = BARE_AMPERSAND.exec(xml)) if (m[0] === '&') return true;
    return false;
  } finally {
    BARE_AMPERSAND.lastIndex = 0;
  }
}

/**
 * An Atom `<link>` written the RSS way, its URL as text and no attributes
 * (`<link>https://…</link>`), becomes `<link href="https://…"/>`: rss-parser reads
 * Atom links from attributes only and fails on an attribute-less one. `prefixes` are
 * the Atom vocabulary's prefixes in the document (names.ts); other links, and text in
 * CDATA sections and comments, are untouched.
 */
export function atomLinkHrefFromText(xml: string, prefixes: Set<string>): string {
  if (!xml.includes('link>')) return xml;
  const names = ['link', ...[...prefixes].map((p) => `${p.replace(/[.-]/g, '\\$&')}:link`)].join('|');
  const textLink = new RegExp(`${UNPARSED_SECTIONS}|<(${names})\\s*>([^<]*)</\\1\\s*>`, 'g');
  return xml.replace(textLink, (match: string, name: string | undefined, url: string) => (name ? `<${name} href="${url.trim().replace(/"/g, '&quot;')}"/>` : match));
}
