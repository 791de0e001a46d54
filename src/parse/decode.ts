/**
 * Turning fetched bytes into text before any parser sees them.
 *
 * Rules, in order (the first that applies wins):
 * 1. A byte-order mark (UTF-8, UTF-16 and UTF-32 LE/BE), or a wide "<?" without
 *    one (XML 1.0 appendix F), is the truth.
 * 2. Bytes that are valid UTF-8 are UTF-8, whatever is declared: mislabelled
 *    feeds are common, and a legacy charset never produces valid multi-byte UTF-8 by accident.
 * 3. The charset of the HTTP Content-Type, then the XML prolog's encoding.
 * 4. windows-1252, the web's default legacy charset.
 * Invalid bytes in a declared charset become U+FFFD; decoding never fails.
 * A label means what browsers take it to mean (WHATWG Encoding: "iso-8859-1",
 * "latin1" and "us-ascii" are windows-1252, whose curly quotes and euro sign
 * such feeds really contain); the bytes are then decoded by iconv-lite, which
 * also knows labels WHATWG does not (UTF-32, cp437…). TextDecoder is not used
 * for legacy charsets: Node 20's drops windows-1252's bytes 0x80-0x9F
 * (nodejs/node#56542). An unknown label falls through to rule 4.
 *
 * XML feeds often use HTML named entities (&nbsp;, &eacute;) without declaring
 * them, which a strict XML parser refuses; `declareHtmlEntities` turns them
 * into numeric references with the same meaning before parsing; entities the
 * document declares in its internal DTD subset are expanded (`expandInternalEntities`).
 */
import iconv from 'iconv-lite';
import { decodeEntities } from '../lib/markup.js';
import { ParseError } from './errors.js';
import { UNPARSED_SECTIONS } from './repair.js';
import { rootElement } from './sniff.js';

export interface Decoded {
  text: string;
  encoding: string;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Byte-order marks, then (XML 1.0 appendix F) the bytes of "<?" in a wide encoding without a mark. */
function bomEncoding(bytes: Uint8Array): { encoding: string; skip: number } | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return { encoding: 'utf-32le', skip: 4 };
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return { encoding: 'utf-32be', skip: 4 };
  if (a === 0xff && b === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (a === 0xfe && b === 0xff) return { encoding: 'utf-16be', skip: 2 };
  if (a === 0x3c && b === 0 && c === 0 && d === 0) return { encoding: 'utf-32le', skip: 0 };
  if (a === 0 && b === 0 && c === 0 && d === 0x3c) return { encoding: 'utf-32be', skip: 0 };
  if (a === 0x3c && b === 0 && c !== 0 && d === 0) return { encoding: 'utf-16le', skip: 0 };
  if (a === 0 && b === 0x3c && c === 0 && d !== 0) return { encoding: 'utf-16be', skip: 0 };
  return undefined;
}

/** The charset a label names: WHATWG's meaning when it has one, else iconv-lite's; undefined when neither knows it. */
function charsetOf(label: string): string | undefined {
  let whatwg: string | undefined;
  try {
    whatwg = new TextDecoder(label).encoding;
  } catch {
    // not a WHATWG label
  }
  const name = whatwg ?? label;
  return iconv.encodingExists(name) ? name : undefined;
}

function decodeAs(charset: string, bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), charset, { stripBOM: false });
}

export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const m = contentType?.match(/charset\s*=\s*["']?([\w.:-]+)/i);
  return m?.[1]?.toLowerCase();
}

export function charsetFromProlog(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  const m = head.match(/^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']/i);
  return m?.[1]?.toLowerCase();
}

function tryDecoder(label: string | undefined, bytes: Uint8Array): Decoded | undefined {
  const charset = label && charsetOf(label);
  return charset ? { text: decodeAs(charset, bytes), encoding: charset } : undefined;
}

/** An HTML page's `<meta charset>` or `<meta http-equiv="Content-Type" content="…charset=…">` in its first 1024 bytes (the HTML prescan's reach). */
export function charsetFromHtmlMeta(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const m = head.match(/<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i);
  return m?.[1]?.toLowerCase();
}

/** `decodeBody` with `html`: an HTML page's meta charset counts where an XML prolog would. */
export function decodeBody(bytes: Uint8Array, contentType?: string, kind: 'xml' | 'html' = 'xml'): Decoded {
  const bom = bomEncoding(bytes);
  if (bom) return { text: decodeAs(bom.encoding, bytes.subarray(bom.skip)).replace(/^\uFEFF/, ''), encoding: bom.encoding };
  try {
    return { text: utf8Strict.decode(bytes), encoding: 'utf-8' };
  } catch {
    // not UTF-8: fall through to the declarations
  }
  const declared = tryDecoder(charsetFromContentType(contentType), bytes) ?? tryDecoder(kind === 'html' ? charsetFromHtmlMeta(bytes) : charsetFromProlog(bytes), bytes);
  // Declared UTF-8 with a few bad bytes: keep the rest readable (U+FFFD for the bad ones).
  if (declared) return declared;
  return tryDecoder('windows-1252', bytes)!;
}


/**
 * General entities the document declares in its internal DTD subset (`<!DOCTYPE rss
 * [<!ENTITY name "value">]>`, before the root element), name → value as written; the
 * first declaration of a name wins (XML 1.0 4.2). Parameter and external entities are
 * not read.
 */
export function declaredEntities(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  const prolog = xml.slice(0, rootElement(xml)?.index ?? 0);
  const subset = /<!DOCTYPE\s[^[>]*\[([\s\S]*)\]\s*>/i.exec(prolog)?.[1];
  for (const m of subset?.matchAll(/<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>/g) ?? []) {
    if (!out.has(m[1]!)) out.set(m[1]!, m[2] ?? m[3]!);
  }
  return out;
}

/** A reference `&name;` outside CDATA, comments and PIs (those are matched whole, to be kept). */
const ENTITY_REFERENCE = new RegExp(String.raw`${UNPARSED_SECTIONS}|&([A-Za-z_][\w.-]*);`, 'g');
const MAX_ENTITY_VALUE = 64 * 1024;
const MAX_EXPANSION = 4 * 1024 * 1024;

/** `text` with references to `values` replaced; a ParseError once it has grown by more than `maxGrowth` characters. */
function expandReferences(text: string, values: Map<string, string>, maxGrowth: number, what: string): string {
  let growth = 0;
  return text.replace(ENTITY_REFERENCE, (match: string, name: string | undefined) => {
    const value = name === undefined ? undefined : values.get(name);
    if (value === undefined) return match;
    growth += value.length - match.length;
    if (growth > maxGrowth) throw new ParseError(`invalid XML: ${what} grows by more than ${maxGrowth / 1024} KiB through entity expansion`);
    return value;
  });
}

/**
 * The document's own internal entities expanded, since the strict parser under
 * rss-parser does not read a DTD. Values may use entities declared before them;
 * there is no further recursion, and growth is capped (a value at 64 KiB, the document
 * at 4 MiB), so an entity bomb is a ParseError, never a memory blow-up.
 * `known` (here and in `declareHtmlEntities`): `declaredEntities(xml)` when the
 * caller has read it already (parseFeed reads the prolog once for both steps).
 */
export function expandInternalEntities(xml: string, known?: ReadonlyMap<string, string>): string {
  const declared = known ?? declaredEntities(xml);
  if (!declared.size) return xml;
  const resolved = new Map<string, string>();
  for (const [name, value] of declared) resolved.set(name, expandReferences(value, resolved, MAX_ENTITY_VALUE, `entity "${name}"`));
  const rootIndex = rootElement(xml)!.index;
  return xml.slice(0, rootIndex) + expandReferences(xml.slice(rootIndex), resolved, MAX_EXPANSION, 'the document');
}

/**
 * Replace undeclared HTML named entities in an XML document by numeric
 * character references (`&eacute;` → `&#xe9;`); the five XML entities, names the
 * document declares itself, and unknown names stay as they are.
 */
export function declareHtmlEntities(xml: string, known?: ReadonlyMap<string, string>): string {
  if (!xml.includes('&')) return xml;
  const declared = known ?? declaredEntities(xml);
  // XML's own five entities (most references in a feed: escaped markup) are left alone by the pattern itself.
  return xml.replace(/&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]{1,31});/g, (ref: string, name: string) => {
    if (declared.has(name)) return ref;
    const chars = decodeEntities(ref);
    return chars === ref ? ref : [...chars].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join('');
  });
}
