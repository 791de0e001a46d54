/**
 * A lenient reading of a feed the strict parser refused: the markup is re-tokenized
 * and its tags balanced, so rss-parser can read what a loose parser (feedparser's)
 * recovers instead of the whole source failing. Used only after a strict failure;
 * every change is reported as a note for the source's report.
 *
 * Rules:
 * - Only the markup from the root element on is looked at; the prolog is kept as is,
 *   and so is every byte the repairs below do not name.
 * - An end tag closes the innermost open element of its name (exact, else the same
 *   name in another case), closing the elements opened inside it first; an end tag
 *   that matches no open element is dropped; at the end of the text every open
 *   element is closed.
 * - An HTML void element (`<br>`, `<img …>`) left open is empty, as in HTML, and so
 *   are the feed elements whose data is all in attributes (`<enclosure …>`,
 *   `<media:thumbnail …>`, `<itunes:image …>`), unless its own end tag follows at once; an `item`/`entry` start tag closes an open item
 *   or entry of the same name first, unless an element of another vocabulary (a
 *   foreign prefix) lies in between, so one unclosed item does not swallow the next.
 * - A `<` that starts no tag is text (`&lt;`); unquoted or valueless attributes are
 *   quoted (HTML's reading); a document cut off inside a tag, comment, CDATA
 *   section or processing instruction is cut before it; content after the root
 *   element is dropped.
 * - Bounded: one pass, each character scanned a bounded number of times (a tag is
 *   read no further than the next `<`); the open elements are searched only for a
 *   name that is open, so a search costs what it closes, or at most MAX_DEPTH; an
 *   element nested deeper than MAX_DEPTH is made empty, its content kept beside it.
 */
import { feedPrefixes } from './names.js';
import { rootElement } from './sniff.js';

/** Open elements kept at most (deeper start tags are made empty). */
export const MAX_DEPTH = 256;

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'meta', 'param', 'source', 'track', 'wbr']);
/** Feed elements that are empty by definition (their data is in attributes): left open, they are read as empty too. */
const EMPTY_FEED_ELEMENTS = new Set(['enclosure', 'media:thumbnail', 'itunes:image']);
const NAME = /[A-Za-z_\u00C0-\uFFFF][\w.:\u00B7\u00C0-\uFFFF-]*/y;
const SPACE = /\s*/y;
/** Characters an attribute name or unquoted value stops at. */
const ATTR_STOP = /[\s=/<>"'`]/;
const VALUE_STOP = /[\s<>"'`]/;

export interface LenientReading {
  text: string;
  /** What was changed, one short note per kind of repair. */
  notes: string[];
  /** Item and entry start tags read (a reading that keeps none of them has recovered nothing). */
  items: number;
}

type StartTag =
  | { kind: 'tag'; name: string; end: number; selfClosing: boolean; rebuilt?: string }
  | { kind: 'malformed' }
  | { kind: 'cut' };

/** How many characters of `xml` from `at` a sticky pattern matches (0 when none). */
function lengthAt(re: RegExp, xml: string, at: number): number {
  re.lastIndex = at;
  return re.test(xml) ? re.lastIndex - at : 0;
}

function quoted(value: string): string {
  return `"${value.replace(/&(?![A-Za-z_#][\w.-]*;)/g, '&amp;').replace(/"/g, '&quot;')}"`;
}

/**
 * The start tag at `lt`, read no further than `limit` (the next `<`): its name and end,
 * with its attributes rewritten when some were unquoted or valueless; `cut` when the
 * text ends inside it, `malformed` when it is not a tag.
 */
function readStartTag(xml: string, lt: number, limit: number): StartTag {
  const nameLength = lengthAt(NAME, xml, lt + 1);
  if (!nameLength) return { kind: 'malformed' };
  const name = xml.slice(lt + 1, lt + 1 + nameLength);
  let pos = lt + 1 + nameLength;
  const attrs: string[] = [];
  let rebuild = false;
  for (;;) {
    const space = lengthAt(SPACE, xml, pos);
    pos += space;
    if (pos >= limit) return limit === xml.length ? { kind: 'cut' } : { kind: 'malformed' };
    const c = xml[pos];
    if (c === '>' || (c === '/' && xml[pos + 1] === '>')) {
      const selfClosing = c === '/';
      const end = pos + (selfClosing ? 2 : 1);
      return { kind: 'tag', name, end, selfClosing, ...(rebuild ? { rebuilt: `<${name}${attrs.join('')}${selfClosing ? '/' : ''}>` } : {}) };
    }
    if (c === '/') return { kind: 'malformed' };
    if (!space) rebuild = true;
    let stop = pos;
    while (stop < limit && !ATTR_STOP.test(xml[stop]!)) stop++;
    if (stop === pos) return stop === xml.length ? { kind: 'cut' } : { kind: 'malformed' };
    const attr = xml.slice(pos, stop);
    pos = stop + lengthAt(SPACE, xml, stop);
    if (xml[pos] !== '=') {
      // Valueless (HTML's `<input disabled>`): its value is its name.
      rebuild = true;
      attrs.push(` ${attr}=${quoted(attr)}`);
      continue;
    }
    pos += 1 + lengthAt(SPACE, xml, pos + 1);
    const q = xml[pos];
    if (q === '"' || q === "'") {
      let close = pos + 1;
      while (close < limit && xml[close] !== q) close++;
      if (close >= limit) return limit === xml.length ? { kind: 'cut' } : { kind: 'malformed' };
      attrs.push(` ${attr}=${xml.slice(pos, close + 1)}`);
      pos = close + 1;
    } else {
      let end = pos;
      while (end < limit && !VALUE_STOP.test(xml[end]!) && !(xml[end] === '/' && xml[end + 1] === '>')) end++;
      if (end === pos) return end === xml.length ? { kind: 'cut' } : { kind: 'malformed' };
      rebuild = true;
      attrs.push(` ${attr}=${quoted(xml.slice(pos, end))}`);
      pos = end;
    }
  }
}

const COMMENT: Section = ['<!--', '-->', 'a comment'];
const CDATA: Section = ['<![CDATA[', ']]>', 'a CDATA section'];
const PI: Section = ['<?', '?>', 'a processing instruction'];
type Section = [open: string, close: string, what: string];

/** The comment, CDATA section or PI starting at `lt` (or cut short by the end of the text there). */
function sectionAt(xml: string, lt: number): Section | undefined {
  const c = xml[lt + 1];
  if (c === '?') return PI;
  if (c !== '!') return undefined;
  for (const section of [COMMENT, CDATA]) {
    if (xml.startsWith(section[0], lt) || (lt + section[0].length > xml.length && section[0].startsWith(xml.slice(lt)))) return section;
  }
  return undefined;
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1).toLowerCase();
}

function prefixOf(name: string): string {
  const colon = name.indexOf(':');
  return colon > 0 ? name.slice(0, colon) : '';
}

/** "1 element", "2 elements". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Up to three distinct names, for a note. */
function some(names: string[], format: (n: string) => string): string {
  const distinct = [...new Set(names)];
  return distinct.slice(0, 3).map(format).join(', ') + (distinct.length > 3 ? ', …' : '');
}

/**
 * The document with its tags balanced (see the rules above), or undefined when there
 * was nothing this reading changes (no root element, or markup it cannot improve).
 */
export function balanceTags(xml: string): LenientReading | undefined {
  const root = rootElement(xml);
  if (!root) return undefined;
  const vocabulary = feedPrefixes(xml);
  const out: string[] = [];
  let copied = 0;
  /** Copy the source up to `to`, then `text`. */
  const emit = (to: number, text = '') => {
    if (to > copied) out.push(xml.slice(copied, to));
    if (text) out.push(text);
    copied = to;
  };
  const stack: string[] = [];
  /** Per open element: where its start tag is, and how much output there was before it. */
  const marks: [start: number, outLength: number, copied: number][] = [];
  /** How many open elements have each name, and each lowercased name. */
  const open = new Map<string, number>();
  const openLower = new Map<string, number>();
  const tally = (name: string, by: number) => {
    open.set(name, (open.get(name) ?? 0) + by);
    const lower = name.toLowerCase();
    openLower.set(lower, (openLower.get(lower) ?? 0) + by);
  };
  const push = (name: string, mark: [number, number, number]) => {
    stack.push(name);
    marks.push(mark);
    tally(name, 1);
  };
  const pop = (): string => {
    const name = stack.pop()!;
    marks.pop();
    tally(name, -1);
    return name;
  };
  const closed: string[] = [];
  const dropped: string[] = [];
  let escaped = 0;
  let quotedTags = 0;
  let flattened = 0;
  let emptied = 0;
  let recased = 0;
  let items = 0;
  let cutInside: string | undefined;
  let rootDone = false;
  let afterRoot = false;

  /** Close the open elements above stack depth `depth`, their end tags inserted at `at`. */
  const closeTo = (depth: number, at: number) => {
    while (stack.length > depth) {
      const name = pop();
      emit(at, `</${name}>`);
      closed.push(name);
    }
  };

  /** Stop reading at `at`: the rest of the text is dropped. */
  const cut = (at: number, inside?: string) => {
    if (inside) cutInside = inside;
    else afterRoot = true;
    emit(at);
  };
  /** The `<` at `lt` is text. */
  const escape = (lt: number) => {
    escaped++;
    emit(lt, '&lt;');
    copied = lt + 1;
  };

  let i = root.index;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (rootDone) {
      // After the root element only white space and comments may follow.
      const stop = lt < 0 ? xml.length : lt;
      if (/\S/.test(xml.slice(i, stop)) || (lt >= 0 && !xml.startsWith('<!--', lt))) {
        cut(i);
        break;
      }
    }
    if (lt < 0) break;
    const section = sectionAt(xml, lt);
    if (section) {
      const end = xml.startsWith(section[0], lt) ? xml.indexOf(section[1], lt + section[0].length) : -1;
      if (end < 0) {
        cut(lt, section[2]);
        break;
      }
      i = end + section[1].length;
      continue;
    }
    const next = xml.indexOf('<', lt + 1);
    const limit = next < 0 ? xml.length : next;
    if (xml[lt + 1] === '/') {
      const nameEnd = lt + 2 + lengthAt(NAME, xml, lt + 2);
      const name = xml.slice(lt + 2, nameEnd);
      const close = nameEnd + lengthAt(SPACE, xml, nameEnd);
      if (close >= xml.length) {
        cut(lt, 'an end tag');
        break;
      }
      i = close + 1;
      if (!name || xml[close] !== '>') {
        escape(lt);
        i = lt + 1;
        continue;
      }
      const lower = name.toLowerCase();
      let at = open.get(name) ? stack.lastIndexOf(name) : -1;
      if (at < 0 && openLower.get(lower)) for (let d = stack.length - 1; at < 0; d--) if (stack[d]!.toLowerCase() === lower) at = d;
      if (at < 0) {
        dropped.push(name);
        emit(lt);
        copied = i;
        continue;
      }
      closeTo(at + 1, lt);
      const opened = pop();
      if (opened !== name) {
        // The same name in another case: written as it was opened.
        recased++;
        emit(lt, `</${opened}>`);
        copied = i;
      }
      rootDone = !stack.length;
      continue;
    }
    const tag = readStartTag(xml, lt, limit);
    if (tag.kind === 'cut') {
      cut(lt, 'a start tag');
      break;
    }
    if (tag.kind === 'malformed') {
      escape(lt);
      i = lt + 1;
      continue;
    }
    const local = localName(tag.name);
    if (local === 'item' || local === 'entry') items++;
    if ((local === 'item' || local === 'entry') && open.get(tag.name)) {
      const own = prefixOf(tag.name);
      for (let d = stack.length - 1; d >= 0; d--) {
        if (stack[d] === tag.name) {
          closeTo(d, lt);
          break;
        }
        const p = prefixOf(stack[d]!);
        if (p !== own && p !== '' && !vocabulary.has(p)) break;
      }
    }
    const mark: [number, number, number] = [lt, out.length, copied];
    let selfClosing = tag.selfClosing;
    let text = tag.rebuilt;
    if (text) quotedTags++;
    if (!selfClosing) {
      // An Atom-style <link href="…"> is empty too; an RSS <link> holds its URL as text.
      const isVoid = (VOID_ELEMENTS.has(tag.name.toLowerCase()) || EMPTY_FEED_ELEMENTS.has(tag.name.toLowerCase()) || (local === 'link' && xml.slice(lt, tag.end).includes('='))) && !xml.startsWith(`</${tag.name}`, tag.end);
      if (isVoid || stack.length >= MAX_DEPTH) {
        selfClosing = true;
        if (isVoid) emptied++;
        else flattened++;
        text = `${(text ?? xml.slice(lt, tag.end)).slice(0, -1)}/>`;
      }
    }
    if (text) {
      emit(lt, text);
      copied = tag.end;
    }
    if (!selfClosing) push(tag.name, mark);
    else if (!stack.length) rootDone = true;
    i = tag.end;
  }
  if (cutInside === undefined && !afterRoot) emit(xml.length);
  const notes: string[] = [];
  if (cutInside) notes.push(`the text ended inside ${cutInside}: cut at character ${copied}`);
  // An item or entry the text ended inside is incomplete (a cut link would become a wrong id): dropped whole.
  const partial = stack.findIndex((name) => ['item', 'entry'].includes(localName(name)));
  if (partial >= 0) {
    const [start, outLength, copiedThen] = marks[partial]!;
    notes.push(`dropped the <${stack[partial]}> the text ended inside (from character ${start})`);
    out.length = outLength;
    copied = copiedThen;
    emit(start);
    stack.length = marks.length = partial;
  }
  const at = copied;
  closeTo(0, at);
  if (afterRoot) notes.push(`dropped what followed the root element (from character ${at})`);
  if (closed.length) notes.push(`closed ${count(closed.length, 'unclosed element')} (${some(closed, (n) => `<${n}>`)})`);
  if (dropped.length) notes.push(`dropped ${count(dropped.length, 'end tag')} that closed nothing (${some(dropped, (n) => `</${n}>`)})`);
  if (recased) notes.push(`matched ${count(recased, 'end tag')} to an element named in another case`);
  if (emptied) notes.push(`read ${count(emptied, 'HTML void element')} as empty`);
  if (escaped) notes.push(`read ${count(escaped, '"<"')} starting no tag as text`);
  if (quotedTags) notes.push(`quoted the attributes of ${count(quotedTags, 'tag')}`);
  if (flattened) notes.push(`made ${count(flattened, 'element')} nested deeper than ${MAX_DEPTH} empty`);
  if (!notes.length) return undefined;
  return { text: out.join(''), notes, items };
}
