/**
 * What the reference pipelines share: fetch every source from the corpus
 * server with p-queue at the same concurrency as infrawire, hand each body to
 * a per-pipeline parse step, count sources and items.
 *
 * Rules: plain `fetch` with no validators (a naive pipeline has no memory
 * between cycles); a failed source is counted and its reason kept, never
 * thrown; the parse step returns the number of items it saw.
 */
import PQueue from 'p-queue';
import { timed } from '../child.js';
import { MAX_REPORTED_ERRORS, type PhaseResult, type PipelineSetup } from './types.js';

export type ParseStep = (body: Buffer) => Promise<number> | number;

export async function fetchAndParseAll(setup: PipelineSetup, parse: ParseStep): Promise<PhaseResult> {
  const queue = new PQueue({ concurrency: setup.concurrency });
  const errors: string[] = [];
  let sourcesOk = 0;
  let items = 0;
  const t = await timed(() =>
    Promise.all(
      setup.sources.map((src) =>
        queue.add(async () => {
          try {
            const res = await fetch(setup.serverUrl + src.path);
            if (!res.ok) throw new Error(`HTTP ${res.status}`);
            items += await parse(Buffer.from(await res.arrayBuffer()));
            sourcesOk++;
          } catch (err) {
            if (errors.length < MAX_REPORTED_ERRORS) errors.push(`${src.name}: ${(err as Error).message}`);
          }
        }),
      ),
    ),
  );
  return { wallMs: t.wallMs, cpuMs: t.cpuMs, peakRssSoFarMB: t.peakRssSoFarMB, sources: setup.sources.length, sourcesOk, items, errors };
}

/** The child's command table for a reference pipeline: setup, then any number of cycles. */
export function referenceCommands(parse: ParseStep) {
  let setup: PipelineSetup | undefined;
  const cycle = () => {
    if (!setup) throw new Error('reference pipeline: "setup" must come first');
    return fetchAndParseAll(setup, parse);
  };
  return {
    setup: (arg: unknown) => {
      setup = arg as PipelineSetup;
      return { startRssMB: process.memoryUsage().rss / 2 ** 20 };
    },
    changed: cycle,
    unchanged: cycle,
  };
}
