import { describe, expect, it } from 'vitest';
import { encodeTogether, renderEntry } from '../../src/publish/renderFeeds.js';
import { entry, hostileArticle, makeArticle } from '../helpers/articles.js';

describe('encodeTogether', () => {
  it('encodes each text as UTF-8 into one buffer of the exact size, one view per text', () => {
    const texts = ['<entry>', '', 'Ünïcode — 数据中心 🚀', 'x'.repeat(10_000), '\n'];
    const views = encodeTogether(texts);
    expect(views.map((v) => v.toString('utf8'))).toEqual(texts);
    expect(views.map((v) => v.byteLength)).toEqual(texts.map((t) => Buffer.byteLength(t)));
    const buffer = views[0]!.buffer;
    for (const v of views) expect(v.buffer).toBe(buffer);
    expect(buffer.byteLength).toBe(texts.reduce((n, t) => n + Buffer.byteLength(t), 0));
    expect(encodeTogether([])).toEqual([]);
  });
});

describe('renderEntry pieces', () => {
  it('are views of one allocation per entry (outside the shared Buffer pool)', () => {
    for (const article of [makeArticle(1), hostileArticle()]) {
      const fresh = renderEntry(entry(article));
      const own = fresh.atom[0]!.buffer;
      // no piece sits in Buffer's 8 KiB pool: the allocation holds this entry's pieces only
      const ownPieces = [...fresh.atom, fresh.rss[0]!, fresh.rss[2]!, fresh.json[0]!];
      expect(own.byteLength).toBe(ownPieces.reduce((n, p) => n + p.byteLength, 0));
      for (const p of [...fresh.atom, ...fresh.rss, ...fresh.json]) expect(p.buffer).toBe(own);
      expect(fresh.rss[1]).toBe(fresh.atom[1]); // the CDATA content, shared
      expect(JSON.parse(fresh.json[0]!.toString('utf8')).id).toBe(article.id);
    }
  });
});
