/**
 * The fetch limiter with jobs that end when the test says so: the global and
 * per-host limits hold, waiting jobs start in the order they came, and a
 * failing job frees its slots.
 */
import { describe, expect, it } from 'vitest';
import { createFetchLimiter } from '../../src/fetch/index.js';

/** A job that records when it starts and ends when `finish` is called. */
function controlled(log: string[], name: string) {
  let finish!: (fail?: boolean) => void;
  const done = new Promise<string>((resolve, reject) => (finish = (fail) => (fail ? reject(new Error(`${name} failed`)) : resolve(name))));
  return {
    job: () => {
      log.push(name);
      return done;
    },
    finish: (fail?: boolean) => finish(fail),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createFetchLimiter', () => {
  it('runs at most `concurrency` jobs overall and `perHostConcurrency` per host, in arrival order', async () => {
    const limiter = createFetchLimiter({ concurrency: 3, perHostConcurrency: 2 });
    const started: string[] = [];
    const jobs = ['a1', 'a2', 'a3', 'b1', 'b2', 'c1'].map((name) => ({ name, ...controlled(started, name) }));
    // settled as they end, so the failing one is never an unhandled rejection
    const outcomes = Promise.allSettled(jobs.map(({ name, job }) => limiter.run(`https://${name[0]}.example/feed`, job)));
    await settle();
    // a3 waits for host a; b1 takes the third global slot; b2 and c1 wait for a global slot
    expect(started).toEqual(['a1', 'a2', 'b1']);
    jobs[0]!.finish(); // a1 done: a3 gets the host slot and then waits behind b2, c1 for a global one
    await settle();
    expect(started).toEqual(['a1', 'a2', 'b1', 'b2']);
    jobs[1]!.finish(true); // a failing job frees its slots too
    await settle();
    expect(started).toEqual(['a1', 'a2', 'b1', 'b2', 'c1']);
    for (const j of jobs.slice(2)) j.finish();
    await settle();
    expect(started).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', 'a3']);
    expect((await outcomes).map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual(['a1', 'a2 failed', 'a3', 'b1', 'b2', 'c1']);
  });

  it('keeps a long queue in order', async () => {
    const limiter = createFetchLimiter({ concurrency: 4, perHostConcurrency: 4 });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 5000 }, (_, i) => limiter.run('https://one.example/', async () => void order.push(i))));
    expect(order).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });
});
