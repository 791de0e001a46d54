/** A curated feed's entry: what publishing renders and the store lists. */
import type { Article, Figure, RelatedReport } from './article.js';

/** An entry ready to render: a cluster lead's article as published (with `related` and a moved `updated` when others joined it). */
export interface FeedEntry {
  article: Article;
  /** The feed's matched terms for it: its categories there. */
  keywords: string[];
  addedAt: string;
}

/** Another outlet's report of a lead's story as the store reads it: who, when, and its own summary, body and figures (to say what it adds). */
export interface CoverageReport extends Omit<RelatedReport, 'adds'> {
  summary: string;
  figures: Figure[];
  /** Its plain-text body; absent when read without it (the summary stands for it). */
  paragraphs?: string[];
  /** The language its numbers are written in, when its feed says. */
  language?: string;
}

/** The other outlets' reports of a lead's story, and when the last one after the lead was first seen. */
export interface ClusterCoverage {
  related: CoverageReport[];
  lastAdded?: string;
}

/** A feed entry as stored (keywords JSON unparsed), with its cluster's coverage; `revision` changes whenever the article's data does. */
export interface FeedEntryRecord {
  id: string;
  revision: number;
  keywords: string;
  addedAt: string;
  coverage?: ClusterCoverage;
}
