/**
 * WebSub publisher side (W3C WebSub 1.0, "publish" ping as used by common
 * hubs): after a publish that changed a feed, tell the hub the feed's self URL
 * so it fetches it and pushes it to subscribers.
 *
 * Rules:
 * - Never blocks the cycle: notify() starts the work and returns; failures
 *   are logged and counted, never thrown.
 * - Retried on failure (network error or non-2xx) a bounded number of times
 *   with doubling delays; every request has a deadline.
 * - close() cancels pending retries, so the daemon can stop promptly.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { USER_AGENT } from '../fetch/index.js';
import type { Logger } from '../model/index.js';
import { basename } from 'node:path';

export interface WebSubOptions {
  hub: string;
  /** Attempts per topic, the first included. */
  attempts?: number;
  /** Delay before the first retry; doubles for each further one. */
  retryDelayMs?: number;
  timeoutMs?: number;
  log?: Logger;
  onResult?: (result: 'ok' | 'retry' | 'failed') => void;
}

/** The public self URLs of the feed files a publish changed (file paths → `${baseUrl}/feeds/NAME.ext`). */
export function changedFeedUrls(baseUrl: string, changedPaths: readonly string[]): string[] {
  return changedPaths.map((p) => `${baseUrl}/feeds/${basename(p)}`);
}

async function postPublish(hub: string, topic: string, signal: AbortSignal): Promise<void> {
  const res = await fetch(hub, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': USER_AGENT },
    body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString(),
    signal,
  });
  await res.body?.cancel().catch(() => {});
  if (res.status < 200 || res.status > 299) throw new Error(`hub answered HTTP ${res.status}`);
}

export class WebSubPublisher {
  private readonly pending = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(private readonly opts: WebSubOptions) {}

  /** Notify the hub about each topic URL, in the background. */
  notify(topics: readonly string[]): void {
    for (const topic of topics) {
      const job = this.deliver(topic).finally(() => this.pending.delete(job));
      this.pending.add(job);
    }
  }

  private async deliver(topic: string): Promise<void> {
    const { hub, log, onResult } = this.opts;
    const attempts = this.opts.attempts ?? 4;
    let delay = this.opts.retryDelayMs ?? 5_000;
    for (let attempt = 1; attempt <= attempts && !this.stopping.signal.aborted; attempt++) {
      try {
        await postPublish(hub, topic, AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.opts.timeoutMs ?? 10_000)]));
        onResult?.('ok');
        return;
      } catch (err) {
        const reason = (err as Error).message || String(err);
        if (attempt === attempts || this.stopping.signal.aborted) {
          onResult?.('failed');
          log?.warn(`WebSub: hub ${hub} not notified about ${topic} after ${attempt} attempt(s): ${reason}`);
          return;
        }
        onResult?.('retry');
        log?.info(`WebSub: hub ${hub} notification for ${topic} failed (${reason}); retrying in ${delay} ms`);
        await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => {});
        delay *= 2;
      }
    }
    log?.warn(`WebSub: stopping; hub ${hub} was not notified about ${topic}`);
  }

  /** Resolves when every notification started so far has succeeded or given up. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Cancel pending retries and wait for in-flight requests to end. */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }
}
