/**
 * What every stage may log through; the CLI decides where lines go.
 * `fields` are structured data kept as JSON keys (source name, counts), so
 * log lines can be filtered by machine without parsing the message.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  debug?(message: string, fields?: LogFields): void;
}
