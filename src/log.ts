/**
 * A tiny structured logger for the library and the `proxymesh` command: JSON lines on stderr,
 * `{"t":"<ISO time>","level":"info","msg":"peer started", ...fields}`.
 *
 * Off by default, because a library must not write to a program's stderr unasked. It is
 * switched on by the environment (`PROXYMESH_LOG=debug|info|warn`, read once at load, so it
 * also reaches child processes and worker threads) or in code with `setLogLevel` (the CLI's
 * `--log LEVEL`). A record is written when its level is at or above the chosen one.
 * @module
 */
import { InvalidArgumentError } from './errors.js';

/** The levels, from the most to the least verbose; `off` writes nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'off';

/** Extra data of a record: any JSON-able values; bigints and errors are converted. */
export type LogFields = Readonly<Record<string, unknown>>;

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, off: 100 };
const LEVELS = Object.keys(RANK) as LogLevel[];
// The record's own keys: a field with one of these names is renamed, never silently dropped.
const RESERVED = new Set(['t', 'level', 'msg']);

/**
 * Parses a level name (case-insensitive).
 * @throws InvalidArgumentError naming the input and the accepted levels.
 */
export function parseLogLevel(text: string): LogLevel {
  const level = text.trim().toLowerCase();
  if ((LEVELS as string[]).includes(level)) return level as LogLevel;
  throw new InvalidArgumentError(`Unknown log level ${JSON.stringify(text)}: use one of ${LEVELS.join(', ')}.`);
}

function fromEnvironment(): LogLevel {
  const value = process.env['PROXYMESH_LOG'];
  if (value === undefined || value === '') return 'off';
  try {
    return parseLogLevel(value);
  } catch {
    // A typo in the variable must be visible, but must not break the program that imports us.
    write('warn', 'PROXYMESH_LOG names no log level; logging stays off', { value, levels: LEVELS });
    return 'off';
  }
}

let current: LogLevel = fromEnvironment();

/** Chooses the least severe level written from now on in this thread (`off` silences it). */
export function setLogLevel(level: LogLevel): void {
  if (!(level in RANK)) throw new InvalidArgumentError(`Unknown log level ${JSON.stringify(level)}: use one of ${LEVELS.join(', ')}.`);
  current = level;
}

/** The level in force. */
export function getLogLevel(): LogLevel {
  return current;
}

/** Whether a record of `level` would be written: lets callers skip building costly fields. */
export function logEnabled(level: Exclude<LogLevel, 'off'>): boolean {
  return RANK[level] >= RANK[current];
}

// JSON.stringify throws on bigints and prints errors as {}: logs must never throw, and an
// error's name and message are what a reader needs.
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

function write(level: Exclude<LogLevel, 'off'>, msg: string, fields: LogFields | undefined): void {
  const record: Record<string, unknown> = { t: new Date().toISOString(), level, msg };
  for (const [name, value] of Object.entries(fields ?? {})) record[RESERVED.has(name) ? `field_${name}` : name] = value;
  let line: string;
  try {
    line = JSON.stringify(record, replacer);
  } catch {
    // A cycle in the fields: keep the record, say what happened.
    line = JSON.stringify({ t: record['t'], level, msg, logError: 'fields could not be serialised' });
  }
  process.stderr.write(`${line}\n`);
}

function at(level: Exclude<LogLevel, 'off'>) {
  return (msg: string, fields?: LogFields): void => {
    if (logEnabled(level)) write(level, msg, fields);
  };
}

/** The logger: `log.info('peer started', { address })`. */
export const log = {
  /** Detail for following what happens inside one call. */
  debug: at('debug'),
  /** Lifecycle events: a peer started or stopped, a connection was made. */
  info: at('info'),
  /** Something went wrong but the program carries on (a dropped waiter, a retried call). */
  warn: at('warn'),
} as const;
