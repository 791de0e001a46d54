import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two projects that split tests/ between them, so `npm test` runs every test
 * file exactly once and `npm test -- --project fast` leaves out the slow ones.
 * A new test file is fast unless it is named here. Slow: child processes,
 * real timers, worker threads, corpora, property runs; the times are a file's
 * duration in a full run on 2 cores.
 */
const SLOW = [
  'tests/hostile/crash.test.ts', // 20 SIGKILLs of a daemon at random moments (~55 s)
  'tests/hostile/properties.test.ts', // fast-check property runs through normalize, curate and publish (~40 s)
  'tests/hostile/sources.test.ts', // a 100,000-item feed and other hostile sources through a cycle (~18 s)
  'tests/pool/pool.test.ts', // worker threads that time out or run out of memory (~30 s)
  'tests/bench/bench.test.ts', // the benchmark harness over its corpus (~26 s)
  'tests/runtime/nodeVersions.test.ts', // the same checks on every supported Node version (~12 s)
  'tests/cli/cli.test.ts', // `infrawire` child processes: run, demo, daemon (~26 s)
  'tests/cli/runOutput.test.ts', // one child process per output mode and exit code (~21 s)
  'tests/cli/curateCommands.test.ts', // dry run, explain, and keywords add against a running daemon (~11 s)
  'tests/cli/build.test.ts', // compiles the build, then runs it (~9 s)
  'tests/schedule/daemonSchedule.test.ts', // waits on real cron ticks (~16 s)
  'tests/schedule/reload.test.ts', // waits for a daemon to notice a changed config file (~8 s)
  'tests/schedule/shutdown.test.ts', // waits on signals and daemon.shutdownTimeoutMs (~7 s)
  'tests/store/lock.test.ts', // daemons racing for one store lock, SIGKILL (~7 s)
  'tests/serve/browser.test.ts', // chromium at phone width (~7 s)
  'tests/curate/dedupe.test.ts', // many cycles over copies first seen together (~14 s)
  'tests/pipeline/cycle.test.ts', // the whole cycle, Atom checked by the external validator (~11 s)
  'tests/fetch/poll.test.ts', // a misbehaving publisher: hangs, backoff, per-host limits (~11 s)
  'tests/fetch/conformance.test.ts', // about 2,000 documents of the feedparser corpus (~5 s)
  'tests/helpers/atomCheck.test.ts', // the W3C validator's Atom test cases, and the external validator (~7 s)
  'tests/hostile/disk.test.ts', // child processes publishing onto a full and a read-only disk (~5 s)
  'tests/curate/dryRun.test.ts', // `infrawire run --dry-run` and `explain` child processes (~7 s)
  'tests/pool/cli.test.ts', // an `infrawire run` child process with parse workers (~4 s)
  'tests/cli/status.test.ts', // an `infrawire status` child process (~4 s)
  'tests/schedule/offline.test.ts', // daemon child processes with no source to reach (~3 s)
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The CLI and daemon tests spawn child processes; two workers suit a 2-core machine.
    maxWorkers: 2,
    projects: [
      // isolate: false: the fast files share each worker's module graph, so src/ is imported once per
      // worker instead of once per file (most of the fast project's time). Every test file restores
      // what it changes (spies, timers, TZ); the slow files keep their own module graphs.
      { extends: true, test: { name: 'fast', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, ...SLOW], isolate: false } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
