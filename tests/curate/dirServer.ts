/** A loopback server for one folder of feeds (the fixture server's rules), for the curation tests. */
import { close, createFixtureServer, listen } from '../../src/serve/index.js';

export async function serveDir(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = createFixtureServer(dir);
  const url = await listen(server, '127.0.0.1', 0);
  return { url, stop: () => close(server) };
}
