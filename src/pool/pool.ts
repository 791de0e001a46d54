/**
 * The parse pool: worker threads that run `parseAndNormalize` (decode → parse
 * → normalize of one fetched body) and `extractPageJob` (an article page's
 * full text), so the main thread only fetches, stores, curates and publishes.
 *
 * Rules:
 * - Size 0 runs the job inline on the calling thread (same function, same
 *   result); size n keeps up to n workers, started on demand.
 * - Only plain data crosses the thread boundary (`ParseJob` in,
 *   `ParseJobResult` or an error message out, by structured clone).
 * - One hostile body fails only its own source: a worker that crashes (out of
 *   memory: `maxMemoryMb` caps its heap) or runs past `taskTimeoutMs` is
 *   stopped, its task rejected with an error naming the source, and a fresh
 *   worker takes the next task. The timeout runs from the task's dispatch to a
 *   started worker, so a slow worker start-up never counts against a body.
 * - An idle worker never keeps the process alive (unref'd between tasks);
 *   `close` stops them all. The daemon and `run` close the pools on exit.
 * - `releaseIdle` stops the workers holding no body (the next body starts a
 *   fresh one): a cycle calls it once its polls are done, so its curation pass,
 *   publishing and the wait for the next cycle do not carry an idle worker
 *   (~25–30 MB resident each); the price is a worker start (~0.3 s of CPU,
 *   then its JIT warm-up) in the next cycle that parses.
 * - Workers run the same build as the main thread: the compiled worker.js
 *   under dist/ (bin/infrawire.js with a current build, the bench), else the
 *   TypeScript sources through tsx (`worker.mjs`; vitest, an edited tree).
 * - `busyMs` adds up how long the pool's threads held a body (a worker from
 *   dispatch to answer, inline the call), so a caller can tell whether the
 *   parse threads or the main thread set a cycle's pace (the bench reports it).
 */
import { availableParallelism } from 'node:os';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { PageExtract } from '../model/index.js';
import { extractPageJob, type PageJob } from './pageJob.js';
import { parseAndNormalize, type ParseJob, type ParseJobResult } from './parseJob.js';

export interface PoolSettings {
  /** Worker threads; 0 parses inline on the main thread; default: the available cores less one, at least 1 (`poolSize`). */
  size?: number;
  /** Longest a worker may take over one body before it is stopped and the source fails. */
  taskTimeoutMs: number;
  /** Heap cap of each worker (MB): a body that needs more fails its source, not the process. */
  maxMemoryMb: number;
}

export interface ParsePool {
  /** Worker threads (0: inline). */
  readonly size: number;
  run(job: ParseJob): Promise<ParseJobResult>;
  /** An article page's extraction, under the same timeout and heap cap as a body. */
  extract(job: PageJob): Promise<PageExtract>;
  /** Milliseconds its threads have spent on bodies so far (ended tasks, failed ones included). */
  busyMs(): number;
  /** Worker threads alive now, starting or started (0 inline). */
  workers(): number;
  /** Stops the workers that hold no body now (started or starting); a queued or later body starts a new one. */
  releaseIdle(): void;
  close(): Promise<void>;
}

/** Messages to and from a worker (worker.ts): a feed body to parse, or an article page to extract. */
export type TaskRequest = { id: number; kind: 'feed'; job: ParseJob } | { id: number; kind: 'page'; job: PageJob };
export type TaskReply = { ready: true } | { id: number; result: ParseJobResult | PageExtract } | { id: number; error: string };

type TaskJob = { kind: 'feed'; job: ParseJob } | { kind: 'page'; job: PageJob };

/** How errors name a task's input: the source of a body, the URL of a page. */
function taskName(task: TaskJob): string {
  return task.kind === 'feed' ? `source "${task.job.source}"` : `page ${task.job.url}`;
}

/**
 * A worker's young generation (MB). V8's default (~48 MB here) is sized for a
 * main thread; a worker parsing one body at a time keeps little alive, and with
 * 8 MB it peaks ~20 MB lower for the same CPU (measured at 100 bench sources).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

// Compiled (dist/), the worker is plain JavaScript; as TypeScript, worker.mjs registers tsx first.
const WORKER_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './worker.mjs' : './worker.js', import.meta.url);

/**
 * V8 applies `--max-old-space-size` (the launcher's heap ceiling, see
 * src/cli/launcher.ts) to every isolate it creates afterwards, over a worker's
 * `resourceLimits`: under the launcher `pool.maxMemoryMb` capped nothing and a
 * hostile body could grow a worker to 1 GB. The main heap took its ceiling at
 * start-up, so unsetting the flag (0: none) before a worker starts gives each
 * worker its own cap and leaves the main thread's as it is.
 */
function releaseHeapFlag(): void {
  v8.setFlagsFromString('--max-old-space-size=0');
}

/**
 * The default leaves one core to the main thread (fetch, store, curate,
 * publish), which is as busy as a worker: on 2 cores a second worker only
 * competes with it, for ~60 MB more. Never below 1, so a hostile body that
 * hangs or exhausts memory is stopped in a worker, not on the main thread.
 */
export function poolSize(settings: Pick<PoolSettings, 'size'>): number {
  return settings.size ?? Math.max(1, availableParallelism() - 1);
}

export function createParsePool(settings: PoolSettings): ParsePool {
  const size = poolSize(settings);
  return size === 0 ? inlinePool() : new WorkerPool(size, settings);
}

function inlinePool(): ParsePool {
  // Inline jobs interleave on the one thread (parsing awaits): busy is the time at least one is running.
  let busy = 0;
  let running = 0;
  let since = 0;
  const timed = async <T>(work: () => Promise<T> | T): Promise<T> => {
    if (running++ === 0) since = performance.now();
    try {
      return await work();
    } finally {
      if (--running === 0) busy += performance.now() - since;
    }
  };
  return {
    size: 0,
    run: (job) => timed(() => parseAndNormalize(job)),
    extract: (job) => timed(() => extractPageJob(job)),
    busyMs: () => busy,
    workers: () => 0,
    releaseIdle: () => {},
    close: async () => {},
  };
}

type Task = TaskJob & {
  id: number;
  resolve: (result: ParseJobResult | PageExtract) => void;
  reject: (err: Error) => void;
};

interface Slot {
  worker: Worker;
  ready: boolean;
  task?: Task;
  timer?: NodeJS.Timeout;
  /** When the current task was dispatched (performance.now()). */
  since?: number;
}

class WorkerPool implements ParsePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private busy = 0;

  constructor(
    readonly size: number,
    private readonly settings: PoolSettings,
  ) {}

  run(job: ParseJob): Promise<ParseJobResult> {
    return this.submit({ kind: 'feed', job }) as Promise<ParseJobResult>;
  }

  extract(job: PageJob): Promise<PageExtract> {
    return this.submit({ kind: 'page', job }) as Promise<PageExtract>;
  }

  private submit(task: TaskJob): Promise<ParseJobResult | PageExtract> {
    if (this.closed) return Promise.reject(new Error(`parse pool closed: ${taskName(task)} was not parsed`));
    return new Promise((resolve, reject) => {
      this.queue.push({ ...task, id: this.nextId++, resolve, reject } as Task);
      this.pump();
    });
  }

  busyMs(): number {
    return this.busy;
  }

  workers(): number {
    return this.slots.length;
  }

  releaseIdle(): void {
    // A worker still starting holds no body either (one may start for a body that another worker took first).
    for (const slot of this.slots.filter((s) => !s.task)) {
      this.remove(slot);
      void slot.worker.terminate();
    }
    // Bodies still queued (their worker was starting) get a fresh one.
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error(`parse pool closed: ${taskName(task)} was not parsed`));
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      clearTimeout(slot.timer);
      slot.task?.reject(new Error(`parse pool closed while parsing ${taskName(slot.task)}`));
    }
    // An idle worker is unref'd: ref it again, or nothing keeps the process alive until its exit is
    // reported and a top-level `await close()` never settles (Node exits with code 13).
    await Promise.all(
      slots.map((slot) => {
        slot.worker.ref();
        return slot.worker.terminate();
      }),
    );
  }

  /** Hands queued tasks to idle workers, starting workers (up to `size`) for the rest. */
  private pump(): void {
    while (this.queue.length && !this.closed) {
      const idle = this.slots.find((slot) => slot.ready && !slot.task);
      if (idle) {
        this.dispatch(idle, this.queue.shift()!);
        continue;
      }
      const starting = this.slots.filter((slot) => !slot.ready).length;
      if (this.slots.length >= this.size || starting >= this.queue.length) return;
      this.start();
    }
  }

  private start(): void {
    releaseHeapFlag();
    const worker = new Worker(WORKER_ENTRY, { name: 'infrawire-parse', resourceLimits: { maxOldGenerationSizeMb: this.settings.maxMemoryMb, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    const slot: Slot = { worker, ready: false };
    this.slots.push(slot);
    worker.on('message', (reply: TaskReply) => this.answered(slot, reply));
    worker.on('error', (err) => this.ended(slot, err));
    worker.on('exit', (code) => this.ended(slot, new Error(`the worker exited with code ${code}`)));
  }

  private dispatch(slot: Slot, task: Task): void {
    slot.task = task;
    slot.since = performance.now();
    slot.worker.ref();
    slot.timer = setTimeout(() => this.timedOut(slot), this.settings.taskTimeoutMs);
    // A copy of exactly the body's bytes (a Buffer may view a larger shared pool), moved, not cloned again.
    const body = new Uint8Array(task.job.body);
    const request = (task.kind === 'feed' ? { id: task.id, kind: 'feed', job: { ...task.job, body } } : { id: task.id, kind: 'page', job: { ...task.job, body } }) satisfies TaskRequest;
    slot.worker.postMessage(request, [body.buffer]);
  }

  private answered(slot: Slot, reply: TaskReply): void {
    if ('ready' in reply) {
      slot.ready = true;
      slot.worker.unref();
      this.pump();
      return;
    }
    const task = slot.task;
    if (!task || task.id !== reply.id) return;
    this.free(slot);
    if ('error' in reply) task.reject(new Error(reply.error));
    else task.resolve(reply.result);
    this.pump();
  }

  /** Ends the slot's task's busy time (answered, timed out or crashed). */
  private settle(slot: Slot): void {
    if (slot.since !== undefined) this.busy += performance.now() - slot.since;
    slot.since = undefined;
  }

  private free(slot: Slot): void {
    this.settle(slot);
    clearTimeout(slot.timer);
    slot.task = undefined;
    slot.timer = undefined;
    slot.worker.unref();
  }

  /** Removes a slot from the pool; false when it was already gone (a crash reports both `error` and `exit`). */
  private remove(slot: Slot): boolean {
    const at = this.slots.indexOf(slot);
    if (at < 0) return false;
    this.slots.splice(at, 1);
    this.settle(slot);
    clearTimeout(slot.timer);
    return true;
  }

  private timedOut(slot: Slot): void {
    const task = slot.task;
    if (!task || !this.remove(slot)) return;
    void slot.worker.terminate();
    task.reject(new Error(`parsing ${taskName(task)} took longer than pool.taskTimeoutMs (${this.settings.taskTimeoutMs} ms): its worker was stopped and replaced`));
    this.pump();
  }

  private ended(slot: Slot, err: Error): void {
    if (!this.remove(slot) || this.closed) return;
    const task = slot.task;
    if (task) {
      task.reject(new Error(`the parse worker crashed on ${taskName(task)} (${crashReason(err, this.settings)}): it was replaced`));
    } else if (!slot.ready) {
      // A worker that cannot even start would fail every task the same way: say so once per queued task instead of retrying forever.
      for (const queued of this.queue.splice(0)) queued.reject(new Error(`the parse worker could not start (${err.message}): ${taskName(queued)} was not parsed`));
    }
    this.pump();
  }
}

function crashReason(err: Error, settings: PoolSettings): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ERR_WORKER_OUT_OF_MEMORY' ? `out of memory: pool.maxMemoryMb is ${settings.maxMemoryMb}` : err.message;
}

const shared = new Map<string, ParsePool>();

/** The process's pool for these settings, started on first use and kept for the next cycles (`closeSharedParsePools` ends them). */
export function sharedParsePool(settings: PoolSettings): ParsePool {
  const key = JSON.stringify([poolSize(settings), settings.taskTimeoutMs, settings.maxMemoryMb]);
  let pool = shared.get(key);
  if (!pool) shared.set(key, (pool = createParsePool(settings)));
  return pool;
}

export async function closeSharedParsePools(): Promise<void> {
  const pools = [...shared.values()];
  shared.clear();
  await Promise.all(pools.map((pool) => pool.close()));
}
