/**
 * Language tags as feeds write them (RSS `<language>`, `dc:language`, `xml:lang`,
 * JSON Feed `language`).
 *
 * Rules: a tag is kept only when it looks like a BCP 47 tag ("en", "en-us",
 * "de_DE" read as "de-DE"); anything else ("English", "", "x") is no language,
 * so a reader never acts on a guess the source did not state.
 */
const LANGUAGE_TAG = /^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$/i;

/** The tag, trimmed and with `_` read as `-`; undefined when it is not a language tag. */
export function languageTag(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const tag = raw.trim().replace(/_/g, '-');
  return LANGUAGE_TAG.test(tag) ? tag : undefined;
}

/** The primary language subtag, lower-cased: "de-AT" → "de". */
export function primaryLanguage(tag: string): string {
  return tag.split('-', 1)[0]!.toLowerCase();
}
