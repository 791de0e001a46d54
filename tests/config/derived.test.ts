/**
 * Every config field is assigned (src/config/derived.ts): each leaf of the zod
 * config schema is covered by a DERIVED artifact's path or by NOT_DERIVED, and
 * every declared path exists in the schema. The walker is proven on the schema
 * extended with fields no one has assigned yet. Fingerprints read exactly their
 * declared paths (one source's view reads that source only).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema, DERIVED, fingerprint, NOT_DERIVED, sourceSchema, type Config } from '../../src/config/index.js';
import { rawTestConfig } from '../helpers/env.js';

/** Wrappers that hold one schema and add no field of their own (defaults, optionality). */
type Wrapper = z.ZodOptional | z.ZodNullable | z.ZodDefault | z.ZodPrefault | z.ZodReadonly | z.ZodNonOptional | z.ZodCatch;
const WRAPPERS = [z.ZodOptional, z.ZodNullable, z.ZodDefault, z.ZodPrefault, z.ZodReadonly, z.ZodNonOptional, z.ZodCatch];
const LEAVES = [z.ZodString, z.ZodNumber, z.ZodBoolean, z.ZodEnum, z.ZodLiteral];

interface SchemaPaths {
  /** Paths of fields that hold a value, not fields (`key`, `key.sub`, `key[].sub`; an array of values is one leaf). */
  leaves: Set<string>;
  /** Every path a declaration may name: leaves and the objects and arrays above them. */
  all: Set<string>;
}

/** Walks a zod schema to its leaves; a kind of schema it does not know fails, naming where (never read as a leaf by mistake). */
function schemaPaths(schema: z.ZodType): SchemaPaths {
  const found: SchemaPaths = { leaves: new Set(), all: new Set() };
  const visit = (node: z.ZodType, path: string): void => {
    // `key[]` names the elements; a declaration names the array or its elements' fields.
    const named = path.replace(/(\[\])+$/, '');
    if (named) found.all.add(named);
    if (WRAPPERS.some((kind) => node instanceof kind)) return visit((node as Wrapper).unwrap() as z.ZodType, path);
    if (node instanceof z.ZodObject) {
      for (const [key, child] of Object.entries(node.shape)) visit(child as z.ZodType, path ? `${path}.${key}` : key);
      return;
    }
    if (node instanceof z.ZodArray) return visit(node.element as z.ZodType, `${path}[]`);
    if (node instanceof z.ZodUnion) {
      for (const option of node.options) visit(option as z.ZodType, path);
      return;
    }
    if (!LEAVES.some((kind) => node instanceof kind)) throw new Error(`${path}: a ${node.def.type} schema, which the walker does not read`);
    found.leaves.add(named);
  };
  visit(schema, '');
  return found;
}

/** A declared path covers itself and everything under it. */
function covers(declared: string, path: string): boolean {
  return path === declared || path.startsWith(`${declared}.`) || path.startsWith(`${declared}[]`);
}

interface Assignment {
  derived: Record<string, readonly string[]>;
  notDerived: Record<string, string>;
}

/** What is wrong with an assignment of a schema's fields: each problem names its path. */
function assignmentProblems(schema: z.ZodType, assignment: Assignment): string[] {
  const { leaves, all } = schemaPaths(schema);
  const derived = Object.entries(assignment.derived).flatMap(([artifact, paths]) => paths.map((path) => ({ path, by: `DERIVED.${artifact}` })));
  const notDerived = Object.keys(assignment.notDerived).map((path) => ({ path, by: 'NOT_DERIVED' }));
  const problems: string[] = [];
  for (const { path, by } of [...derived, ...notDerived]) {
    if (!all.has(path)) problems.push(`${path}: declared in ${by}, but the config schema has no such field`);
  }
  for (const leaf of leaves) {
    const inDerived = derived.filter((d) => covers(d.path, leaf));
    const inNotDerived = notDerived.filter((d) => covers(d.path, leaf));
    if (!inDerived.length && !inNotDerived.length) problems.push(`${leaf}: assigned to no artifact; add it to DERIVED or NOT_DERIVED (with the reason) in src/config/derived.ts`);
    if (inDerived.length && inNotDerived.length) problems.push(`${leaf}: declared by ${inDerived.map((d) => d.by).join(', ')} and NOT_DERIVED at once`);
  }
  return problems;
}

const ASSIGNED: Assignment = { derived: DERIVED, notDerived: NOT_DERIVED };

describe('config fields and derived artifacts', () => {
  it('assigns every field of the config schema, and declares no field the schema lacks', () => {
    const problems = assignmentProblems(configSchema, ASSIGNED);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('reads the schema down to fields in arrays and in term unions', () => {
    const { leaves } = schemaPaths(configSchema);
    expect([...leaves]).toEqual(expect.arrayContaining(['schedule', 'sources[].url', 'sources[].watch.terms[].aliases', 'feeds[].watch.terms[].allOf[].term', 'publish.baseUrl', 'normalize.iframeHosts']));
  });

  it('reports a new field no one assigned, at the top, inside a group and in each array element', () => {
    const extended = configSchema.extend({
      telemetry: z.strictObject({ endpoint: z.string().default('http://127.0.0.1:4318') }).prefault({}),
      fetch: configSchema.shape.fetch.unwrap().extend({ proxy: z.string().optional() }).prefault({}),
      sources: z.array(sourceSchema.extend({ region: z.string().optional() })),
    });
    expect(assignmentProblems(extended, ASSIGNED).sort()).toEqual([
      'sources[].region: assigned to no artifact; add it to DERIVED or NOT_DERIVED (with the reason) in src/config/derived.ts',
      'telemetry.endpoint: assigned to no artifact; add it to DERIVED or NOT_DERIVED (with the reason) in src/config/derived.ts',
    ]);
    // fetch is declared not derived as a whole: a new fetch field is covered by it.
  });

  it('reports a declared path the schema lacks, and a field declared both ways', () => {
    const problems = assignmentProblems(configSchema, { derived: { ...DERIVED, published: [...DERIVED.published, 'feeds[].colour'] }, notDerived: { ...NOT_DERIVED, 'curate.retentionDays': 'a mistake' } });
    expect(problems).toEqual([
      'feeds[].colour: declared in DERIVED.published, but the config schema has no such field',
      'curate.retentionDays: declared by DERIVED.curation and NOT_DERIVED at once',
    ]);
  });

  it('fails loudly on a kind of schema it cannot read', () => {
    expect(() => schemaPaths(z.strictObject({ tags: z.record(z.string(), z.string()) }))).toThrow('tags: a record schema');
  });
});

describe('fingerprint', () => {
  const config: Config = configSchema.parse(rawTestConfig('', undefined, {
    sources: [
      { name: 'wire', url: 'http://127.0.0.1/wire.rss', timezone: 'Europe/Paris' },
      { name: 'desk', url: 'http://127.0.0.1/desk.rss' },
    ],
  }));

  it('changes with a declared path and not with an undeclared one', () => {
    const base = fingerprint(config, 'normalized');
    expect(fingerprint({ ...config, normalize: { ...config.normalize, generateFaqs: !config.normalize.generateFaqs } }, 'normalized')).not.toBe(base);
    expect(fingerprint({ ...config, feeds: [] }, 'normalized')).toBe(base);
  });

  it("of one source reads that source's fields only", () => {
    const wire = fingerprint(config, 'normalized', 'wire');
    const otherChanged = { ...config, sources: config.sources.map((s) => (s.name === 'desk' ? { ...s, timezone: 'Asia/Tokyo' } : s)) };
    expect(fingerprint(otherChanged, 'normalized', 'wire')).toBe(wire);
    expect(fingerprint(otherChanged, 'normalized', 'desk')).not.toBe(fingerprint(config, 'normalized', 'desk'));
    expect(fingerprint(config, 'normalized', 'desk')).not.toBe(wire);
    expect(() => fingerprint(config, 'normalized', 'nowhere')).toThrow('no source named "nowhere"');
  });
});
