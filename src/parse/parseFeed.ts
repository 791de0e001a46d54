/**
 * The parse stage's entry point: bytes + Content-Type in, ParsedFeed out.
 *
 * Rules: decode first (see decode.ts), strip characters XML forbids (NUL and
 * other controls: a parser would reject the whole feed for one), then sniff, then hand the text to the
 * parser for its format; XML gets the repairs of repair.ts and HTML entities declared first. HTML pages and unknown documents are refused with a
 * message an operator can act on.
 */
import type { ParsedFeed } from '../model/index.js';
import { xmlSafe } from '../model/text.js';
import { declaredEntities, declareHtmlEntities, decodeBody, expandInternalEntities } from './decode.js';
import { ParseError } from './errors.js';
import { closeTruncatedEndTag, escapeBareAmpersands } from './repair.js';
import { parseJsonFeed } from './jsonFeed.js';
import { sniffFormat } from './sniff.js';
import { parseXmlFeed } from './xmlFeed.js';

/** `documentUrl` (where the body was fetched from) is the base relative xml:base values resolve against. */
export async function parseFeed(body: Uint8Array, contentType?: string, documentUrl?: string): Promise<ParsedFeed> {
  if (body.byteLength === 0) throw new ParseError('not a feed: the response body is empty');
  const text = xmlSafe(decodeBody(body, contentType).text);
  const { kind, root } = sniffFormat(text);
  switch (kind) {
    case 'json':
      return parseJsonFeed(text);
    case 'rss2':
    case 'rss1':
    case 'atom':
    case 'cdf': {
      const repaired = closeTruncatedEndTag(text);
      // Expanding entities leaves the prolog (where declarations live) as it is, so both steps share one reading of it.
      const declared = declaredEntities(repaired);
      return parseXmlFeed(escapeBareAmpersands(declareHtmlEntities(expandInternalEntities(repaired, declared), declared)), kind, documentUrl);
    }
    case 'html':
      throw new ParseError('not a feed: the response is an HTML page (is the URL a web page instead of its feed?)');
    case 'unknown-xml':
      throw new ParseError(root ? `not a feed: XML document with root element <${root}>` : 'not a feed: no root element in the first 64 KiB of the document');
    default:
      throw new ParseError(`not a feed: the response is neither XML nor JSON${contentType ? ` (Content-Type ${contentType})` : ''}`);
  }
}
