/**
 * What the three serializers (atom.ts, jsonFeed.ts, rssFeed.ts) share with
 * renderFeeds.ts, which assembles their output: the feed's description and the
 * frame a document's entries go in. A module of its own so the serializers and
 * the assembler import it, never each other both ways.
 */
import { VERSION } from '../model/version.js';

export const GENERATOR = { name: 'infrawire', uri: 'https://github.com/infrawire/infrawire', version: VERSION };

/** Everything a serializer needs to know about the feed itself. */
export interface FeedDescription {
  id: string;
  title: string;
  subtitle?: string;
  /** The newest entry change (ISO UTC); for an empty feed, when infrawire first published it. */
  updated: string;
  author: string;
  generator: typeof GENERATOR;
  icon: string;
  hub?: string;
  links: { atom: string; rss: string; json: string; statusPage: string };
}

/** A document as the text around its entries: `empty` when there are none, else head + entries (with `separator` between) + tail. */
export interface DocumentFrame {
  head: string;
  separator: string;
  tail: string;
  empty: string;
}

/** At most this many other outlets' reports are listed in an entry ("and N more" after them) and linked as Atom `rel="related"`. */
export const MAX_RELATED_SHOWN = 20;
