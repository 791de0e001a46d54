/**
 * Finding and exchanging source feeds: feed discovery from a web page, OPML
 * import and export.
 *
 * Rules:
 * - A URL is only added when it answers with a feed we can parse: a web page
 *   is searched for `<link rel="alternate">` feed links (RSS, Atom, JSON
 *   Feed, RDF), each tried in page order, and the first that parses wins.
 * - OPML is read with an XML parser; only outlines with an http(s) `xmlUrl`
 *   count. Export escapes every name and URL.
 */
import { Parser } from 'htmlparser2';
import type { FetchOptions } from '../fetch/index.js';
import { fetchSource } from '../fetch/index.js';
import { identityUrl } from '../normalize/index.js';
import { parseFeed } from '../parse/index.js';
import { escapeHtml } from '../lib/markup.js';

const FEED_TYPES = new Set(['application/rss+xml', 'application/atom+xml', 'application/feed+json', 'application/json', 'application/rdf+xml', 'application/xml', 'text/xml']);

/** Feed URLs a page announces with `<link rel="alternate" type="…feed type…" href>`, absolute, in page order. */
export function feedLinksInPage(html: string, pageUrl: string): string[] {
  const links: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name !== 'link' || !attrs.href) return;
        const rels = (attrs.rel ?? '').toLowerCase().split(/\s+/);
        const type = (attrs.type ?? '').toLowerCase().split(';')[0]!.trim();
        if (!rels.includes('alternate') || !FEED_TYPES.has(type)) return;
        // A feed's own address: only the fragment and click ids go (no wrapper unwrapping, no per-site rules).
        const url = identityUrl(attrs.href, pageUrl);
        if (url && !links.includes(url)) links.push(url);
      },
    },
    { decodeEntities: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return links;
}

export interface DiscoveredFeed {
  url: string;
  title?: string;
}

async function tryFeed(url: string, fetchOpts: FetchOptions): Promise<{ feed?: DiscoveredFeed; page?: { html: string; url: string }; error: string }> {
  const fetched = await fetchSource(url, fetchOpts);
  if (!fetched.ok) return { error: `${url}: ${fetched.error}` };
  if (fetched.notModified) return { error: `${url}: unexpected 304 Not Modified (no validators were sent)` };
  try {
    const parsed = await parseFeed(fetched.body, fetched.contentType);
    return { feed: { url: fetched.url, ...(parsed.title ? { title: parsed.title } : {}) }, error: '' };
  } catch (err) {
    return { page: { html: fetched.body.toString('utf8'), url: fetched.url }, error: `${url}: ${(err as Error).message}` };
  }
}

/** The feed at `url`, or the first working feed its page links to; throws naming every URL tried. */
export async function discoverFeed(url: string, fetchOpts: FetchOptions): Promise<DiscoveredFeed> {
  const direct = await tryFeed(url, fetchOpts);
  if (direct.feed) return direct.feed;
  if (!direct.page) throw new Error(`cannot add ${url}: ${direct.error}`);
  const links = feedLinksInPage(direct.page.html, direct.page.url);
  if (!links.length) throw new Error(`cannot add ${url}: it is not a feed and the page has no <link rel="alternate"> feed link`);
  const errors: string[] = [];
  for (const link of links) {
    const tried = await tryFeed(link, fetchOpts);
    if (tried.feed) return tried.feed;
    errors.push(tried.error);
  }
  throw new Error(`cannot add ${url}: none of its feed links works (${errors.join('; ')})`);
}

export interface OpmlSource {
  name: string;
  url: string;
}

export function parseOpml(xml: string): OpmlSource[] {
  const out: OpmlSource[] = [];
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name.toLowerCase() !== 'outline') return;
        const url = attrs.xmlurl?.trim();
        if (!url || !/^https?:\/\//i.test(url)) return;
        const title = (attrs.title ?? attrs.text ?? '').trim();
        out.push({ name: title || new URL(url).hostname, url });
      },
    },
    { xmlMode: true, decodeEntities: true, lowerCaseAttributeNames: true },
  );
  parser.write(xml);
  parser.end();
  return out;
}

export function toOpml(title: string, sources: readonly OpmlSource[]): string {
  const outlines = sources.map((s) => `    <outline type="rss" text="${escapeHtml(s.name)}" title="${escapeHtml(s.name)}" xmlUrl="${escapeHtml(s.url)}"/>`);
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', `  <head><title>${escapeHtml(title)}</title></head>`, '  <body>', ...outlines, '  </body>', '</opml>', ''].join('\n');
}
