/**
 * One fetched article page → its extracted article (full text), as one
 * function of data: decode, then `extractPage` (Readability over linkedom,
 * JSON-LD, canonical link, the page's FAQ). The pool runs it on a worker
 * thread like a feed body, so a hostile page (10,000 levels deep, megabytes of
 * markup) costs a worker's time and heap, capped by `pool.taskTimeoutMs` and
 * `pool.maxMemoryMb`, never the main thread's.
 */
import type { PageExtract } from '../model/index.js';
import { extractPage, type NormalizeOptions } from '../normalize/index.js';
import { decodeBody } from '../parse/index.js';

export interface PageJob {
  /** The URL the page was fetched from (after redirects): its base, and how errors name it. */
  url: string;
  body: Uint8Array;
  contentType?: string;
  options: NormalizeOptions;
}

export function extractPageJob(job: PageJob): PageExtract {
  return extractPage(decodeBody(job.body, job.contentType, 'html').text, job.url, job.options);
}
