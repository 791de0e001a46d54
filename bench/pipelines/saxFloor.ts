/**
 * The floors. Changed cycle: the same fetches, then one raw `sax` tokenization
 * pass over each body, counting <item>/<entry> open tags and building nothing
 * else; no real pipeline can parse these bytes for less. Unchanged cycle: one
 * conditional GET per source and nothing else (`conditionalRequestsOnly`); no
 * pipeline that asks every source can poll for less.
 *
 * sax ships without types and is a transitive dependency (of rss-parser via
 * xml2js), so it is loaded through require with the little surface used here.
 */
import { createRequire } from 'node:module';
import { serveCommands } from '../child.js';
import { referenceCommands } from './reference.js';

interface SaxParser {
  onopentag: ((tag: { name: string }) => void) | null;
  onerror: ((err: Error) => void) | null;
  write(text: string): SaxParser;
  close(): SaxParser;
}
const sax = createRequire(import.meta.url)('sax') as { parser(strict: boolean, opts?: object): SaxParser };

/** Count the items of one document; a malformed document throws (and the source counts as failed). */
function countItemsWithSax(text: string): number {
  const parser = sax.parser(true, {});
  let items = 0;
  parser.onopentag = (tag) => {
    if (tag.name === 'item' || tag.name === 'entry') items++;
  };
  parser.onerror = (err) => {
    throw err;
  };
  parser.write(text).close();
  return items;
}

serveCommands(referenceCommands((body) => countItemsWithSax(body.toString('utf8')), { requestFloor: true }));
