/**
 * The project's own Atom 1.0 check (RFC 4287, with RFC 3339 dates), run on
 * every Atom document a test publishes; it needs nothing outside npm.
 *
 * Rules:
 * - The document is parsed by saxes (a maintained streaming parser: XML 1.0
 *   well-formedness, namespaces, line numbers) into a small tree, which the
 *   checks below walk. src/ is not used, so the check stays independent of the
 *   code it judges.
 * - Each problem names its rule (an id in `RULES`), the line of the element it
 *   is about, and its level: `error` where a MUST of RFC 4287/3339 is broken,
 *   `warning` where a SHOULD is, or where the W3C Feed Validator warns.
 * - A document that is not well-formed gets its well-formedness errors only.
 * - Extension markup (other namespaces) is not judged, and nothing is fetched.
 */
import { readFileSync } from 'node:fs';
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';

export const ATOM_NS = 'http://www.w3.org/2005/Atom';
const XHTML_NS = 'http://www.w3.org/1999/xhtml';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const ATOM03_NS = 'http://purl.org/atom/ns#';
const IANA_REL = 'http://www.iana.org/assignments/relation/';

/** Every rule, with what it requires (RFC 4287 section, or where the warning comes from). */
export const RULES = {
  'well-formed': 'namespace-well-formed XML 1.0 in the encoding it declares',
  namespace: 'the root element is in the Atom 1.0 namespace (RFC 4287 §2)',
  'root-element': 'the root element is atom:feed or atom:entry (§4.1.1, §4.1.2)',
  'undefined-element': 'Atom-namespace elements only where RFC 4287 defines them (§4, §6.2)',
  'unexpected-text': 'no character data directly inside feed, entry, source or a person (§4, §3.2)',
  'simple-content': 'id, dates, icon, logo, generator, name, uri and email hold text only (§3.2, §3.3, §4.2)',
  'undefined-attribute': 'no unqualified attribute that RFC 4287 does not define on an Atom element (§6.3, Appendix B)',
  'missing-element': 'feed and entry have an id, title and updated; a person has a name (§4.1.1, §4.1.2, §3.2.1)',
  'duplicate-element': 'at most one of each single-valued element (id, title, updated, subtitle, rights, icon, logo, generator, published, summary, content, source, name, uri, email)',
  'misplaced-metadata': 'feed metadata comes before the first entry (Appendix B, W3C MisplacedMetadata)',
  'missing-author': 'the feed has an author, or every entry has one, directly or in its atom:source (§4.1.1, §4.1.2)',
  'missing-alternate': 'an entry without atom:content has a rel="alternate" link (§4.1.2)',
  'missing-summary': 'an entry has a summary when its content has src or is Base64 (§4.1.2)',
  date: 'date constructs are RFC 3339 date-times with an upper-case T and a time zone, without white space (§3.3)',
  'implausible-date': 'warning: a date before 1971 (e.g. the zero Unix time) or more than a year ahead (W3C ImplausibleDate)',
  'absolute-iri': 'atom:id and category/@scheme are absolute IRIs (§4.2.6, §4.2.2.2)',
  'iri-characters': 'no white space, control character, bare %, or any of <>"{}|\\^` in an IRI: id, uri, icon, logo, link/@href, content/@src, generator/@uri, xml:base (RFC 3987)',
  'text-type': 'a text construct\'s type is text, html or xhtml (§3.1.1)',
  'text-children': 'text and html constructs (and content of a text/* type) hold no child elements (§3.1.1, §4.1.3.3)',
  'xhtml-div': 'an xhtml construct holds exactly one xhtml:div, no other text, and XHTML elements only inside it (§3.1.1.3, §4.1.3.3, Appendix B)',
  'missing-attribute': 'a link has href, a category has term (§4.2.7.1, §4.2.2.1)',
  'link-rel': 'link/@rel is a non-empty name (isegment-nz-nc) or an absolute IRI (§4.2.7.2)',
  'unregistered-rel': 'warning: a rel name that the IANA link relation registry does not hold (W3C UnregisteredAtomLinkRel)',
  'link-length': 'link/@length is a non-negative integer (§4.2.7.6)',
  'duplicate-alternate': 'at most one rel="alternate" link per (type, hreflang) in a feed, entry or source (§4.1.1, §4.1.2)',
  'media-type': 'link/@type and a non-text content/@type are MIME media types, content\'s not composite (§4.2.7.3, §4.1.3.1)',
  'content-src': 'content with src is empty and its type, if any, is a media type, not text/html/xhtml (§4.1.3.2)',
  'content-src-type': 'warning: content with src SHOULD have a type (§4.1.3.2)',
  'xml-content': 'warning: content of an XML media type SHOULD be one element and no loose text (§4.1.3.3)',
  base64: 'content of a non-text, non-XML media type is Base64 (§4.1.3.3)',
  email: 'atom:email is an addr-spec (§3.2.3, RFC 2822)',
  'language-tag': 'xml:lang and link/@hreflang are language tags (§2, §4.2.7.4, RFC 3066); xml:lang may be empty',
  'source-content': 'atom:source holds feed metadata only, never entries (§4.2.11)',
  'source-metadata': 'warning: atom:source SHOULD keep the source feed\'s id, title and updated (§4.2.11; W3C MissingSourceElement)',
  'duplicate-id': 'entries of a feed do not share an id with the same updated (error), nor at all (warning) (§4.1.1)',
  'self-link': 'warning: a feed SHOULD have a rel="self" link (§4.1.1, W3C MissingSelf)',
  'not-blank': 'warning: title, subtitle, summary, inline content, generator, a person\'s name and category/@term are not empty (W3C NotBlank)',
} as const;

export type AtomRule = keyof typeof RULES;

export interface AtomProblem {
  rule: AtomRule;
  line: number;
  message: string;
  level: 'error' | 'warning';
}

export interface CheckOptions {
  /** The clock for implausible dates (default: now). */
  now?: Date;
}

interface Attr {
  uri: string;
  local: string;
  name: string;
  value: string;
}
interface El {
  kind: 'el';
  uri: string;
  local: string;
  name: string;
  line: number;
  attrs: Attr[];
  children: Node[];
}
interface Text {
  kind: 'text';
  text: string;
  line: number;
}
type Node = El | Text;

/** Check a document's text. */
export function checkAtom(xml: string, options: CheckOptions = {}): AtomProblem[] {
  const { root, problems } = parse(xml);
  if (problems.length || !root) return problems;
  return new Checker(options.now ?? new Date()).document(root);
}

/** Check a document's bytes: BOM, XML declaration or UTF-8, decoded strictly. */
export function checkAtomBytes(bytes: Uint8Array, options: CheckOptions = {}): AtomProblem[] {
  const decoded = decodeXml(bytes);
  if ('error' in decoded) return [{ rule: 'well-formed', line: 1, level: 'error', message: decoded.error }];
  return checkAtom(decoded.text, options);
}

export function checkAtomFile(path: string, options: CheckOptions = {}): AtomProblem[] {
  return checkAtomBytes(readFileSync(path), options);
}

/** One line per problem: `FILE:LINE: ERROR [rule] message`. */
export function formatProblems(file: string, problems: AtomProblem[]): string {
  return problems.map((p) => `${file}:${p.line}: ${p.level.toUpperCase()} [${p.rule}] ${p.message}`).join('\n');
}

export function decodeXml(bytes: Uint8Array): { text: string } | { error: string } {
  let encoding = 'utf-8';
  let skip = 0;
  const [b0, b1, b2] = [bytes[0], bytes[1], bytes[2]];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) skip = 3;
  else if (b0 === 0xfe && b1 === 0xff) [encoding, skip] = ['utf-16be', 2];
  else if (b0 === 0xff && b1 === 0xfe) [encoding, skip] = ['utf-16le', 2];
  else if (b0 === 0x3c && b1 === 0) encoding = 'utf-16le';
  else if (b0 === 0 && b1 === 0x3c) encoding = 'utf-16be';
  else {
    const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
    const declared = /^<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z][\w.:-]*)["']/.exec(head);
    if (declared) encoding = declared[1]!;
  }
  try {
    return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(skip)) };
  } catch (err) {
    return { error: `cannot decode the document as ${encoding}: ${(err as Error).message}` };
  }
}

function parse(xml: string): { root?: El; problems: AtomProblem[] } {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const problems: AtomProblem[] = [];
  const stack: El[] = [];
  let root: El | undefined;
  let tagLine = 1;
  const lineOfText = (text: string) => parser.line - (text.match(/\n/g)?.length ?? 0);
  parser.on('error', (err) => {
    if (problems.length < 10) problems.push({ rule: 'well-formed', line: parser.line, level: 'error', message: err.message.replace(/^\d+:\d+: /, '') });
  });
  parser.on('opentagstart', () => (tagLine = parser.line));
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attrs = Object.values(tag.attributes as Record<string, SaxesAttributeNS>).map((a) => ({ uri: a.uri ?? '', local: a.local ?? a.name, name: a.name, value: a.value }));
    const el: El = { kind: 'el', uri: tag.uri ?? '', local: tag.local ?? tag.name, name: tag.name, line: tagLine, attrs, children: [] };
    const parent = stack.at(-1);
    if (parent) parent.children.push(el);
    else root ??= el;
    stack.push(el);
  });
  parser.on('closetag', () => void stack.pop());
  const text = (t: string) => void stack.at(-1)?.children.push({ kind: 'text', text: t, line: lineOfText(t) });
  parser.on('text', text);
  parser.on('cdata', text);
  try {
    parser.write(xml).close();
  } catch (err) {
    problems.push({ rule: 'well-formed', line: parser.line, level: 'error', message: (err as Error).message });
  }
  if (!root && !problems.length) problems.push({ rule: 'well-formed', line: 1, level: 'error', message: 'no root element' });
  return { root, problems };
}

// ---- values ----

const elements = (el: El): El[] => el.children.filter((n): n is El => n.kind === 'el');
const isAtom = (el: El, local?: string) => el.uri === ATOM_NS && (local === undefined || el.local === local);
const atomChildren = (el: El, local: string) => elements(el).filter((c) => isAtom(c, local));
/** The element's own character data (not its descendants'). */
const ownText = (el: El) => el.children.map((n) => (n.kind === 'text' ? n.text : '')).join('');
const deepText = (el: El): string => el.children.map((n) => (n.kind === 'text' ? n.text : deepText(n))).join('');
const descendants = (el: El): El[] => elements(el).flatMap((c) => [c, ...descendants(c)]);
const looseText = (el: El) => ownText(el).trim() !== '';
/** An unqualified attribute's value. */
const attr = (el: El, local: string) => el.attrs.find((a) => a.uri === '' && a.local === local)?.value;

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const NOT_IN_IRI = /[\u0000-\u0020\u007F-\u009F\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000<>"{}|\\^`]/u;
const BARE_PERCENT = /%(?![0-9A-Fa-f]{2})/;
const TOKEN = "[A-Za-z0-9!#$&^_.+-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"([^"\\\\]|\\\\.)*"))*\\s*$`);
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\uFFFF]";
const ADDR_SPEC = new RegExp(`^(${ATEXT}+(\\.${ATEXT}+)*|"([^"\\\\\\r\\n]|\\\\.)*")@(${ATEXT}+(\\.${ATEXT}+)*|\\[[^\\[\\]\\\\\\s]*\\])$`);
const ISEGMENT_NZ_NC = /^([A-Za-z0-9\-._~!$&'()*+,;=@\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF]|%[0-9A-Fa-f]{2})+$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/;
const YEAR_MS = 365 * 24 * 3600_000;

/** The IANA link relation registry's names. */
const REGISTERED_RELS = new Set(
  ('about acl alternate amphtml appendix apple-touch-icon apple-touch-startup-image archives author blocked-by bookmark ' +
    'canonical chapter cite-as collection contents convertedfrom copyright create-form current describedby describes disclosure ' +
    'dns-prefetch duplicate edit edit-form edit-media enclosure external first glossary help hosts hub icon index ' +
    'intervalafter intervalbefore intervalcontains intervaldisjoint intervalduring intervalequals intervalfinishedby ' +
    'intervalfinishes intervalin intervalmeets intervalmetby intervaloverlappedby intervaloverlaps intervalstartedby ' +
    'intervalstarts item last latest-version license linkset lrdd manifest mask-icon me media-feed memento micropub ' +
    'modulepreload monitor monitor-group next next-archive nofollow noopener noreferrer opener openid2.local_id ' +
    'openid2.provider original p3pv1 payment pingback preconnect predecessor-version prefetch preload prerender prev ' +
    'prev-archive preview previous privacy-policy profile publication related replies restconf ruleinput search section self ' +
    'service service-desc service-doc service-meta sip-trunking-capability sponsored start status stylesheet subsection ' +
    'successor-version sunset tag terms-of-service timegate timemap type ugc up version-history via webmention working-copy working-copy-of').split(' '),
);

const TEXT_TYPES = ['text', 'html', 'xhtml'];
const FEED_METADATA = new Set(['author', 'category', 'contributor', 'generator', 'icon', 'id', 'link', 'logo', 'rights', 'subtitle', 'title', 'updated']);
const ENTRY_CHILDREN = new Set(['author', 'category', 'content', 'contributor', 'id', 'link', 'published', 'rights', 'source', 'summary', 'title', 'updated']);
const PERSON_CHILDREN = new Set(['name', 'uri', 'email']);
const SIMPLE = new Set(['id', 'updated', 'published', 'icon', 'logo', 'generator', 'name', 'uri', 'email']);
/** Unqualified attributes RFC 4287 defines, per Atom element; the rest have none. */
const DEFINED_ATTRIBUTES: Record<string, string[]> = {
  link: ['href', 'rel', 'type', 'hreflang', 'title', 'length'],
  category: ['term', 'scheme', 'label'],
  generator: ['uri', 'version'],
  content: ['type', 'src'],
  title: ['type'],
  subtitle: ['type'],
  rights: ['type'],
  summary: ['type'],
};

function mediaTypeOf(type: string): string {
  return type.split(';')[0]!.trim().toLowerCase();
}
function isXmlMediaType(t: string): boolean {
  return t.endsWith('/xml') || t.endsWith('+xml') || t === 'application/xml-dtd' || t === 'application/xml-external-parsed-entity';
}
function isAlternate(link: El): boolean {
  const rel = attr(link, 'rel')?.trim();
  return rel === undefined || rel === 'alternate' || rel === `${IANA_REL}alternate`;
}

class Checker {
  private readonly problems: AtomProblem[] = [];
  constructor(private readonly now: Date) {}

  document(root: El): AtomProblem[] {
    if (root.uri !== ATOM_NS) {
      const why =
        root.uri === '' ? 'has no namespace' : root.uri === ATOM03_NS ? 'is in the obsolete Atom 0.3 namespace' : `is in the namespace "${root.uri}"`;
      this.error('namespace', root, `the root element <${root.name}> ${why}, not ${ATOM_NS}`);
      return this.problems;
    }
    if (root.local === 'feed') this.feed(root);
    else if (root.local === 'entry') {
      this.entry(root);
      if (!atomChildren(root, 'author').length && !this.sourceHasAuthor(root)) this.error('missing-author', root, 'the entry document has no atom:author, directly or in its atom:source');
    } else this.error('root-element', root, `the root element is atom:${root.local}, not atom:feed or atom:entry`);
    this.everyElement(root);
    return this.problems.sort((a, b) => a.line - b.line);
  }

  private report(level: AtomProblem['level'], rule: AtomRule, at: El | number, message: string) {
    this.problems.push({ rule, line: typeof at === 'number' ? at : at.line, message, level });
  }
  private error(rule: AtomRule, at: El | number, message: string) {
    this.report('error', rule, at, message);
  }
  private warn(rule: AtomRule, at: El | number, message: string) {
    this.report('warning', rule, at, message);
  }

  /** xml:base and xml:lang wherever they appear. */
  private everyElement(el: El) {
    for (const a of el.attrs) {
      if (a.uri !== XML_NS) continue;
      if (a.local === 'base') this.iriCharacters(el, a.value, 'xml:base');
      if (a.local === 'lang' && a.value !== '' && !LANGUAGE_TAG.test(a.value)) this.error('language-tag', el, `xml:lang="${a.value}" is not a language tag`);
    }
    for (const c of elements(el)) this.everyElement(c);
  }

  private feed(feed: El) {
    this.attributes(feed);
    this.noLooseText(feed);
    let firstEntry: El | undefined;
    const entries: El[] = [];
    for (const child of elements(feed)) {
      if (isAtom(child, 'entry')) {
        firstEntry ??= child;
        entries.push(child);
        this.entry(child);
        continue;
      }
      if (firstEntry) this.error('misplaced-metadata', child, `<${child.name}> comes after the first atom:entry (line ${firstEntry.line}); feed metadata goes before the entries`);
      if (!isAtom(child)) continue;
      if (FEED_METADATA.has(child.local)) this.metadata(child);
      else this.error('undefined-element', child, `atom:${child.local} is not an element of atom:feed`);
    }
    this.cardinality(feed, ['id', 'title', 'updated'], ['generator', 'icon', 'logo', 'rights', 'subtitle']);
    this.alternates(feed);
    if (!atomChildren(feed, 'author').length) {
      for (const e of entries) {
        if (!atomChildren(e, 'author').length && !this.sourceHasAuthor(e)) this.error('missing-author', e, 'the entry has no atom:author, and neither has the feed nor the entry\'s atom:source');
      }
    }
    if (!atomChildren(feed, 'link').some((l) => ['self', `${IANA_REL}self`].includes(attr(l, 'rel')?.trim() ?? ''))) this.warn('self-link', feed, 'the feed has no rel="self" link');
    this.duplicateIds(entries);
  }

  private sourceHasAuthor(entry: El): boolean {
    return atomChildren(entry, 'source').some((s) => atomChildren(s, 'author').length > 0);
  }

  private duplicateIds(entries: El[]) {
    const seen = new Map<string, string[]>();
    for (const e of entries) {
      const id = atomChildren(e, 'id')[0];
      if (!id) continue;
      const key = ownText(id).trim();
      const updated = atomChildren(e, 'updated').map((u) => ownText(u).trim())[0] ?? '';
      const earlier = seen.get(key);
      if (earlier?.includes(updated)) this.error('duplicate-id', e, `another entry has the same atom:id "${key}" and the same atom:updated ${updated}`);
      else if (earlier) this.warn('duplicate-id', e, `another entry has the same atom:id "${key}" (another version of it)`);
      seen.set(key, [...(earlier ?? []), updated]);
    }
  }

  private entry(entry: El) {
    this.attributes(entry);
    this.noLooseText(entry);
    for (const child of elements(entry)) {
      if (!isAtom(child)) continue;
      if (ENTRY_CHILDREN.has(child.local)) this.metadata(child);
      else this.error('undefined-element', child, `atom:${child.local} is not an element of atom:entry`);
    }
    this.cardinality(entry, ['id', 'title', 'updated'], ['content', 'published', 'rights', 'source', 'summary']);
    this.alternates(entry);
    const content = atomChildren(entry, 'content')[0];
    if (!content && !atomChildren(entry, 'link').some(isAlternate)) this.error('missing-alternate', entry, 'the entry has neither atom:content nor a rel="alternate" link');
    if (content && !atomChildren(entry, 'summary').length) {
      const type = attr(content, 'type')?.trim();
      if (attr(content, 'src') !== undefined) this.error('missing-summary', entry, 'the entry\'s content has src but the entry has no atom:summary');
      else if (type && !TEXT_TYPES.includes(type) && MEDIA_TYPE.test(type)) {
        const t = mediaTypeOf(type);
        if (!t.startsWith('text/') && !isXmlMediaType(t)) this.error('missing-summary', entry, `the entry's content is Base64 (${t}) but the entry has no atom:summary`);
      }
    }
  }

  private source(source: El) {
    this.attributes(source);
    this.noLooseText(source);
    for (const child of elements(source)) {
      if (!isAtom(child)) continue;
      if (FEED_METADATA.has(child.local)) this.metadata(child);
      else if (child.local === 'entry') this.error('source-content', child, 'atom:source holds an atom:entry; it may hold only the source feed\'s metadata');
      else this.error('undefined-element', child, `atom:${child.local} is not an element of atom:source`);
    }
    this.cardinality(source, [], ['generator', 'icon', 'id', 'logo', 'rights', 'subtitle', 'title', 'updated']);
    for (const name of ['id', 'title', 'updated']) {
      if (!atomChildren(source, name).length) this.warn('source-metadata', source, `atom:source has no atom:${name} (it SHOULD keep the source feed's)`);
    }
    this.alternates(source);
  }

  /** One child of feed, entry or source, by its name. */
  private metadata(el: El) {
    this.attributes(el);
    // A value with markup in it is judged by that alone.
    if (SIMPLE.has(el.local) && elements(el).length) return this.error('simple-content', el, `atom:${el.local} holds a child element <${elements(el)[0]!.name}>; it holds text only`);
    switch (el.local) {
      case 'author':
      case 'contributor':
        return this.person(el);
      case 'category':
        return this.category(el);
      case 'generator': {
        this.notBlank(el);
        const uri = attr(el, 'uri');
        if (uri !== undefined) this.iriCharacters(el, uri, 'generator/@uri');
        return;
      }
      case 'icon':
      case 'logo':
        return this.iriCharacters(el, ownText(el), `atom:${el.local}`);
      case 'id':
        return this.absoluteIri(el, ownText(el), 'atom:id');
      case 'link':
        return this.link(el);
      case 'title':
      case 'subtitle':
      case 'rights':
      case 'summary':
        return this.textConstruct(el);
      case 'updated':
      case 'published':
        return this.date(el);
      case 'content':
        return this.content(el);
      case 'source':
        return this.source(el);
    }
  }

  private attributes(el: El) {
    const defined = DEFINED_ATTRIBUTES[el.local] ?? [];
    for (const a of el.attrs) {
      if (a.uri === '' && a.name !== 'xmlns' && !a.name.startsWith('xmlns:') && !defined.includes(a.local)) this.error('undefined-attribute', el, `atom:${el.local} has the attribute ${a.name}, which RFC 4287 does not define`);
    }
  }

  private noLooseText(el: El) {
    if (looseText(el)) this.error('unexpected-text', el, `atom:${el.local} holds character data "${ownText(el).trim().slice(0, 40)}" outside its child elements`);
  }

  private cardinality(el: El, exactlyOne: string[], atMostOne: string[]) {
    for (const name of exactlyOne) {
      if (!atomChildren(el, name).length) this.error('missing-element', el, `atom:${el.local} has no atom:${name}`);
    }
    for (const name of [...exactlyOne, ...atMostOne]) {
      const found = atomChildren(el, name);
      if (found.length > 1) this.error('duplicate-element', found[1]!, `atom:${el.local} has more than one atom:${name} (also on line ${found[0]!.line})`);
    }
  }

  private alternates(el: El) {
    const seen = new Map<string, El>();
    for (const link of atomChildren(el, 'link').filter(isAlternate)) {
      const type = (attr(link, 'type') ?? '').trim().toLowerCase();
      const lang = (attr(link, 'hreflang') ?? '').trim().toLowerCase();
      const first = seen.get(`${type}|${lang}`);
      if (first) this.error('duplicate-alternate', link, `a second rel="alternate" link with type "${type}" and hreflang "${lang}" in atom:${el.local} (the first on line ${first.line})`);
      else seen.set(`${type}|${lang}`, link);
    }
  }

  private person(el: El) {
    this.noLooseText(el);
    for (const child of elements(el)) {
      if (!isAtom(child)) continue;
      if (!PERSON_CHILDREN.has(child.local)) {
        this.error('undefined-element', child, `atom:${child.local} is not an element of a person construct (atom:${el.local})`);
        continue;
      }
      this.attributes(child);
      if (elements(child).length) {
        this.error('simple-content', child, `atom:${child.local} holds a child element <${elements(child)[0]!.name}>; it holds text only`);
        continue;
      }
      if (child.local === 'name') this.notBlank(child);
      if (child.local === 'uri') this.iriCharacters(child, ownText(child), 'atom:uri');
      if (child.local === 'email' && !ADDR_SPEC.test(ownText(child))) this.error('email', child, `atom:email "${ownText(child)}" is not an e-mail address (addr-spec, e.g. name@example.org)`);
    }
    this.cardinality(el, ['name'], ['uri', 'email']);
  }

  private category(el: El) {
    const term = attr(el, 'term');
    if (term === undefined) this.error('missing-attribute', el, 'atom:category has no term');
    else if (!term.trim()) this.warn('not-blank', el, 'category/@term is empty');
    const scheme = attr(el, 'scheme');
    if (scheme !== undefined) this.absoluteIri(el, scheme, 'category/@scheme');
    this.noAtomChildren(el);
  }

  private noAtomChildren(el: El) {
    for (const child of elements(el).filter((c) => isAtom(c))) this.error('undefined-element', child, `atom:${child.local} is not an element of atom:${el.local}`);
  }

  private link(el: El) {
    const href = attr(el, 'href');
    if (href === undefined) this.error('missing-attribute', el, 'atom:link has no href');
    else this.iriCharacters(el, href, 'link/@href');
    const rel = attr(el, 'rel');
    if (rel !== undefined) {
      if (rel === '' || /\s/.test(rel)) this.error('link-rel', el, `link/@rel "${rel}" is empty or holds white space`);
      else if (rel.includes(':')) {
        if (!SCHEME.test(rel) || NOT_IN_IRI.test(rel)) this.error('link-rel', el, `link/@rel "${rel}" holds a colon but is not an absolute IRI`);
        else if (rel.startsWith(IANA_REL) && !REGISTERED_RELS.has(rel.slice(IANA_REL.length).toLowerCase())) this.warn('unregistered-rel', el, `link/@rel "${rel}" names no registered relation`);
      } else if (!ISEGMENT_NZ_NC.test(rel)) this.error('link-rel', el, `link/@rel "${rel}" is neither a relation name nor an absolute IRI`);
      else if (!REGISTERED_RELS.has(rel.toLowerCase())) this.warn('unregistered-rel', el, `link/@rel "${rel}" is not in the IANA link relation registry`);
    }
    const type = attr(el, 'type');
    if (type !== undefined && !MEDIA_TYPE.test(type)) this.error('media-type', el, `link/@type "${type}" is not a media type`);
    const lang = attr(el, 'hreflang');
    if (lang !== undefined && !LANGUAGE_TAG.test(lang)) this.error('language-tag', el, `link/@hreflang "${lang}" is not a language tag`);
    const length = attr(el, 'length');
    if (length !== undefined && !/^\d+$/.test(length)) this.error('link-length', el, `link/@length "${length}" is not a non-negative integer`);
    this.noAtomChildren(el);
  }

  private textConstruct(el: El) {
    const type = attr(el, 'type')?.trim() ?? 'text';
    if (!TEXT_TYPES.includes(type)) return this.error('text-type', el, `atom:${el.local} has type "${type}"; a text construct is text, html or xhtml`);
    this.textBody(el, type);
    if (el.local !== 'rights') this.notBlank(el, type);
  }

  private notBlank(el: El, type = 'text') {
    const div = elements(el)[0];
    const blank = type === 'xhtml' ? !!div && !elements(div).length && !deepText(div).trim() : !elements(el).length && !ownText(el).trim();
    if (blank) this.warn('not-blank', el, `atom:${el.local} is empty`);
  }

  /** The rules of a text, html or xhtml body (text constructs and inline content). */
  private textBody(el: El, type: string) {
    const kids = elements(el);
    if (type !== 'xhtml') {
      if (kids.length) this.error('text-children', kids[0]!, `atom:${el.local} of type ${type} holds the element <${kids[0]!.name}>; its markup must be escaped`);
      return;
    }
    const div = kids[0];
    if (kids.length !== 1 || div!.uri !== XHTML_NS || div!.local !== 'div') {
      this.error('xhtml-div', el, `atom:${el.local} of type xhtml must hold exactly one xhtml:div (${XHTML_NS}), not ${kids.map((k) => `<${k.name}>${k.uri === XHTML_NS ? '' : ` in "${k.uri}"`}`).join(', ') || 'none'}`);
    } else if (looseText(el)) this.error('xhtml-div', el, `atom:${el.local} of type xhtml holds text outside its xhtml:div`);
    else {
      const foreign = descendants(div!).find((d) => d.uri !== XHTML_NS);
      if (foreign) this.error('xhtml-div', foreign, `the xhtml:div of atom:${el.local} holds <${foreign.name}>${foreign.uri ? ` in "${foreign.uri}"` : ' in no namespace'}; its markup is XHTML only`);
    }
  }

  private content(el: El) {
    const rawType = attr(el, 'type');
    const type = rawType?.trim() ?? 'text';
    const src = attr(el, 'src');
    if (src !== undefined) {
      this.iriCharacters(el, src, 'content/@src');
      if (elements(el).length || looseText(el)) this.error('content-src', el, 'atom:content with src must be empty');
      if (rawType === undefined) this.warn('content-src-type', el, 'atom:content has src but no type');
      else if (TEXT_TYPES.includes(type)) this.error('content-src', el, `atom:content with src has type "${type}"; it must be a media type`);
      else if (!MEDIA_TYPE.test(type)) this.error('media-type', el, `content/@type "${type}" is not a media type`);
      return;
    }
    if (TEXT_TYPES.includes(type)) {
      this.notBlank(el, type);
      return this.textBody(el, type);
    }
    if (!MEDIA_TYPE.test(type)) return this.error('media-type', el, `content/@type "${type}" is neither text, html, xhtml nor a media type`);
    const t = mediaTypeOf(type);
    if (t.startsWith('multipart/') || t.startsWith('message/')) return this.error('media-type', el, `content/@type "${type}" is a composite type`);
    if (isXmlMediaType(t)) {
      if (elements(el).length !== 1 || looseText(el)) this.warn('xml-content', el, `atom:content of ${t} holds ${elements(el).length} elements${looseText(el) ? ' and loose text' : ''}; it SHOULD be one element`);
    } else if (t.startsWith('text/')) {
      const kids = elements(el);
      if (kids.length) this.error('text-children', kids[0]!, `atom:content of ${t} holds the element <${kids[0]!.name}>`);
    } else {
      const b64 = ownText(el).replace(/\s+/g, '');
      if (elements(el).length || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) this.error('base64', el, `atom:content of ${t} is not Base64`);
    }
  }

  private date(el: El) {
    const v = ownText(el);
    const what = `atom:${el.local} "${v}"`;
    if (v !== v.trim()) return this.error('date', el, `${what} has white space around it`);
    const m = RFC3339.exec(v);
    if (!m) {
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v)) return this.error('date', el, `${what} has no time zone (Z or ±hh:mm)`);
      return this.error('date', el, `${what} is not an RFC 3339 date-time (YYYY-MM-DDThh:mm:ss[.s](Z|±hh:mm))`);
    }
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
    const zoneOk = m[8] === 'Z' || (Number(m[10]) < 24 && Number(m[11]) < 60);
    if (!days || day < 1 || day > days || hour > 23 || minute > 59 || second > 60 || !zoneOk) return this.error('date', el, `${what} is not a real date and time`);
    const at = Date.parse(v.replace(/:60(?=[.Z+-])/, ':59'));
    if (year < 1971) this.warn('implausible-date', el, `${what} is before 1971${year === 1970 && month === 1 && day === 1 ? ' (the zero Unix time)' : ''}`);
    else if (at > this.now.getTime() + YEAR_MS) this.warn('implausible-date', el, `${what} is more than a year ahead`);
  }

  private absoluteIri(el: El, value: string, what: string) {
    if (this.iriCharacters(el, value, what) && !SCHEME.test(value)) this.error('absolute-iri', el, `${what} "${value}" is not an absolute IRI (no scheme)`);
  }

  /** False when the value broke the rule. */
  private iriCharacters(el: El, value: string, what: string): boolean {
    const bad = NOT_IN_IRI.exec(value);
    if (bad) this.error('iri-characters', el, `${what} "${value}" holds ${/\s/.test(bad[0]) ? 'white space' : `the character ${JSON.stringify(bad[0])}`}, which no IRI may hold`);
    else if (BARE_PERCENT.test(value)) this.error('iri-characters', el, `${what} "${value}" holds a % that starts no percent-encoding`);
    else return true;
    return false;
  }
}
