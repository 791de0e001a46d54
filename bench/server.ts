/**
 * The corpus server: a separate process (forked by the harness) serving the
 * corpus directory on 127.0.0.1, so its CPU is never charged to the pipeline
 * being measured.
 *
 * Rules:
 * - Loopback only, a free port; the URL is sent to the parent over IPC.
 * - `validators` mode sends ETag and Last-Modified and answers 304 to a
 *   matching If-None-Match / If-Modified-Since (the unchanged-cycle path);
 *   `plain` mode sends neither, so every request costs a full body.
 * - Counts requests, 200s, 304s and body bytes; the parent reads and resets
 *   the counters between phases (`stats` / `reset` messages).
 * - `root` switches the folder served (the corpus's next version has the same
 *   paths), so a source's body, ETag and Last-Modified change at once.
 * - Ends when the parent disconnects, so it cannot outlive a crashed harness.
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { close, CONTENT_TYPES, etagOf, isNotModified, listen, safeFilePath, sendText } from '../src/serve/index.js';

export type ServerMode = 'validators' | 'plain';

export interface ServerStats {
  requests: number;
  ok: number;
  notModified: number;
  otherStatus: number;
  bodyBytes: number;
  conditionalRequests: number;
}

export type ServerMessage = { type: 'ready'; url: string } | { type: 'stats'; stats: ServerStats };
export type ServerCommand = { type: 'stats' } | { type: 'reset' } | { type: 'root'; dir: string };

function emptyStats(): ServerStats {
  return { requests: 0, ok: 0, notModified: 0, otherStatus: 0, bodyBytes: 0, conditionalRequests: 0 };
}

interface CachedValidators {
  etag: string;
  mtime: Date;
}

/** The folder served, with each file's validators, computed once per file (the files do not change while served; a new root starts afresh). */
interface ServedRoot {
  dir: string;
  validators: Map<string, CachedValidators>;
}

function corpusHandler(root: ServedRoot, mode: ServerMode, stats: ServerStats) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const { validators } = root;
    stats.requests++;
    if (req.headers['if-none-match'] || req.headers['if-modified-since']) stats.conditionalRequests++;
    const file = safeFilePath(root.dir, (req.url ?? '/').split('?')[0]!);
    const headers: Record<string, string | number> = { 'content-type': CONTENT_TYPES[extname(file ?? '')] ?? 'application/octet-stream' };
    let body: Buffer | undefined;
    let notModified = false;
    try {
      if (!file) throw new Error('outside the corpus');
      if (mode === 'validators') {
        let v = validators.get(file);
        if (!v) {
          body = readFileSync(file);
          validators.set(file, (v = { etag: etagOf(body), mtime: statSync(file).mtime }));
        }
        headers.etag = v.etag;
        headers['last-modified'] = v.mtime.toUTCString();
        // once the validators are known, a 304 never touches the disk (like a cache in front of a server)
        notModified = isNotModified(req, v.etag, v.mtime);
      }
      if (!notModified) body ??= readFileSync(file);
    } catch {
      stats.otherStatus++;
      return sendText(res, 404, 'not found\n');
    }
    if (notModified || !body) {
      stats.notModified++;
      res.writeHead(304, headers);
      return void res.end();
    }
    stats.ok++;
    stats.bodyBytes += body.byteLength;
    res.writeHead(200, { ...headers, 'content-length': body.byteLength });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

async function main(): Promise<void> {
  const [dir, mode] = process.argv.slice(2);
  if (!dir || (mode !== 'validators' && mode !== 'plain')) {
    console.error('usage: server.ts CORPUS_DIR validators|plain');
    process.exit(2);
  }
  if (!process.send) {
    console.error('server.ts must be started with an IPC channel (child_process.fork)');
    process.exit(2);
  }
  const stats = emptyStats();
  const root: ServedRoot = { dir, validators: new Map() };
  const server = createServer(corpusHandler(root, mode, stats));
  server.keepAliveTimeout = 5000;
  const url = await listen(server, '127.0.0.1', 0);
  process.on('message', (cmd: ServerCommand) => {
    if (cmd.type === 'stats') process.send!({ type: 'stats', stats: { ...stats } } satisfies ServerMessage);
    if (cmd.type === 'reset') Object.assign(stats, emptyStats()); // the handler holds this object
    if (cmd.type === 'root') Object.assign(root, { dir: cmd.dir, validators: new Map() });
  });
  process.on('disconnect', () => {
    void close(server).finally(() => process.exit(0));
  });
  process.send({ type: 'ready', url } satisfies ServerMessage);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) void main();
