/**
 * The naive Node pipeline: what a developer writes in an afternoon — fetch
 * every source, rss-parser `parseString`, count the items. No store, no
 * normalization, no curation, no conditional GET.
 */
import Parser from 'rss-parser';
import { serveCommands } from '../child.js';
import { referenceCommands } from './reference.js';

const parser = new Parser();

serveCommands(referenceCommands(async (body) => (await parser.parseString(body.toString('utf8'))).items.length));
