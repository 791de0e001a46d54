/**
 * Element names the way feed readers match them, applied while xml2js builds its
 * tree (a tagNameProcessor), so rss-parser finds `rss`, `channel`, `item`, `feed`
 * and `entry` whatever prefix or letter case the publisher chose.
 *
 * Rules:
 * - The feed vocabulary's own namespace prefix is dropped: the root element's
 *   prefix (`<r:rss xmlns:r="…">`, `<atom:feed>`), and any prefix bound to that
 *   vocabulary's namespace, whatever its letters and wherever it is declared (RSS 1.0
 *   as `<rss:channel>` under `<rdf:RDF>`, `<a:entry xmlns:a="…Atom">` in a default-
 *   namespace feed). Prefixes of other vocabularies stay (`atom:link` inside RSS 2.0
 *   must not become the channel's `link`), and `rdf:` stays. xml2js does not track
 *   scopes, so a prefix the document also binds to another namespace is the
 *   vocabulary's only when the root binds it so: a foreign element must never pass
 *   for a core one.
 * - Unprefixed core element names are matched case-insensitively and written in
 *   their canonical case (`<TiTlE>` → `title`, `<PUBDATE>` → `pubDate`), as
 *   feedparser does; names that are not core names are left as written.
 * - Pure: a function of the document text; no state is kept between documents.
 */
import { UNPARSED_SECTIONS } from './repair.js';
import { rootElement } from './sniff.js';

const RSS_NAMESPACES = ['http://backend.userland.com/rss2', 'http://blogs.law.harvard.edu/tech/rss', 'http://purl.org/rss/1.0/', 'http://my.netscape.com/rdf/simple/0.9/'];
const ATOM_NAMESPACES = ['http://www.w3.org/2005/Atom', 'http://purl.org/atom/ns#'];

const CORE_NAMES = [
  // RSS 0.9x / 2.0 / 1.0
  'rss', 'channel', 'item', 'items', 'title', 'link', 'description', 'pubDate', 'lastBuildDate', 'managingEditor', 'webMaster',
  'guid', 'author', 'category', 'enclosure', 'comments', 'source', 'ttl', 'image', 'url', 'language', 'copyright', 'generator', 'docs',
  // Atom 1.0 / 0.3
  'feed', 'entry', 'id', 'updated', 'published', 'name', 'email', 'uri', 'content', 'summary', 'subtitle', 'tagline', 'rights',
  'contributor', 'issued', 'modified', 'created', 'info',
  // CDF (channel, item, title as above)
  'abstract',
];
const CANONICAL = new Map(CORE_NAMES.map((name) => [name.toLowerCase(), name]));

/** A namespace declaration (`xmlns:p="uri"`) outside CDATA, comments and PIs (matched whole, to be skipped). */
const PREFIX_DECLARATION = new RegExp(String.raw`${UNPARSED_SECTIONS}|\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')`, 'g');

/** Prefixes whose elements belong to the document's feed vocabulary (see the rules above). */
export function feedPrefixes(xml: string): Set<string> {
  const root = rootElement(xml);
  const prefixes = new Set<string>();
  if (!root) return prefixes;
  const [prefix, local] = root.name.includes(':') ? root.name.split(':', 2) as [string, string] : ['', root.name];
  const isAtom = local.toLowerCase() === 'feed';
  if (prefix && local.toLowerCase() !== 'rdf') prefixes.add(prefix);
  const vocabulary = isAtom ? ATOM_NAMESPACES : RSS_NAMESPACES;
  const foreign = new Set<string>();
  for (const m of root.attrs.matchAll(/\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*(["'])(.*?)\2/g)) {
    (vocabulary.includes(m[3]!.trim()) ? prefixes : foreign).add(m[1]!);
  }
  const rootEnd = root.index + 1 + root.name.length + root.attrs.length;
  if (!xml.includes('xmlns:', rootEnd)) return prefixes;
  // Declarations below the root: a prefix counts when every binding it has is the vocabulary's.
  const below = new Set<string>();
  PREFIX_DECLARATION.lastIndex = rootEnd;
  for (let m = PREFIX_DECLARATION.exec(xml); m; m = PREFIX_DECLARATION.exec(xml)) {
    if (m[1] !== undefined) (vocabulary.includes((m[2] ?? m[3]!).trim()) ? below : foreign).add(m[1]);
  }
  for (const p of below) if (!foreign.has(p)) prefixes.add(p);
  return prefixes;
}

/** The tagNameProcessor for one document (see the rules above). */
export function elementNameNormalizer(prefixes: Set<string>): (name: string) => string {
  return (name: string): string => {
    const colon = name.indexOf(':');
    if (colon > 0 && prefixes.has(name.slice(0, colon))) name = name.slice(colon + 1);
    if (name.includes(':')) return name;
    return CANONICAL.get(name.toLowerCase()) ?? name;
  };
}
