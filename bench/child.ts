/**
 * Running a pipeline in its own process, phase by phase.
 *
 * Rules:
 * - Every measured pipeline runs in a forked child, so its peak RSS and CPU
 *   time are its own (not the harness's, not the corpus server's).
 * - The harness drives the phases one at a time over IPC (so it can read and
 *   reset the server's counters between them); a child never decides what is
 *   measured next.
 * - Wall and CPU time are taken inside the child around exactly the phase's
 *   work; `finish` reports the process's peak RSS (maxRSS) and ends it.
 * - A child that dies or errors rejects the pending call with its message;
 *   a call that takes longer than CALL_TIMEOUT_MS kills the child.
 * - Children run the same build as the harness: compiled (`npm run bench`
 *   runs dist/bench/run.js, so infrawire is measured as bin/infrawire.js runs
 *   it, without tsx), or TypeScript through tsx (vitest, `tsx bench/run.ts`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

const COMPILED = import.meta.url.endsWith('.js');

/** A bench module of this build, by its name without extension (`pipelines/infrawire`). */
export function benchModule(name: string): string {
  return join(import.meta.dirname, `${name}${COMPILED ? '.js' : '.ts'}`);
}

/** The Node flags a child needs to load `benchModule` files. */
export const LOADER_ARGS: readonly string[] = COMPILED ? [] : ['--import', 'tsx'];

export interface Timed<T> {
  wallMs: number;
  cpuMs: number;
  /** The process's peak RSS so far, read when the work ended: shows which phase set the peak. */
  peakRssSoFarMB: number;
  /** How long the main thread was busy (not waiting on I/O) during the work: its event loop's active time. */
  mainBusyMs: number;
  value: T;
}

export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** A pipeline's process once loaded: its resident memory, and its main heap's limit (what its Node options made of it). */
export interface LoadedProcess {
  startRssMB: number;
  heapLimitMB: number;
}

export function loadedProcess(): LoadedProcess {
  return { startRssMB: process.memoryUsage().rss / 2 ** 20, heapLimitMB: getHeapStatistics().heap_size_limit / 2 ** 20 };
}

export async function timed<T>(work: () => Promise<T> | T): Promise<Timed<T>> {
  const cpu0 = process.cpuUsage();
  const loop0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const value = await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const loop = performance.eventLoopUtilization(loop0);
  // The loop's idle time is booked when libuv wakes from its poll, so an idle
  // stretch that just ended can read as active (seen on Node 22: 35.6 ms busy in
  // 31.1 ms): busy time is bounded by the wall time it is measured in.
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssSoFarMB: peakRssMB(), mainBusyMs: Math.min(loop.active, wallMs), value };
}

export interface ChildExit {
  peakRssMB: number;
}

type Request = { id: number; cmd: string; arg?: unknown };
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** In the child: answer the harness's commands with these handlers until `finish`. */
export function serveCommands(handlers: Record<string, (arg: unknown) => Promise<unknown> | unknown>, onFinish?: () => void | Promise<void>): void {
  if (!process.send) throw new Error('a bench pipeline must be started by the harness (child_process.fork with IPC)');
  process.on('message', async (req: Request) => {
    const reply = (r: Reply) => process.send!(r);
    if (req.cmd === 'finish') {
      await onFinish?.();
      const exit: ChildExit = { peakRssMB: peakRssMB() };
      return process.send!({ id: req.id, ok: true, value: exit } satisfies Reply, () => process.exit(0));
    }
    const handler = handlers[req.cmd];
    if (!handler) return reply({ id: req.id, ok: false, error: `unknown command "${req.cmd}"` });
    try {
      reply({ id: req.id, ok: true, value: await handler(req.arg) });
    } catch (err) {
      reply({ id: req.id, ok: false, error: (err as Error)?.stack ?? String(err) });
    }
  });
  // The harness gone means nobody reads our results.
  process.on('disconnect', () => process.exit(1));
}

/** No phase at 10,000 sources comes near this on a loaded 2-core machine; past it, the child is stuck. */
export const CALL_TIMEOUT_MS = 60 * 60_000;

export interface PipelineChild {
  call<T>(cmd: string, arg?: unknown): Promise<T>;
  finish(): Promise<ChildExit>;
  kill(): void;
}

/** In the harness: fork a pipeline module (`benchModule`). */
export function startChild(modulePath: string, extraExecArgv: string[] = []): PipelineChild {
  const child: ChildProcess = fork(modulePath, [], { execArgv: [...LOADER_ARGS, ...extraExecArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (r: Reply) => {
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (r.ok) p.resolve(r.value);
    else p.reject(new Error(`${modulePath}: ${r.error}`));
  });
  child.on('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`${modulePath} exited (code ${code}, signal ${signal}) before answering`));
    pending.clear();
  });
  const call = <T>(cmd: string, arg?: unknown) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        child.kill('SIGKILL');
        reject(new Error(`${modulePath}: "${cmd}" took longer than ${CALL_TIMEOUT_MS / 60_000} minutes; killed`));
      }, CALL_TIMEOUT_MS);
      const settle = <A extends unknown[]>(fn: (...a: A) => void) => (...a: A) => {
        clearTimeout(timer);
        fn(...a);
      };
      pending.set(id, { resolve: settle(resolve as (v: unknown) => void), reject: settle(reject) });
      child.send({ id, cmd, arg } satisfies Request);
    });
  return {
    call,
    finish: async () => {
      const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
      const value = await call<ChildExit>('finish');
      await exited; // --cpu-prof writes its profile on exit
      return value;
    },
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
