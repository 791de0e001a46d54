/**
 * What one cycle did, as the run summary, the daemon log, metrics and the
 * status page read it: a report per source polled, per feed published, and the
 * whole-store curation pass when one ran.
 */
import type { FeedFormat } from './article.js';

export interface SourceReport {
  name: string;
  url: string;
  ok: boolean;
  status?: number;
  error?: string;
  format?: FeedFormat;
  movedTo?: string;
  /** 304, or a body byte-identical to the last one: nothing was parsed. */
  notModified?: boolean;
  /** 410 Gone: the source is no longer polled. */
  gone?: boolean;
  /** Not polled after all (shutdown): neither reached nor failed. */
  notPolled?: boolean;
  nextCheckAt?: string;
  /** What the operator should do or know (moved, gone, failing for long). */
  notice?: string;
  itemsSeen: number;
  itemsNew: number;
  itemsKept: number;
  /** Response body bytes fetched (after decompression). */
  bytes?: number;
  /** Stored articles whose content changed this cycle. */
  itemsChanged?: number;
  /** Items stored by an earlier poll from the same input (see `knownInputs`): not normalized or written again. */
  itemsKnown?: number;
  /** The item count of a feed longer than fetch.maxItems (only the first `itemsSeen` were read). */
  truncated?: number;
  /** Items that could not be normalized (the feed's other items were stored), and the first one's error. */
  itemsFailed?: number;
  itemError?: string;
  /** Items with nothing to show (no title, no body text), not stored: how many, each reason's count, and the first one (position and link or guid). */
  itemsSkipped?: { count: number; reasons: Record<string, number>; first: string };
  /** Article pages fetched this cycle (full text), and those that failed with why (the first few, by item link). */
  pagesFetched?: number;
  pagesFailed?: number;
  pageErrors?: { url: string; error: string }[];
  /** The body was broken XML read leniently: what was wrong, then what the reading changed (parse/lenient.ts). */
  repaired?: string[];
}

export interface FeedReport {
  name: string;
  entries: number;
  changed: string[];
  /** Why this feed's files could not be written (disk full, read-only directory); its previous files stay served. */
  error?: string;
}

export interface FeedChange {
  feed: string;
  added: string[];
  removed: string[];
}

export interface CurationReport {
  pruned: number;
  /** Reports that joined another report's cluster in this pass. */
  merged: number;
  /** Articles whose feed decisions were made in this pass (the others' stored decisions were still valid). */
  decided: number;
  /**
   * When the clock alone will change the outcome (ms): a maxAgeDays limit
   * passes or a cluster reaches retention. Until then, a pass over the same
   * articles and rules changes nothing. Absent when nothing is ahead.
   */
  nextChangeAt?: number;
  feeds: FeedChange[];
}

export interface CycleSummary {
  startedAt: string;
  finishedAt: string;
  sources: SourceReport[];
  feeds: FeedReport[];
  itemsSeen: number;
  itemsNew: number;
  itemsKept: number;
  /** The whole-store curation pass, when the cycle ran one. */
  curation?: CurationReport;
}
