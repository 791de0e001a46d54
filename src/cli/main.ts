/**
 * The `infrawire` command line: one small register function per command, so
 * a new command is one more function and one more line in buildProgram.
 *
 * Exit codes: 0 success (also when some sources failed), 1 runtime failure,
 * 2 bad config or usage. Config problems print one line per problem.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError, configJsonSchema, loadConfig } from '../config/index.js';
import { VERSION } from '../model/version.js';
import { StoreLockedError } from '../store/index.js';
import { daemonCommand } from './daemonCommand.js';
import { runDemo } from './demo.js';
import { UsageError } from './log.js';
import { runOnce } from './run.js';
import { runStatus } from './status.js';
import { explainUrl } from './explain.js';
import { registerConfigEditing } from './configCommands.js';

const DEFAULT_CONFIG = process.env.INFRAWIRE_CONFIG ?? 'config.json';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const EXIT_CODES_HELP = `
Exit codes:
  0  success (also when some sources failed: the summary names them)
  1  runtime failure (store unusable, port taken, store locked by another infrawire)
  2  invalid config or usage

Environment:
  INFRAWIRE_CONFIG     default for --config (else ./config.json)
  INFRAWIRE_LOG_LEVEL  daemon log level, overrides log.level in the config`;

function configOption(cmd: Command): Command {
  return cmd.option('-c, --config <path>', 'config file', DEFAULT_CONFIG);
}

function registerRun(program: Command): void {
  configOption(program.command('run').description('run one poll cycle and exit, printing a summary table (a progress bar on a terminal)'))
    .option('--json', 'print the summary as JSON on stdout (no progress bar)')
    .option('-q, --quiet', 'print nothing but errors; the exit code tells the result')
    .option('--no-progress', 'no progress bar, even on a terminal')
    .option('--dry-run', 'fetch and curate without writing the store or the feeds; print every decision')
    .action(runOnce);
}

function registerExplain(program: Command): void {
  configOption(program.command('explain').description("why one article is kept or dropped: found by URL in the store, else among the sources' current items"))
    .argument('<url>', 'the article URL')
    .option('--json', 'print the decisions as JSON')
    .action(explainUrl);
}

function registerDaemon(program: Command): void {
  configOption(
    program
      .command('daemon')
      .description('poll on the configured schedule and serve the feeds over HTTP (what `npm start` runs); SIGHUP or a config file change reloads the config, SIGINT/SIGTERM stop it gracefully'),
  ).action(daemonCommand);
}

function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('serve fixtures/ on loopback, run one cycle against them and serve the published feed')
    .option('--once', 'exit after the cycle instead of serving until Ctrl-C')
    .option('--dir <path>', 'where the demo writes its store and feeds (default: a new temporary folder)')
    .option('-c, --config <path>', 'config whose keywords and feeds the demo uses (default: the bundled config.json)')
    .action(runDemo);
}

function registerStatus(program: Command): void {
  program
    .command('status')
    .description('print the state of every source from the store: ok, not-modified, failing, moved, gone; last success and error, next check')
    .option('-c, --config <path>', 'config file', DEFAULT_CONFIG)
    .option('--json', 'print the states as JSON')
    .action(async (opts: { config: string; json?: boolean }) => console.log(await runStatus(loadConfig(opts.config), opts.json ?? false)));
}

function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of config.json')
    .action(() => console.log(JSON.stringify(configJsonSchema(), null, 2)));
}

export function buildProgram(): Command {
  const program = new Command('infrawire')
    .description('Watch AI-infrastructure news feeds and republish one curated Atom, RSS and JSON feed.')
    .version(VERSION, '-V, --version', 'print the version')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(run `infrawire --help` for usage)')
    .exitOverride();
  registerRun(program);
  registerDaemon(program);
  registerDemo(program);
  registerStatus(program);
  registerExplain(program);
  registerConfigEditing(program, DEFAULT_CONFIG);
  registerSchema(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Map an error to what the user reads and the exit code. */
export function reportError(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (err instanceof ConfigError) {
    console.error(`infrawire: invalid config ${err.file}`);
    for (const p of err.problems) console.error(p);
    return EXIT_USAGE;
  }
  if (err instanceof UsageError) {
    console.error(`infrawire: ${err.message}`);
    return EXIT_USAGE;
  }
  if (err instanceof StoreLockedError) {
    console.error(`infrawire: ${err.message}`);
    return EXIT_FAILURE;
  }
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e?.code === 'EADDRINUSE' || e?.code === 'EACCES' || e?.code === 'EADDRNOTAVAIL') {
    console.error(`infrawire: cannot listen on ${e.address ?? '?'}:${e.port ?? '?'}: ${e.code}`);
    return EXIT_FAILURE;
  }
  // The message is for operators; the stack only when debugging.
  const debug = /^(debug|trace)$/i.test(process.env.INFRAWIRE_LOG_LEVEL ?? '');
  console.error(`infrawire: ${(debug ? e?.stack : e?.message) ?? err}`);
  return EXIT_FAILURE;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT_OK;
  } catch (err) {
    return reportError(err);
  }
}

// Exit explicitly: a fetch abandoned at shutdown must not keep the process alive.
process.exit(await main(process.argv));
