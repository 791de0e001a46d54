/** Log lines for people: ISO time, level, message; warnings and errors on stderr. */
import type { Logger } from '../model/index.js';

export function consoleLogger(): Logger {
  const line = (level: string, msg: string) => `${new Date().toISOString()} ${level} ${msg}`;
  return {
    info: (m) => console.log(line('info', m)),
    warn: (m) => console.error(line('warn', m)),
    error: (m) => console.error(line('error', m)),
  };
}
