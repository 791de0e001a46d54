/**
 * The `keywords` and `sources` command groups (config editing), registered on
 * the main program. Behaviour lives in configEdit.ts.
 */
import type { Command } from 'commander';
import { addKeywords, addSource, exportOpml, importOpml, listKeywords, listSources, removeKeywords, removeSource } from './configEdit.js';

export function registerConfigEditing(program: Command, DEFAULT_CONFIG: string): void {
  const keywords = program.command('keywords').description('list or edit the watch keywords in config.json');
  keywords.command('list').description('print the keywords, one per line').option('-c, --config <path>', 'config file', DEFAULT_CONFIG).option('--feed <name>', "a feed's own keywords").action(listKeywords);
  keywords
    .command('add')
    .description('add keywords, re-curate the stored articles and say what enters each feed')
    .argument('<keyword...>')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG)
    .option('--feed <name>', "edit a feed's own keywords instead of watch.keywords")
    .option('--dry-run', 'show which stored stories each feed would gain; write nothing')
    .action(addKeywords);
  keywords
    .command('remove')
    .description('remove keywords, re-curate the stored articles and say what leaves each feed')
    .argument('<keyword...>')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG)
    .option('--feed <name>', "edit a feed's own keywords instead of watch.keywords")
    .option('--dry-run', 'show which stories each feed would lose; write nothing')
    .action(removeKeywords);

  const sources = program.command('sources').description('list or edit the sources in config.json');
  sources.command('list').description('print name and URL of every source').option('-c, --config <path>', 'config file', DEFAULT_CONFIG).action(listSources);
  sources
    .command('add')
    .description('add a feed URL, or a web page URL whose <link rel="alternate"> names its feed')
    .argument('<url>')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG)
    .option('--name <name>', "the source's name (default: the feed's title)")
    .option('--dry-run', 'discover and validate, write nothing')
    .action(addSource);
  sources
    .command('remove')
    .description('remove a source by name or URL')
    .argument('<name-or-url>')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG)
    .option('--dry-run', 'validate, write nothing')
    .action(removeSource);
  sources
    .command('import')
    .description('add the feeds of an OPML file that are not configured yet')
    .argument('<file>')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG)
    .option('--dry-run', 'validate, write nothing')
    .action(importOpml);
  sources.command('export').description('print the sources as OPML 2.0').option('-c, --config <path>', 'config file', DEFAULT_CONFIG).action(exportOpml);
}
