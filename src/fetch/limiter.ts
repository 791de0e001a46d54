/**
 * Politeness: how many fetches run at once, overall and per host.
 *
 * Rules: a job first takes a slot of its host's queue, then one of the global
 * queue, so a slow host never holds more than `perHost` global slots and never
 * sees more than `perHost` requests at once from us. Waiting jobs start in the
 * order they came (FIFO per host, then FIFO for the global slots). Queues come
 * from p-queue, one of the packages the project is built on; its ~20 µs a job is
 * a few percent of a 304's poll (measured in issue 7; a hand-written queue was
 * tried and not kept).
 */
import PQueue from 'p-queue';

export interface FetchLimiter {
  run<T>(url: string, job: () => Promise<T>): Promise<T>;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}

export function createFetchLimiter(opts: { concurrency: number; perHostConcurrency: number }): FetchLimiter {
  const global = new PQueue({ concurrency: opts.concurrency });
  const hosts = new Map<string, PQueue>();
  const queueFor = (host: string) => {
    let q = hosts.get(host);
    if (!q) hosts.set(host, (q = new PQueue({ concurrency: opts.perHostConcurrency })));
    return q;
  };
  return {
    run: <T>(url: string, job: () => Promise<T>) => queueFor(hostOf(url)).add(() => global.add(job)) as Promise<T>,
  };
}
