/**
 * Prometheus metrics (prom-client) for /metrics: cycles, fetches by outcome,
 * bytes fetched, items seen/new/kept, cycle duration, failing sources and
 * WebSub notifications.
 *
 * Rules:
 * - One registry per daemon (not prom-client's global one), so tests and
 *   several daemons in one process never share counters.
 * - Recorded from the cycle summary after the cycle: the pipeline itself
 *   knows nothing about metrics.
 * - Label values come from small fixed sets, never from source data (bounded
 *   cardinality); per-source detail lives on the status page.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CycleSummary, SourceReport } from '../model/index.js';

export type FetchOutcome = 'ok' | 'http_error' | 'network_error' | 'parse_error';

/** The fixed outcome class of one source's fetch in a cycle. */
export function fetchOutcome(report: SourceReport): FetchOutcome {
  if (report.ok) return 'ok';
  if (report.status === undefined) return 'network_error';
  if (report.status >= 400) return 'http_error';
  return 'parse_error';
}

export class Metrics {
  readonly registry = new Registry();
  private readonly cycles = new Counter({ name: 'infrawire_cycles_total', help: 'Poll cycles run, by result', labelNames: ['result'], registers: [this.registry] });
  private readonly fetches = new Counter({ name: 'infrawire_fetches_total', help: 'Source fetches, by outcome', labelNames: ['outcome'], registers: [this.registry] });
  private readonly bytes = new Counter({ name: 'infrawire_fetched_bytes_total', help: 'Response body bytes fetched from sources', registers: [this.registry] });
  private readonly items = new Counter({ name: 'infrawire_items_total', help: 'Items seen, new and kept by curation', labelNames: ['kind'], registers: [this.registry] });
  private readonly duration = new Histogram({
    name: 'infrawire_cycle_duration_seconds',
    help: 'Duration of a poll cycle',
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  private readonly failing = new Gauge({ name: 'infrawire_failing_sources', help: 'Sources failing or gone, by their stored state', registers: [this.registry] });
  private readonly published = new Counter({ name: 'infrawire_feed_files_written_total', help: 'Feed files rewritten because their content changed', registers: [this.registry] });
  private readonly websub = new Counter({ name: 'infrawire_websub_notifications_total', help: 'WebSub hub notifications, by result', labelNames: ['result'], registers: [this.registry] });

  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'infrawire_' });
    for (const result of ['ok', 'failed']) this.cycles.inc({ result }, 0);
    for (const outcome of ['ok', 'http_error', 'network_error', 'parse_error']) this.fetches.inc({ outcome }, 0);
    for (const kind of ['seen', 'new', 'kept']) this.items.inc({ kind }, 0);
    for (const result of ['ok', 'retry', 'failed']) this.websub.inc({ result }, 0);
  }

  recordCycle(summary: CycleSummary, seconds: number): void {
    this.cycles.inc({ result: 'ok' });
    this.duration.observe(seconds);
    for (const s of summary.sources) {
      this.fetches.inc({ outcome: fetchOutcome(s) });
      this.bytes.inc(s.bytes ?? 0);
    }
    this.items.inc({ kind: 'seen' }, summary.itemsSeen);
    this.items.inc({ kind: 'new' }, summary.itemsNew);
    this.items.inc({ kind: 'kept' }, summary.itemsKept);
    this.published.inc(summary.feeds.reduce((n, f) => n + f.changed.length, 0));
  }

  /** Failing or gone sources, from the store's state (a tick may poll only some sources). */
  setFailingSources(count: number): void {
    this.failing.set(count);
  }

  recordCycleFailure(seconds: number): void {
    this.cycles.inc({ result: 'failed' });
    this.duration.observe(seconds);
  }

  recordWebSub(result: 'ok' | 'retry' | 'failed'): void {
    this.websub.inc({ result });
  }

  contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
