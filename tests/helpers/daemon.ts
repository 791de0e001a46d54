/**
 * Test harness for the daemon as operators run it: a real `infrawire daemon`
 * child process whose JSON log lines are collected, and a loopback source
 * server whose answers can be slowed, held or switched while a test runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from './cli.js';
import { FIXTURES, ROOT, startServer } from './env.js';


export type LogRecord = Record<string, unknown> & { level: string; msg: string; event?: string };

export interface DaemonProcess {
  child: ChildProcess;
  records: LogRecord[];
  /** stdout lines that were not JSON, plus stderr. */
  other: string[];
  /** Resolves with the first record matching, or rejects after `timeoutMs`. */
  waitFor(match: (r: LogRecord) => boolean, timeoutMs?: number, what?: string): Promise<LogRecord>;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

export function spawnDaemon(configFile: string, env: Record<string, string> = {}): DaemonProcess {
  const child = spawn(process.execPath, [BIN, 'daemon', '--config', configFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const records: LogRecord[] = [];
  const other: string[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      try {
        records.push(JSON.parse(line) as LogRecord);
      } catch {
        other.push(line);
      }
    }
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (d: Buffer) => {
    other.push(d.toString());
    for (const w of waiters) w();
  });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const waitFor = (match: (r: LogRecord) => boolean, timeoutMs = 20_000, what = 'a log record') =>
    new Promise<LogRecord>((resolve, reject) => {
      const check = () => {
        const found = records.find(match);
        if (!found) return false;
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(check), 1);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(check), 1);
        reject(new Error(`no ${what} within ${timeoutMs} ms; log:\n${records.map((r) => JSON.stringify(r)).join('\n')}\n${other.join('\n')}`));
      }, timeoutMs);
      if (!check()) waiters.push(check);
    });
  return { child, records, other, waitFor, exited, kill: (signal = 'SIGTERM') => void child.kill(signal) };
}

/** Ends a child that a failed test left running. */
export function killHard(d: DaemonProcess | undefined): void {
  if (d && d.child.exitCode === null && d.child.signalCode === null) d.child.kill('SIGKILL');
}

export interface SourceServer {
  url: string;
  /** Requests seen, by path. */
  hits: Map<string, number>;
  /** The most requests open at once (all paths). */
  maxOpen(): number;
  /** Resolves when a request for `path` has arrived. */
  requested(path: string): Promise<void>;
  /** How a path answers: a fixture file after `delayMs`, an HTTP status, a 301 to another path, or never (held open). */
  set(path: string, answer: Answer): void;
  stop(): Promise<void>;
}

export type Answer = { fixture: string; delayMs?: number } | { status: number } | { hold: true } | { movedTo: string };

export async function startSourceServer(answers: Record<string, Answer>): Promise<SourceServer> {
  const table = new Map(Object.entries(answers));
  const hits = new Map<string, number>();
  const arrivals: { path: string; resolve: () => void }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let open = 0;
  let maxOpen = 0;
  const { url, stop } = await startServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    maxOpen = Math.max(maxOpen, ++open);
    res.on('close', () => open--);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    for (const a of arrivals.filter((x) => x.path === path)) a.resolve();
    const answer = table.get(path);
    if (!answer) return void res.writeHead(404).end('not found');
    if ('hold' in answer) return; // never answers; closed when the server stops
    if ('movedTo' in answer) return void res.writeHead(301, { location: answer.movedTo }).end();
    if ('status' in answer) return void res.writeHead(answer.status).end(`status ${answer.status}`);
    const body = readFileSync(join(FIXTURES, answer.fixture));
    const send = () => res.writeHead(200, { 'content-type': 'application/xml' }).end(body);
    if (!answer.delayMs) return send();
    const t = setTimeout(() => (timers.delete(t), send()), answer.delayMs);
    timers.add(t);
  });
  return {
    url,
    hits,
    maxOpen: () => maxOpen,
    requested: (path) => (hits.get(path) ? Promise.resolve() : new Promise((resolve) => arrivals.push({ path, resolve }))),
    set: (path, answer) => void table.set(path, answer),
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      await stop();
    },
  };
}
