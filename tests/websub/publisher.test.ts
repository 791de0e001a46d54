/** The WebSub publisher against a local hub stand-in: publish pings, retries, giving up. */
import { afterEach, describe, expect, it } from 'vitest';
import { changedFeedUrls, WebSubPublisher } from '../../src/websub/index.js';
import { startHub, type HubStandIn } from './hub.js';

let hub: HubStandIn | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

function collectLog() {
  const lines: string[] = [];
  return { lines, log: { info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) } };
}

describe('WebSubPublisher', () => {
  it('POSTs hub.mode=publish with the topic URL as a form, retrying a failed request', async () => {
    hub = await startHub({ failFirst: 1 });
    const results: string[] = [];
    const publisher = new WebSubPublisher({ hub: hub.url, retryDelayMs: 20, onResult: (r) => results.push(r) });
    publisher.notify(['https://wire.example/feeds/ai.atom']);
    await publisher.idle();
    expect(hub.requests).toEqual([
      { method: 'POST', contentType: 'application/x-www-form-urlencoded', form: { 'hub.mode': 'publish', 'hub.url': 'https://wire.example/feeds/ai.atom' }, status: 500 },
      { method: 'POST', contentType: 'application/x-www-form-urlencoded', form: { 'hub.mode': 'publish', 'hub.url': 'https://wire.example/feeds/ai.atom' }, status: 202 },
    ]);
    expect(results).toEqual(['retry', 'ok']);
  });

  it('gives up after the configured attempts and logs the hub and topic, without throwing', async () => {
    hub = await startHub({ alwaysFail: true });
    const { lines, log } = collectLog();
    const results: string[] = [];
    const publisher = new WebSubPublisher({ hub: hub.url, attempts: 3, retryDelayMs: 10, log, onResult: (r) => results.push(r) });
    publisher.notify(['https://wire.example/feeds/ai.rss']);
    await publisher.idle();
    expect(hub.requests).toHaveLength(3);
    expect(results).toEqual(['retry', 'retry', 'failed']);
    expect(lines.at(-1)).toBe(`warn WebSub: hub ${hub.url} not notified about https://wire.example/feeds/ai.rss after 3 attempt(s): hub answered HTTP 500`);
  });

  it('returns from notify() before the hub answers, and close() cancels pending retries', async () => {
    hub = await startHub({ alwaysFail: true, holdFirst: true });
    const { lines, log } = collectLog();
    const publisher = new WebSubPublisher({ hub: hub.url, attempts: 5, retryDelayMs: 60_000, log });
    publisher.notify(['https://wire.example/feeds/ai.json']);
    for (let i = 0; i < 100 && hub.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(hub.requests).toHaveLength(1);
    hub.release();
    // The retry waits a minute; close() must cut it short.
    await publisher.close();
    expect(hub.requests).toHaveLength(1);
    // Either the in-flight request was cut or the retry wait was: the topic is reported as not notified.
    expect(lines.at(-1)).toMatch(/^warn WebSub: .*not notified about https:\/\/wire\.example\/feeds\/ai\.json/);
  });

  it('turns the changed file paths of a publish into public self URLs', () => {
    expect(changedFeedUrls('https://wire.example', ['/srv/feeds/ai.atom', '/srv/feeds/ai.json'])).toEqual(['https://wire.example/feeds/ai.atom', 'https://wire.example/feeds/ai.json']);
    expect(changedFeedUrls('https://wire.example', [])).toEqual([]);
  });
});
