/**
 * A loopback server for source feeds on disk, for `infrawire demo` and the tests.
 *
 * Rules: files from one directory (same safety rules as the feed server);
 * `/status/NNN` answers with that HTTP status, so a broken source can be
 * demonstrated without the internet.
 */
import { createServer, type Server } from 'node:http';
import { safeFilePath, sendText, serveFile } from './files.js';

export function createFixtureServer(dir: string): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const status = path.match(/^\/status\/([1-5]\d\d)$/);
    if (status) return sendText(res, Number(status[1]), `status ${status[1]}\n`);
    const file = safeFilePath(dir, path);
    if (!file) return sendText(res, 404, 'not found\n');
    serveFile(req, res, file);
  });
}
