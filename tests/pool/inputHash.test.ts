/**
 * The known-items hash (`itemInputHash`): equal exactly when the input an
 * Article is made from is equal, so an item is skipped only when normalizing it
 * again could not give anything new (tests/pipeline/knownItems.test.ts checks
 * the cycle side).
 */
import { describe, expect, it } from 'vitest';
import { fingerprint, parseConfig, type Config } from '../../src/config/index.js';
import type { ParsedItem, SourceRef } from '../../src/model/index.js';
import { inputContext, itemInputHash } from '../../src/pool/index.js';
import { rawTestConfig } from '../helpers/env.js';

const source: SourceRef = { name: 'wire', url: 'http://127.0.0.1/wire.rss', feedTitle: 'Wire', feedLink: 'http://wire.example/' };
const config = parseConfig(rawTestConfig('http://127.0.0.1/', [['wire', 'wire.rss']]), '/tmp/config.json');
/** What the poll gives a job: the source's fingerprint of the normalize settings (config/derived.ts). */
const normalizedWith = (c: Config) => fingerprint(c, 'normalized', 'wire');
const context = inputContext(source, normalizedWith(config));

const item: ParsedItem = {
  guid: 'g-1',
  link: 'http://wire.example/a',
  baseUrl: 'http://wire.example/',
  title: 'Grid operator signs 300 MW deal',
  contentHtml: '<p>The operator agreed to supply 300 MW.</p>',
  summaryHtml: 'A 300 MW deal.',
  published: 'Tue, 24 Nov 2026 10:00:00 GMT',
  updated: 'Wed, 25 Nov 2026 10:00:00 GMT',
  authors: ['Ana Ruiz'],
  categories: ['Power'],
};

describe('itemInputHash', () => {
  it('is the same for the same input (a copy hashes alike), as 43 base64url characters', () => {
    expect(itemInputHash({ ...item, authors: [...item.authors] }, context, 'g-1')).toBe(itemInputHash(item, context, 'g-1'));
    expect(itemInputHash(item, context, 'g-1')).toMatch(/^[\w-]{43}$/);
    // An absent field and an undefined one are the same input.
    const { baseUrl: _dropped, ...withoutBase } = item;
    expect(itemInputHash({ ...item, baseUrl: undefined }, context, 'g-1')).toBe(itemInputHash(withoutBase, context, 'g-1'));
  });

  it('changes when any field, the id guid or the context changes', () => {
    const base = itemInputHash(item, context, 'g-1');
    const seen = new Set([base]);
    for (const key of Object.keys(item) as (keyof ParsedItem)[]) {
      const value = item[key];
      const changed = Array.isArray(value) ? [...value, 'x'] : `${value}x`;
      const hash = itemInputHash({ ...item, [key]: changed }, context, 'g-1');
      expect(seen.has(hash), key).toBe(false);
      seen.add(hash);
      const { [key]: _gone, ...without } = item;
      expect(itemInputHash(without as ParsedItem, context, 'g-1'), `${key} removed`).not.toBe(base);
    }
    expect(itemInputHash(item, context, 'g-2')).not.toBe(base);
    expect(itemInputHash(item, context, undefined)).not.toBe(base);
    expect(itemInputHash(item, inputContext({ ...source, name: 'other' }, normalizedWith(config)), 'g-1')).not.toBe(base);
    const inParis = { ...config, sources: config.sources.map((s) => ({ ...s, timezone: 'Europe/Paris' })) };
    expect(itemInputHash(item, inputContext(source, normalizedWith(inParis)), 'g-1')).not.toBe(base);
    const noFaqs = { ...config, normalize: { ...config.normalize, generateFaqs: false } };
    expect(itemInputHash(item, inputContext(source, normalizedWith(noFaqs)), 'g-1')).not.toBe(base);
  });

  it('cannot be fooled by moving text from one field to the next, or between a string and a list', () => {
    const a = itemInputHash({ ...item, title: 'Grid deal', contentHtml: 'body' }, context, 'g-1');
    const b = itemInputHash({ ...item, title: 'Grid', contentHtml: ' deal' + 'body' }, context, 'g-1');
    expect(a).not.toBe(b);
    // A field's text holding what looks like the next field's header.
    const c = itemInputHash({ title: 'T', summaryHtml: 'S', authors: [], categories: [] }, context, 'g-1');
    const d = itemInputHash({ title: 'T\nsummaryHtml:string:S', authors: [], categories: [] }, context, 'g-1');
    expect(c).not.toBe(d);
    expect(itemInputHash({ ...item, authors: ['a', 'b'] }, context, 'g-1')).not.toBe(itemInputHash({ ...item, authors: ['a,b'] }, context, 'g-1'));
  });
});
