/**
 * The parse worker's thread: runs `parseAndNormalize` (a feed body) or
 * `extractPageJob` (an article page) for each task the pool posts, one at a
 * time, and posts the result or the error message back.
 *
 * Rules: an error in a task is an answer, not a crash (the thread stays up for
 * the next body); only a crash of the thread itself (out of memory) ends it,
 * and the pool then fails that one task and starts a new thread. Libraries a
 * body may need are loaded before the worker says it is ready.
 */
import { parentPort } from 'node:worker_threads';
import { loadFaqTools } from '../normalize/index.js';
import { extractPageJob } from './pageJob.js';
import { parseAndNormalize } from './parseJob.js';
import type { TaskReply, TaskRequest } from './pool.js';

const port = parentPort;
if (!port) throw new Error('src/pool/worker.ts runs only as a worker thread (see pool.ts)');

port.on('message', async (request: TaskRequest) => {
  let reply: TaskReply;
  try {
    reply = { id: request.id, result: request.kind === 'feed' ? await parseAndNormalize(request.job) : extractPageJob(request.job) };
  } catch (err) {
    reply = { id: request.id, error: (err as Error)?.message || String(err) };
  }
  port.postMessage(reply);
});
// The generated FAQ's tools load before the first body, so their load never counts against pool.taskTimeoutMs.
loadFaqTools();
port.postMessage({ ready: true } satisfies TaskReply);
