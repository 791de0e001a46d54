/**
 * An article's page fetch as the store keeps it (issue 20): one per article,
 * for the item revision it was fetched for; what `explain` and `status` show.
 */
import type { Faq } from './article.js';

/** What the extraction gave, kept so a 304 reuses it and `explain` can say what was taken. */
export interface PageExtract {
  canonicalUrl?: string;
  paragraphs: string[];
  bodyHtml?: string;
  bodyFrom: 'readability' | 'json-ld' | 'none';
  faqs: Faq[];
  authors: string[];
  published?: string;
  modified?: string;
  image?: string;
}

export interface PageRecord {
  articleId: string;
  source: string;
  url: string;
  finalUrl?: string;
  itemHash?: string;
  outcome: 'ok' | 'failed';
  kind?: string;
  error?: string;
  status?: number;
  fetchedAt: string;
  failures: number;
  nextTryAt?: string;
  etag?: string;
  lastModified?: string;
  extracted?: PageExtract;
}
