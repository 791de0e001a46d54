/**
 * Microsoft's Channel Definition Format (CDF, 1997: `<CHANNEL HREF LASTMOD><TITLE>
 * <ABSTRACT><ITEM HREF LASTMOD>`), read as the RSS channel it is, the way
 * feedparser reads it.
 *
 * Rules:
 * - The document is wrapped in an `<rss version="2.0">` element so rss-parser reads
 *   the channel and its items; element names are matched case-insensitively
 *   (names.ts) and attribute names lowercased, since CDF writes them in capitals.
 * - HREF is the link, LASTMOD the last change, ABSTRACT the description.
 */
import { rootElement } from './sniff.js';

/** The CDF document inside an RSS 2.0 root (after its prolog); unchanged when it has no root. */
export function cdfAsRss(xml: string): string {
  const root = rootElement(xml);
  if (!root) return xml;
  return `${xml.slice(0, root.index)}<rss version="2.0">${xml.slice(root.index)}</rss>`;
}

/** A CDF element's link and last change, from its (lowercased) attributes. */
export function cdfAttributes(attrs: unknown): { href?: string; lastmod?: string } {
  const node = (Array.isArray(attrs) ? attrs[0] : attrs) as Record<string, unknown> | undefined;
  const value = (name: string): string | undefined => {
    const v = node && typeof node === 'object' ? node[name] : undefined;
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  return { href: value('href'), lastmod: value('lastmod') };
}
