/**
 * Characters XML 1.0 forbids (C0 controls but tab/newline/return, U+FFFE/U+FFFF,
 * lone surrogates). Sources send them; nothing infrawire parses or publishes
 * may carry them, so the parse stage strips them from every document and the
 * publish stage from every string it writes.
 */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Every character XML_INVALID can match, as a plain class: scanning for it is fast, the lookarounds run only when it hits. */
const MAYBE_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

export function xmlSafe(text: string): string {
  return MAYBE_INVALID.test(text) ? text.replace(XML_INVALID, '') : text;
}
