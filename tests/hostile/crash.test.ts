/**
 * Crash safety: the daemon is killed with SIGKILL at random moments of its
 * cycles, 20 times in a row, and restarted each time. After every kill the
 * published feed is complete and valid (the old version or the new one, never
 * a mix), the store opens, no published entry is lost, and a later cycle completes.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/index.js';
import { ROOT, startServer, tempDir, validateAtom, type TestServer } from '../helpers/env.js';

const BIN = join(ROOT, 'bin/infrawire.js');
const KILLS = 20;

/** A source that grows by one story per request, so every cycle has something to write. */
function growingFeed(): Server {
  let requests = 0;
  return createServer((_req, res) => {
    requests++;
    const items = Array.from({ length: Math.min(requests, 60) }, (_, i) => {
      const n = requests - i;
      const day = String(1 + (n % 28)).padStart(2, '0');
      return `<item><title>GPU cluster story ${n}</title><link>http://growing.example/story/${n}</link><pubDate>2026-10-${day}T${String(n % 24).padStart(2, '0')}:00:00Z</pubDate><description>A data center story, number ${n}.</description></item>`;
    }).join('');
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Growing</title><link>http://growing.example/</link><description>d</description>${items}</channel></rss>`);
  });
}

function entryIds(xml: string): string[] {
  // Entry ids are tag:infrawire,2026:<32 hex>; the feed's id and atom:source ids have other shapes.
  return [...xml.matchAll(/<id>(tag:infrawire,2026:[0-9a-f]{32})<\/id>/g)].map((m) => m[1]!);
}

describe('crash safety under SIGKILL', () => {
  let server: TestServer;
  let tmp: ReturnType<typeof tempDir>;
  let configPath: string;
  let atomPath: string;
  let storePath: string;

  beforeAll(async () => {
    server = await startServer(growingFeed());
    const url = server.url;
    tmp = tempDir();
    configPath = join(tmp.dir, 'config.json');
    atomPath = join(tmp.dir, 'feeds/crash.atom');
    storePath = join(tmp.dir, 'store.db');
    writeFileSync(
      configPath,
      JSON.stringify({
        schedule: '* * * * * *',
        sources: [
          { name: 'Growing A', url: `${url}/a` },
          { name: 'Growing B', url: `${url}/b` },
        ],
        watch: { keywords: ['GPU', 'data center'] },
        feeds: [{ name: 'crash', title: 'Crash test', maxEntries: 1000 }],
        publish: { dir: 'feeds' },
        server: { host: '127.0.0.1', port: 0 },
        store: { path: 'store.db' },
      }),
    );
  });
  afterAll(async () => {
    await server.stop();
    tmp.cleanup();
  });

  it(`survives ${KILLS} kills at random moments without losing or corrupting anything`, async () => {
    const snapshots = join(tmp.dir, 'snapshots');
    mkdirSync(snapshots);
    let published = new Set<string>();
    for (let i = 0; i < KILLS; i++) {
      const child = spawn(process.execPath, [BIN, 'daemon', '--config', configPath], { cwd: ROOT, stdio: 'ignore' });
      const exited = new Promise((r) => child.on('close', r));
      if (i === 0) {
        // The first run gets to publish, so every later kill has a feed to protect.
        const deadline = Date.now() + 30_000;
        while (!existsSync(atomPath) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 2500));
      child.kill('SIGKILL');
      await exited;

      if (existsSync(atomPath)) {
        const xml = readFileSync(atomPath, 'utf8');
        expect(xml.trimEnd().endsWith('</feed>')).toBe(true);
        const ids = new Set(entryIds(xml));
        for (const id of published) expect(ids.has(id), `entry ${id} lost after kill ${i + 1}`).toBe(true);
        published = ids;
        copyFileSync(atomPath, join(snapshots, `after-kill-${i + 1}.atom`));
      }
      const store = SqliteStore.open(storePath); // opens (and would fail on a corrupt file)
      try {
        expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        await store.close();
      }
    }
    expect(published.size).toBeGreaterThan(0);

    const files = Array.from({ length: KILLS }, (_, i) => join(snapshots, `after-kill-${i + 1}.atom`)).filter(existsSync);
    const result = await validateAtom(...files);
    expect(result.code, result.output).toBe(0);

    const run = spawn(process.execPath, [BIN, 'run', '--config', configPath], { cwd: ROOT, stdio: 'ignore' });
    expect(await new Promise((r) => run.on('close', r))).toBe(0);
    const after = new Set(entryIds(readFileSync(atomPath, 'utf8')));
    for (const id of published) expect(after.has(id)).toBe(true);
  }, 180_000);
});
