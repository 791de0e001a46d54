/**
 * The process logger (pino): JSON lines on stdout for machines and log
 * shippers; one readable line per record when stdout is a terminal.
 *
 * Rules:
 * - Writes are synchronous, so the last lines before an exit are never lost.
 * - The level comes from INFRAWIRE_LOG_LEVEL when set, else from config
 *   `log.level`; an unknown value is a usage error (exit 2), not a silent default.
 * - The readable form is formatted here from the JSON record (pino-pretty is
 *   not a dependency): time, level, message, then the fields as key=value.
 */
import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import { LOG_LEVELS } from '../config/index.js';
import type { LogFields, Logger } from '../model/index.js';

export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_LEVEL_ENV = 'INFRAWIRE_LOG_LEVEL';

/** A problem with how infrawire was invoked (arguments, environment): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ProcessLogger extends Logger {
  debug(message: string, fields?: LogFields): void;
  readonly level: LogLevel;
  setLevel(level: LogLevel): void;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** The level to log at: the environment wins over the config. */
export function resolveLogLevel(configLevel: LogLevel, env: NodeJS.ProcessEnv = process.env): LogLevel {
  const fromEnv = env[LOG_LEVEL_ENV]?.trim().toLowerCase();
  if (!fromEnv) return configLevel;
  if (!isLogLevel(fromEnv)) throw new UsageError(`${LOG_LEVEL_ENV}="${env[LOG_LEVEL_ENV]}" is not a log level (${LOG_LEVELS.join(', ')})`);
  return fromEnv;
}

const LEVEL_COLORS: Record<string, string> = { fatal: '\x1b[35m', error: '\x1b[31m', warn: '\x1b[33m', info: '\x1b[32m', debug: '\x1b[36m', trace: '\x1b[90m' };
const RESET = '\x1b[0m';

function fieldValue(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** One JSON log record → `HH:MM:SS.mmm LEVEL message key=value …` for a terminal. */
export function formatLogLine(json: string, color = false): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const { time, level, msg, ...fields } = rec;
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const label = String(level ?? '').toUpperCase().padEnd(5);
  const shown = color && LEVEL_COLORS[String(level)] ? `${LEVEL_COLORS[String(level)]}${label}${RESET}` : label;
  const extra = Object.entries(fields)
    .map(([k, v]) => `${k}=${fieldValue(v)}`)
    .join(' ');
  return `${clock} ${shown} ${String(msg ?? '')}${extra ? `  ${extra}` : ''}\n`;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Readable lines instead of JSON (default: when stdout is a terminal). */
  pretty?: boolean;
  /** Where lines go (default: stdout); tests pass their own. */
  write?: (line: string) => void;
}

function destinationFor(opts: LoggerOptions): DestinationStream {
  const pretty = opts.pretty ?? process.stdout.isTTY === true;
  const write = opts.write ?? (pretty ? (s: string) => process.stdout.write(s) : undefined);
  if (!write) return pino.destination({ dest: 1, sync: true });
  return { write: (line: string) => write(pretty ? formatLogLine(line, opts.write === undefined) : line) };
}

export function createLogger(opts: LoggerOptions): ProcessLogger {
  const p: Pino = pino(
    {
      level: opts.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destinationFor(opts),
  );
  const at = (level: 'info' | 'warn' | 'error' | 'debug') => (message: string, fields?: LogFields) =>
    fields ? p[level](fields, message) : p[level](message);
  return {
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    debug: at('debug'),
    get level() {
      return p.level as LogLevel;
    },
    setLevel: (level) => void (p.level = level),
  };
}
