/**
 * What the reference pipelines share: fetch every source from the corpus
 * server with p-queue at the same concurrency as infrawire, hand each body to
 * a per-pipeline parse step, count sources and items.
 *
 * Rules: plain `fetch` with no validators (a naive pipeline has no memory
 * between cycles; the floor's unchanged cycle is the one exception, below); a failed source is counted and its reason kept, never
 * thrown; the parse step returns the number of items it saw.
 */
import http from 'node:http';
import PQueue from 'p-queue';
import { loadedProcess, timed } from '../child.js';
import { MAX_REPORTED_ERRORS, type PhaseResult, type PipelineSetup } from './types.js';

export type ParseStep = (body: Buffer) => Promise<number> | number;

/** `fetchAndParseAll` fills it with each source's ETag, for a later conditional request. */
export type Validators = Map<string, string>;

/**
 * Runs `work` for every source through p-queue at the setup's concurrency and
 * times the whole: a source counts when its work resolves (with its item
 * count), and a failure is kept as its reason, never thrown.
 */
async function eachSource(setup: PipelineSetup, work: (src: PipelineSetup['sources'][number]) => Promise<number>): Promise<PhaseResult> {
  const queue = new PQueue({ concurrency: setup.concurrency });
  const errors: string[] = [];
  let sourcesOk = 0;
  let items = 0;
  const t = await timed(() =>
    Promise.all(
      setup.sources.map((src) =>
        queue.add(async () => {
          try {
            const found = await work(src); // read `items` only after the await: `items += await …` would add to a stale value
            items += found;
            sourcesOk++;
          } catch (err) {
            if (errors.length < MAX_REPORTED_ERRORS) errors.push(`${src.name}: ${(err as Error).message}`);
          }
        }),
      ),
    ),
  );
  return { wallMs: t.wallMs, cpuMs: t.cpuMs, peakRssSoFarMB: t.peakRssSoFarMB, mainBusyMs: t.mainBusyMs, sources: setup.sources.length, sourcesOk, items, errors };
}

export function fetchAndParseAll(setup: PipelineSetup, parse: ParseStep, validators?: Validators): Promise<PhaseResult> {
  return eachSource(setup, async (src) => {
    const res = await fetch(setup.serverUrl + src.path);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const etag = res.headers.get('etag');
    if (validators && etag) validators.set(src.path, etag);
    return parse(Buffer.from(await res.arrayBuffer()));
  });
}

/**
 * The request floor of an unchanged cycle: one conditional GET per source
 * (its ETag from the changed cycle) over node:http keep-alive, the client
 * infrawire uses, at the same concurrency, and nothing else: no store, no
 * state, no parse. A source counts when it answers 304.
 */
export async function conditionalRequestsOnly(setup: PipelineSetup, validators: Validators): Promise<PhaseResult> {
  const agent = new http.Agent({ keepAlive: true });
  const request = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const etag = validators.get(path);
      const req = http.get(setup.serverUrl + path, { agent, headers: etag ? { 'if-none-match': etag } : {} }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
  try {
    return await eachSource(setup, async (src) => {
      const status = await request(src.path);
      if (status !== 304) throw new Error(`HTTP ${status}, not 304`);
      return 0;
    });
  } finally {
    agent.destroy();
  }
}

/**
 * The child's command table for a reference pipeline: setup, then any number
 * of cycles. `unchanged` refetches and parses everything (a naive pipeline
 * keeps nothing between cycles), unless `requestFloor`: then it is
 * `conditionalRequestsOnly` with the ETags the changed cycle saw.
 */
export function referenceCommands(parse: ParseStep, opts: { requestFloor?: boolean } = {}) {
  let setup: PipelineSetup | undefined;
  const validators: Validators = new Map();
  const ready = () => {
    if (!setup) throw new Error('reference pipeline: "setup" must come first');
    return setup;
  };
  return {
    setup: (arg: unknown) => {
      setup = arg as PipelineSetup;
      return loadedProcess();
    },
    changed: () => fetchAndParseAll(ready(), parse, validators),
    unchanged: () => (opts.requestFloor ? conditionalRequestsOnly(ready(), validators) : fetchAndParseAll(ready(), parse)),
  };
}
