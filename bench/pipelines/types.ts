/**
 * What the harness tells a pipeline and what a pipeline's phase answers:
 * shared by the Node pipelines and mirrored by the Python one (JSON).
 *
 * Rule: a phase reports counts it saw itself (sources answered, items parsed)
 * plus its own wall and CPU time; bytes on the wire come from the server.
 */
export interface PipelineSetup {
  /** Base URL of the corpus server, e.g. http://127.0.0.1:40123 */
  serverUrl: string;
  sources: { name: string; path: string }[];
  /** A temp folder the pipeline may write into (store, published feeds). */
  workDir: string;
  /** Fetches at once: the same for every pipeline. */
  concurrency: number;
  keywords: string[];
  /** infrawire's `pool.size` (parse worker threads; 0: on the main thread); unset: its default (`poolSize`). */
  poolSize?: number;
}

export interface PhaseResult {
  wallMs: number;
  cpuMs: number;
  sources: number;
  sourcesOk: number;
  items: number;
  /** infrawire: items stored as new, and items known from an earlier cycle (not normalized again). */
  itemsNew?: number;
  itemsKnown?: number;
  /** Peak RSS of the pipeline's process when the phase ended (Node pipelines). */
  peakRssSoFarMB?: number;
  /** infrawire: peak RSS when the last source was polled (before curating and publishing), and the heap then, so the report shows which part set the peak. */
  polledPeakRssMB?: number;
  polledHeapUsedMB?: number;
  /**
   * Node pipelines: how long the main thread was busy (its event loop's active time);
   * infrawire also how long its parse threads held bodies (`ParsePool.busyMs`), so the
   * report shows which thread set the phase's pace.
   */
  mainBusyMs?: number;
  parseBusyMs?: number;
  /** Up to 5 failure messages, so a broken run is visible in the report. */
  errors: string[];
}

export const MAX_REPORTED_ERRORS = 5;

/** infrawire's publish phase: the 1,000-entry feed written in three formats, several times. */
export interface PublishResult {
  entries: number;
  /** Run 0 renders every entry (render cache emptied first); later runs reuse unchanged entries, as a daemon's next cycle does. */
  runsMs: number[];
  uncachedMs: number;
  /** Median of the cached runs. */
  medianMs: number;
  bytes: number;
  peakRssSoFarMB: number;
}
