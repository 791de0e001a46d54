/**
 * "Also reported by" as a reader sees it: each other outlet by its feed's own
 * name, with the time and what its report adds, capped at 20 with "and N more";
 * Atom `rel="related"` links capped the same way. Through a real store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { feedSchema } from '../../src/config/index.js';
import { MAX_RELATED_SHOWN, renderFeeds } from '../../src/publish/index.js';
import { makeArticle } from '../helpers/articles.js';
import { feedEntries, tempStore, type TempStore } from '../helpers/store.js';
import { elementsNamed, strictXml } from './xmlTree.js';

let temp: TempStore | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

describe('Also reported by', () => {
  it('lists 20 outlets by feed title with time and what each adds, then "and N more"; Atom links the same 20', async () => {
    temp = tempStore();
    const { store } = temp;
    const lead = makeArticle(1, { title: 'Helios Data signs nuclear deal', summary: 'Helios Data signed a nuclear power deal for its Ohio campus.' });
    await store.articles.save(lead, lead.published);
    await store.feeds.keep('gpu', lead.id, ['GPU cluster'], lead.published);
    const total = 25;
    for (let n = 2; n <= total + 1; n++) {
      const report = makeArticle(n, {
        title: `Report ${n} on the Helios deal`,
        url: `https://outlet${n}.example/helios`,
        source: { name: `outlet-${n}`, url: `https://outlet${n}.example/feed`, feedTitle: `Outlet ${n} Daily` },
        published: `2026-11-27T12:${String(n).padStart(2, '0')}:00.000Z`,
        summary: 'Helios Data signed a nuclear power deal for its Ohio campus.',
        figures: n === 2 ? [{ kind: 'money', value: 2.1e9, unit: 'USD', text: '$2.1 billion', display: '$2.1 billion' }] : [],
      });
      await store.articles.save(report, '2026-11-28T00:00:00.000Z');
      await store.clusters.join(report.id, lead.id, '2026-11-28T00:00:00.000Z');
    }
    const entries = await feedEntries(store, 'gpu', 5);
    const { atom, json } = renderFeeds(feedSchema.parse({ name: 'gpu', title: 'GPU' }), { baseUrl: 'https://wire.example', author: 'infrawire' }, entries);
    const html = (JSON.parse(json) as { items: { content_html: string }[] }).items[0]!.content_html;
    const listed = html.slice(html.indexOf('Also reported by')).match(/<li>.*?<\/li>/g)!;
    expect(MAX_RELATED_SHOWN).toBe(20);
    expect(listed).toHaveLength(21);
    expect(listed.at(-1)).toBe('<li>and 5 more</li>');
    expect(listed[0]).toBe('<li><a href="https://outlet2.example/helios">Report 2 on the Helios deal</a> (Outlet 2 Daily, 2026-11-27 12:02 UTC): adds “$2.1 billion”</li>');
    // The others retell the lead: nothing added, said by nothing.
    expect(listed.slice(1, 20).every((li) => !li.includes('adds'))).toBe(true);
    expect(html).not.toContain('outlet-2');
    const entry = elementsNamed(strictXml(atom), 'entry')[0]!;
    const related = entry.children.filter((c) => typeof c !== 'string' && c.name === 'link' && c.attributes.some(([k, v]) => k === 'rel' && v === 'related'));
    expect(related).toHaveLength(20);
  });
});
