/**
 * The item's language, which normalize reads numbers by ("0,68 %" in German):
 * RSS <language> and dc:language, Atom xml:lang on the feed, the entry and the
 * body, JSON Feed `language`; the innermost statement wins, and a value that is
 * no language tag is no language.
 */
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parse/index.js';

const parse = (text: string, type = 'application/xml') => parseFeed(Buffer.from(text, 'utf8'), type);
const languages = async (text: string, type?: string) => (await parse(text, type)).items.map((i) => i.language);

describe('item language', () => {
  it('RSS: the channel <language>, an item dc:language over it', async () => {
    const feed = await parse(`<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Rechenzentren heute</title><language>de-DE</language>
<item><title>Netzanschluss für 1.200 MW</title></item>
<item><title>Une note en français</title><dc:language>fr</dc:language></item></channel></rss>`);
    expect(feed.language).toBe('de-DE');
    expect(feed.items.map((i) => i.language)).toEqual(['de-DE', 'fr']);
  });

  it('RSS 1.0: the channel dc:language', async () => {
    expect(await languages(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://example.de/"><title>Netz</title><link>https://example.de/</link><dc:language>de</dc:language></channel>
<item rdf:about="https://example.de/a"><title>A</title><link>https://example.de/a</link></item></rdf:RDF>`)).toEqual(['de']);
  });

  it('Atom: xml:lang of the feed, overridden by the entry and by its content', async () => {
    expect(await languages(`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr-FR"><title>Datacenters</title><id>f</id>
<entry><id>a</id><title>Un campus de 300 MW</title></entry>
<entry xml:lang="en"><id>b</id><title>English entry</title></entry>
<entry><id>c</id><title>Mixed</title><content type="html" xml:lang="de">&lt;p&gt;0,68 %&lt;/p&gt;</content></entry></feed>`)).toEqual(['fr-FR', 'en', 'de']);
  });

  it('JSON Feed: the feed language, an item language over it; a value that is no tag is dropped', async () => {
    const json = JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Flux', language: 'fr', items: [{ id: '1', title: 'a' }, { id: '2', title: 'b', language: 'en-GB' }, { id: '3', title: 'c', language: 'French!' }] });
    expect(await languages(json, 'application/feed+json')).toEqual(['fr', 'en-GB', 'fr']);
  });

  it('no statement, no language', async () => {
    expect(await languages(`<rss version="2.0"><channel><title>t</title><language>English</language><item><title>x</title></item></channel></rss>`)).toEqual([undefined]);
  });
});
