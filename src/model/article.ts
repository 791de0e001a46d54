/**
 * The article/FAQ model: the one shape every stage after `normalize` speaks.
 *
 * Rules:
 * - Everything here is plain data (JSON-serializable), so the store can keep it
 *   as JSON and the JSON Feed output can carry it unchanged.
 * - Text fields are plain text (entities decoded, whitespace normalized); no
 *   stage after `normalize` ever sees source HTML. The one HTML field,
 *   `bodyHtml`, has been through the allowlist sanitizer in `normalize`.
 * - Dates are ISO 8601 strings in UTC (`Date#toISOString`).
 */

/** Where an article came from: the configured source and the feed it published. */
export interface SourceRef {
  /** The configured source name (config.json `sources[].name`). */
  name: string;
  /** The URL infrawire fetched. */
  url: string;
  /** The feed's own title, when it has one. */
  feedTitle?: string;
  /** The feed's own home page link, when it has one. */
  feedLink?: string;
  /**
   * The feed's own `updated` (ISO UTC; its last-build or published date for
   * RSS), else when it was fetched; fixed when the article is first stored.
   * Absent on articles stored before it existed.
   */
  feedUpdated?: string;
}

/** One question/answer pair. `generated` marks pairs built by infrawire from the article's own sentences. */
export interface Faq {
  question: string;
  answer: string;
  generated?: boolean;
  /** Read from the article's own web page (the publisher's FAQ), not from the feed. */
  fromPage?: boolean;
}

/** What a percentage measures, read from the words around it; `percent` when they do not say. */
export type PercentMeasure = 'growth' | 'decline' | 'stake' | 'share' | 'margin' | 'utilisation' | 'percent';

/** A key figure stated in the article, normalized so rules can compare it. */
export interface Figure {
  kind: 'money' | 'power' | 'compute' | 'percent';
  /** In base units: US dollars (or the stated currency's units) for money, watts for power, a count for compute, percent for percent. A range's lower bound. */
  value: number;
  /** A range's upper bound ("$60–65 billion": value 60e9, max 65e9); absent for a single value. */
  max?: number;
  /** `USD`, `EUR`, `GBP`… for money; `W` for power; the device (e.g. `H100`) or `GPU` for compute; `%` for percent. */
  unit: string;
  /** A rate's denominator as written: "GPU-hour" for "$3.10 per GPU-hour", "kWh" for "$0.08/kWh", "rack" for "130 kW per rack". */
  per?: string;
  /** Percentages only: what the percentage measures. */
  measure?: PercentMeasure;
  /** The figure as the article wrote it, e.g. "$60-$65 billion", "1,200 megawatts". */
  text: string;
  /** The figure as published, units normalized: "$60–65 billion", "1.2 GW", "100,000 H100 GPUs", "$3.10 per GPU-hour". */
  display: string;
}

/** Another outlet's report of the same story, merged into this entry by curation. */
export interface RelatedReport {
  url: string;
  title: string;
  /** The configured source name of that report. */
  source: string;
  /** The outlet as its feed names itself (its feed title), when the feed gives one. */
  outlet?: string;
  published: string;
  /** What this report says that the lead does not: a key figure, else a sentence of its summary. */
  adds?: string;
}

/** One fact of a story's reports, attributed: one outlet's own sentence (or title), and the figure it states when that is the fact. */
export interface AttributedFact {
  /** The report's own sentence, as written (its title when the figure is stated only there). */
  text: string;
  /** When the fact is a figure: the figure as this report states it. */
  figure?: Figure;
  /** The outlet as its feed names itself (its feed title), else the configured source name. */
  outlet: string;
  /** The configured source name of the report. */
  source: string;
  /** The report's link. */
  url: string;
}

/**
 * A question about a whole story that infrawire answers across its reports
 * ("What do other reports add?", "Do the reports agree?"): the answer is the
 * attributed facts, made only of the reports' own sentences and figures.
 */
export interface StoryFaq {
  question: string;
  facts: AttributedFact[];
  generated: true;
}

/** A file the article carries (a podcast episode, a video, a document), as the source declared it. */
export interface Enclosure {
  /** Absolute http(s) URL. */
  url: string;
  /** MIME type, declared or named by the URL's extension; absent when neither says. */
  type?: string;
  /** Size in bytes, when the source stated it. */
  length?: number;
  durationSeconds?: number;
  title?: string;
}

/**
 * The entry's image. `from` says where it was found: the feed's own media
 * elements (media:thumbnail, media:content, itunes:image, JSON Feed image), the
 * body's first meaningful image, or the article page (og:image, filled by a
 * page fetch only when neither of the others gave one: normalize/media.ts).
 */
export interface EntryImage {
  url: string;
  width?: number;
  height?: number;
  from: 'feed' | 'body' | 'page';
}

export interface Article {
  /** Stable `tag:` URI; the same story keeps it across runs, restarts and guid changes. */
  id: string;
  /** Canonical link to the original article (resolved, tracking parameters removed). */
  url: string;
  /** The guid/id the source gave the item, kept as a hint. */
  guid?: string;
  title: string;
  source: SourceRef;
  /** Author names; empty when the source names none (publishers fall back to the source name). */
  authors: string[];
  /** When the source says it was published; first-seen time when it says nothing. */
  published: string;
  /** When the source says it was last updated; equals `published` when it says nothing. */
  updated: string;
  /** Plain-text lede, at most about 300 characters, cut at a word boundary. */
  summary: string;
  /** Plain-text body paragraphs, without the FAQ section. */
  paragraphs: string[];
  /** The body as sanitized HTML (allowlisted markup, URLs absolute, FAQ removed), when the source sent HTML. */
  bodyHtml?: string;
  faqs: Faq[];
  /** Categories the source attached to the item (plain text). */
  categories: string[];
  /** The language the source says the item is in (BCP 47 tag), when it says; numbers are read by it. */
  language?: string;
  /** At most the 8 most salient key figures (money, power, compute, percentages), most salient first; filled by `normalize`. */
  figures: Figure[];
  /** Other outlets' reports of the same story: stored empty; publish fills them from the story cluster (`feedEntryOf`). */
  related: RelatedReport[];
  /** Questions answered across the story's reports (curate/storyFaq.ts): set at publish for a story's lead with other reports, absent otherwise (never stored). */
  storyFaqs?: StoryFaq[];
  /** Watch keywords that matched, as written in config: written at ingest from its decision (the curation pass does not rewrite them). */
  keywords: string[];
  /** Files the source attached (audio, video, images, documents), each URL once; absent when none (and on articles stored before media were kept). */
  enclosures?: Enclosure[];
  /** The entry's image; absent when there is none (and on articles stored before media were kept). */
  image?: EntryImage;
}

export type FeedFormat = 'rss2' | 'rss1' | 'atom' | 'json' | 'cdf';
