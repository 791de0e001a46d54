/**
 * The `infrawire` command line.
 *
 * Exit codes: 0 success (also when some sources failed), 1 runtime failure,
 * 2 bad config or usage. Config problems print one line per problem.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError, configJsonSchema, loadConfig } from '../config/index.js';
import { VERSION } from '../fetch/index.js';
import { runCycle, startDaemon } from '../schedule/index.js';
import { Store } from '../store/index.js';
import { runDemo } from './demo.js';
import { explainUrl, runDryRun } from './explain.js';
import { registerConfigEditing } from './configCommands.js';
import { consoleLogger } from './log.js';
import { formatSummary } from './report.js';

const DEFAULT_CONFIG = process.env.INFRAWIRE_CONFIG ?? 'config.json';

async function runOnce(opts: { config: string; json?: boolean; dryRun?: boolean }): Promise<void> {
  if (opts.dryRun) return runDryRun(opts);
  const config = loadConfig(opts.config);
  const store = new Store(config.store.path);
  try {
    const summary = await runCycle(config, store);
    console.log(opts.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
  } finally {
    store.close();
  }
}

async function daemon(opts: { config: string }): Promise<void> {
  const log = consoleLogger();
  const config = loadConfig(opts.config);
  const d = await startDaemon(config, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1); // a second signal: leave now
    stopping = true;
    log.info(`${signal}: stopping after the running cycle`);
    d.stop().then(
      () => process.exit(0),
      (err) => {
        log.error(`shutdown failed: ${err}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

export function buildProgram(): Command {
  const program = new Command('infrawire')
    .description('Watch AI-infrastructure news feeds and republish one curated Atom, RSS and JSON feed.')
    .version(VERSION)
    .exitOverride();
  program
    .command('run')
    .description('run one poll cycle and exit, printing a summary')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG)
    .option('--json', 'print the summary as JSON')
    .option('--dry-run', 'fetch and curate without writing the store or the feeds; print every decision')
    .action(runOnce);
  program
    .command('explain')
    .description('why one article is kept or dropped: found by URL in the store, else among the sources\' current items')
    .argument('<url>', 'the article URL')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG)
    .option('--json', 'print the decisions as JSON')
    .action(explainUrl);
  program
    .command('daemon')
    .description('poll on the configured schedule and serve the feeds over HTTP (what `npm start` runs)')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG)
    .action(daemon);
  program
    .command('demo')
    .description('serve fixtures/ on loopback, run one cycle against them and serve the published feed')
    .option('--once', 'exit after the cycle instead of serving until Ctrl-C')
    .option('--dir <path>', 'where the demo writes its store and feeds (default: a new temporary folder)')
    .option('-c, --config <path>', 'config whose keywords and feeds the demo uses (default: the bundled config.json)')
    .action(runDemo);
  registerConfigEditing(program, DEFAULT_CONFIG);
  program
    .command('schema')
    .description('print the JSON Schema of config.json')
    .action(() => console.log(JSON.stringify(configJsonSchema(), null, 2)));
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ConfigError) {
      console.error(`infrawire: invalid config ${err.file}`);
      for (const p of err.problems) console.error(p);
      return 2;
    }
    console.error(`infrawire: ${(err as Error).stack ?? err}`);
    return 1;
  }
}

const code = await main(process.argv);
if (code !== 0) process.exit(code);
