/**
 * Politeness: how many fetches run at once, overall and per host.
 *
 * Rules: a job first takes a slot of its host, then one of the global slots,
 * so a slow host never holds more than `perHost` global slots and never sees
 * more than `perHost` requests at once from us. Waiting jobs start in the
 * order they came (FIFO per host, then FIFO for the global slots). A slot is
 * a counter and a queue of waiters (p-queue cost ~20 µs a job, a tenth of a
 * 304's whole poll; see bench/).
 */

export interface FetchLimiter {
  run<T>(url: string, job: () => Promise<T>): Promise<T>;
}

/** `limit` slots with a FIFO of waiters; a freed slot goes straight to the first waiter. */
class Slots {
  private active = 0;
  private waiters: (() => void)[] = [];
  private head = 0;

  constructor(private readonly limit: number) {}

  /** Resolves when a slot is taken (at once, without a promise, when one is free). */
  take(): Promise<void> | undefined {
    if (this.active < this.limit) {
      this.active++;
      return undefined;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  give(): void {
    if (this.head < this.waiters.length) {
      const next = this.waiters[this.head]!;
      this.waiters[this.head++] = undefined as never;
      // Drop the consumed prefix now and then, so the queue stays O(1) a job.
      if (this.head > 1024 && this.head * 2 > this.waiters.length) {
        this.waiters = this.waiters.slice(this.head);
        this.head = 0;
      }
      next(); // the slot passes to it: `active` stays
      return;
    }
    this.active--;
  }

  get idle(): boolean {
    return this.active === 0;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}

export function createFetchLimiter(opts: { concurrency: number; perHostConcurrency: number }): FetchLimiter {
  const global = new Slots(opts.concurrency);
  const hosts = new Map<string, Slots>();
  return {
    async run<T>(url: string, job: () => Promise<T>): Promise<T> {
      const host = hostOf(url);
      let slots = hosts.get(host);
      if (!slots) hosts.set(host, (slots = new Slots(opts.perHostConcurrency)));
      await slots.take();
      try {
        await global.take();
        try {
          return await job();
        } finally {
          global.give();
        }
      } finally {
        slots.give();
        if (slots.idle) hosts.delete(host);
      }
    },
  };
}
