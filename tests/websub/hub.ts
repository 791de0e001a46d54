/** A WebSub hub stand-in on 127.0.0.1 that records every request and can fail or hold the first ones. */
import type { IncomingMessage } from 'node:http';
import { startServer } from '../helpers/env.js';

export interface HubRequest {
  method: string;
  contentType: string | undefined;
  form: Record<string, string>;
  status: number;
}

export interface HubStandIn {
  url: string;
  requests: HubRequest[];
  /** Let the held first request answer. */
  release(): void;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** `failFirst` requests answer 500; with `holdFirst` the very first one waits for release(). */
export async function startHub(opts: { failFirst?: number; holdFirst?: boolean; alwaysFail?: boolean } = {}): Promise<HubStandIn> {
  const requests: HubRequest[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const server = await startServer(async (req, res) => {
    const body = await readBody(req);
    const index = requests.length;
    const status = opts.alwaysFail || index < (opts.failFirst ?? 0) ? 500 : 202;
    requests.push({ method: req.method ?? '', contentType: req.headers['content-type'], form: Object.fromEntries(new URLSearchParams(body)), status });
    if (index === 0 && opts.holdFirst) await released;
    res.writeHead(status).end();
  });
  const url = `${server.url}/hub`;
  return {
    url,
    requests,
    release,
    stop: async () => {
      release();
      await server.stop();
    },
  };
}
