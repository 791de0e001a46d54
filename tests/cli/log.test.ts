/**
 * The process logger: pino JSON lines, the level from config or environment,
 * and the readable form for terminals (checked in a real pseudo-terminal
 * through `script` when it is installed).
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger, formatLogLine, LOG_LEVEL_ENV, resolveLogLevel, UsageError } from '../../src/cli/log.js';
import { ROOT } from '../helpers/env.js';

const hasScript = spawnSync('script', ['--version']).status === 0;

function collect(level: Parameters<typeof createLogger>[0]['level'], pretty = false) {
  const lines: string[] = [];
  return { log: createLogger({ level, pretty, write: (l) => void lines.push(l) }), lines };
}

describe('process logger', () => {
  it('writes one JSON object per line: ISO time, level label, message, structured fields', () => {
    const { log, lines } = collect('info');
    log.info('cycle done', { event: 'cycle', itemsNew: 3 });
    log.warn('source "A": ok → failing');
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1)).toBe(true);
    const [a, b] = lines.map((l) => JSON.parse(l));
    expect(a).toMatchObject({ level: 'info', msg: 'cycle done', event: 'cycle', itemsNew: 3 });
    expect(new Date(a.time).toISOString()).toBe(a.time);
    expect(b).toMatchObject({ level: 'warn', msg: 'source "A": ok → failing' });
  });

  it('drops records below the level and follows setLevel', () => {
    const { log, lines } = collect('warn');
    log.info('hidden');
    log.debug('hidden');
    log.error('shown');
    log.setLevel('debug');
    log.debug('now shown');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['shown', 'now shown']);
    expect(log.level).toBe('debug');
  });

  it('takes the level from INFRAWIRE_LOG_LEVEL over the config, and refuses an unknown one', () => {
    expect(resolveLogLevel('info', {})).toBe('info');
    expect(resolveLogLevel('info', { [LOG_LEVEL_ENV]: ' WARN ' })).toBe('warn');
    expect(resolveLogLevel('debug', { [LOG_LEVEL_ENV]: '' })).toBe('debug');
    expect(() => resolveLogLevel('info', { [LOG_LEVEL_ENV]: 'loud' })).toThrow(UsageError);
    expect(() => resolveLogLevel('info', { [LOG_LEVEL_ENV]: 'loud' })).toThrow('INFRAWIRE_LOG_LEVEL="loud" is not a log level (fatal, error, warn, info, debug, trace, silent)');
  });

  it('formats a record for people: clock time, level, message, fields as key=value', () => {
    const line = formatLogLine('{"level":"warn","time":"2026-11-28T18:19:32.730Z","event":"source-state","source":"Broken Server","to":"failing","msg":"source \\"Broken Server\\": new → failing"}\n');
    expect(line).toBe('18:19:32.730 WARN  source "Broken Server": new → failing  event=source-state source="Broken Server" to=failing\n');
    expect(formatLogLine('not json')).toBe('not json\n');
    const { log, lines } = collect('info', true);
    log.info('hello', { n: 1 });
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  hello {2}n=1\n$/);
  });

  it.skipIf(!hasScript)('is readable (not JSON) when stdout is a terminal, and JSON when it is a pipe', async () => {
    const program = `const { createLogger } = await import('./src/cli/log.ts'); createLogger({ level: 'info' }).info('hello terminal', { n: 1 });`;
    const cmd = `node --import tsx --input-type=module -e "${program.replace(/"/g, '\\"')}"`;
    const tty = await promisify(execFile)('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, timeout: 30_000 });
    expect(tty.stdout).toMatch(/\d\d:\d\d:\d\d\.\d{3} \x1b\[32mINFO \x1b\[0m hello terminal {2}n=1/);
    const piped = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { cwd: ROOT, timeout: 30_000 });
    expect(JSON.parse(piped.stdout)).toMatchObject({ level: 'info', msg: 'hello terminal', n: 1 });
  });
});
