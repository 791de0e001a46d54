/**
 * Editing config.json as text, so a command-line edit keeps the rest of the
 * file exactly as it was: key order, spacing, line breaks, the `$schema` key.
 *
 * Rules:
 * - Only the bytes of the edited array change; everything else is copied.
 * - A new element copies the layout of its neighbours: one line each when
 *   the last element is on one line (`{ "name": "x", "url": "y" }` keeps its
 *   spaces), indented like the last element when the array spans lines.
 * - The text must be strict JSON (what `loadConfig` reads); anything else is
 *   an error naming the offset, and the caller writes nothing.
 */

interface Span {
  start: number;
  end: number;
}

export interface JsonNode extends Span {
  kind: 'object' | 'array' | 'value';
  /** Object members in file order. */
  members?: { key: string; keyStart: number; value: JsonNode }[];
  items?: JsonNode[];
}

/** Where strict JSON stops being JSON (UTF-16 offset into the text) and what was expected there. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    readonly what: string,
  ) {
    super(`not valid JSON at offset ${offset}: ${what}`);
    this.name = 'JsonSyntaxError';
  }
}

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new JsonSyntaxError(this.pos, what);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  expect(ch: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== ch) this.fail(`expected "${ch}"`);
    this.pos++;
  }

  string(): string {
    this.skipSpace();
    const m = /^"(?:[^"\\\u0000-\u001f]|\\.)*"/.exec(this.text.slice(this.pos));
    if (!m) this.fail('expected a string');
    this.pos += m[0].length;
    return JSON.parse(m[0]) as string;
  }

  value(): JsonNode {
    this.skipSpace();
    const start = this.pos;
    const ch = this.text[this.pos];
    if (ch === '{') return this.object(start);
    if (ch === '[') return this.array(start);
    if (ch === '"') this.string();
    else {
      const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(this.pos));
      if (!m) this.fail('expected a value');
      this.pos += m[0].length;
    }
    return { kind: 'value', start, end: this.pos };
  }

  object(start: number): JsonNode {
    this.pos++;
    const members: { key: string; keyStart: number; value: JsonNode }[] = [];
    this.skipSpace();
    if (this.text[this.pos] === '}') return { kind: 'object', start, end: ++this.pos, members };
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') this.fail('a comma before "}" (JSON allows no trailing comma)');
      const keyStart = this.pos;
      const key = this.string();
      this.expect(':');
      members.push({ key, keyStart, value: this.value() });
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] === '}') return { kind: 'object', start, end: ++this.pos, members };
      else this.fail('expected "," or "}"');
    }
  }

  array(start: number): JsonNode {
    this.pos++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') return { kind: 'array', start, end: ++this.pos, items };
    for (;;) {
      this.skipSpace();
      if (items.length && this.text[this.pos] === ']') this.fail('a comma before "]" (JSON allows no trailing comma)');
      items.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] === ']') return { kind: 'array', start, end: ++this.pos, items };
      else this.fail('expected "," or "]"');
    }
  }
}

export function parseJsonTree(text: string): JsonNode {
  const scanner = new Scanner(text);
  const root = scanner.value();
  scanner.skipSpace();
  if (scanner.pos !== text.length) scanner.fail('unexpected text after the value');
  return root;
}

/**
 * Why a text JSON.parse refused is not JSON, for people: `line L, column C: what`.
 * V8's own messages name no place for an unexpected token (and their wording differs
 * between Node versions), so the place comes from this file's strict scanner; where
 * the scanner is more lenient than JSON.parse, from V8's position, else the text's end.
 */
export function jsonSyntaxProblem(text: string, err: Error): string {
  let offset: number | undefined;
  let what: string | undefined;
  try {
    parseJsonTree(text);
  } catch (scanned) {
    if (scanned instanceof JsonSyntaxError) ({ offset, what } = scanned);
  }
  if (offset === undefined) {
    const at = /at position (\d+)/.exec(err.message);
    offset = at ? Math.min(Number(at[1]), text.length) : text.length;
    what = err.message.replace(/\s*(in JSON )?at position \d+.*$/s, '').trim() || 'syntax error';
  }
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line}, column ${column}: ${what}`;
}

/** The node at `path` (keys and indexes), or undefined. */
export function nodeAt(root: JsonNode, path: readonly (string | number)[]): JsonNode | undefined {
  let node: JsonNode | undefined = root;
  for (const key of path) {
    if (!node) return undefined;
    node = typeof key === 'number' ? node.items?.[key] : node.members?.find((m) => m.key === key)?.value;
  }
  return node;
}

function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** One-line JSON in the neighbour's style: `{ "a": 1, "b": 2 }` when it has spaces after ":" and inside braces. */
function renderInline(value: unknown, spaced: boolean): string {
  if (Array.isArray(value)) return `[${value.map((v) => renderInline(v, spaced)).join(spaced ? ', ' : ',')}]`;
  if (value && typeof value === 'object') {
    const body = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${spaced ? ' ' : ''}${renderInline(v, spaced)}`);
    return spaced ? `{ ${body.join(', ')} }` : `{${body.join(',')}}`;
  }
  return JSON.stringify(value);
}

function renderLike(text: string, neighbour: JsonNode | undefined, value: unknown, indent: string): string {
  const sample = neighbour ? text.slice(neighbour.start, neighbour.end) : '';
  if (!sample.includes('\n')) return renderInline(value, !neighbour || /:\s|\{\s/.test(sample));
  const unit = /\n([ \t]+)/.exec(sample)?.[1]?.slice(indent.length) || '  ';
  return JSON.stringify(value, null, unit).replace(/\n/g, `\n${indent}`);
}

/** `text` with a new last member `key: value` in the object at `path`, laid out like its last member. */
function addMember(text: string, path: readonly (string | number)[], key: string, value: unknown): string {
  const object = nodeAt(parseJsonTree(text), path);
  if (!object || object.kind !== 'object') throw new Error(`${path.join('.') || '(root)'} is not an object in the config file`);
  const last = object.members!.at(-1);
  if (!last) return `${text.slice(0, object.start)}{ ${JSON.stringify(key)}: ${renderInline(value, true)} }${text.slice(object.end)}`;
  const multiLine = text.slice(object.start, last.keyStart).includes('\n');
  const indent = multiLine ? lineIndent(text, last.keyStart) : '';
  const sep = multiLine ? `,\n${indent}` : ', ';
  return `${text.slice(0, last.value.end)}${sep}${JSON.stringify(key)}: ${renderInline(value, true)}${text.slice(last.value.end)}`;
}

/** `text` with `values` appended to the array at `path`; a missing last key is added to its object as a new array. */
export function appendToArray(text: string, path: readonly (string | number)[], values: readonly unknown[]): string {
  const array = nodeAt(parseJsonTree(text), path);
  const key = path[path.length - 1];
  if (!array && typeof key === 'string') return addMember(text, path.slice(0, -1), key, values);
  if (!array || array.kind !== 'array') throw new Error(`${path.join('.')} is not an array in the config file`);
  const items = array.items!;
  const last = items[items.length - 1];
  if (!last) return `${text.slice(0, array.start)}[${values.map((v) => renderLike(text, undefined, v, '')).join(', ')}]${text.slice(array.end)}`;
  const multiLine = text.slice(array.start, last.start).includes('\n');
  const indent = multiLine ? lineIndent(text, last.start) : '';
  const sep = multiLine ? `,\n${indent}` : ', ';
  const added = values.map((v) => sep + renderLike(text, last, v, indent)).join('');
  return text.slice(0, last.end) + added + text.slice(last.end);
}

function removeOne(text: string, path: readonly (string | number)[], index: number): string {
  const array = nodeAt(parseJsonTree(text), path);
  if (!array || array.kind !== 'array') throw new Error(`${path.join('.')} is not an array in the config file`);
  const items = array.items!;
  if (items.length === 1) return `${text.slice(0, array.start)}[]${text.slice(array.end)}`;
  // An element goes with the separator before it; the first one with the separator after it.
  const [from, to] = index > 0 ? [items[index - 1]!.end, items[index]!.end] : [items[0]!.start, items[1]!.start];
  return text.slice(0, from) + text.slice(to);
}

/** `text` without the elements at `indexes` of the array at `path` (with their separators). */
export function removeFromArray(text: string, path: readonly (string | number)[], indexes: readonly number[]): string {
  return [...new Set(indexes)].sort((a, b) => b - a).reduce((out, i) => removeOne(out, path, i), text);
}
