/**
 * How a failed command speaks: one line on stderr, `proxymesh: <what went wrong>`, because a
 * user (or a script's log) needs the sentence, not the stack. `--debug` adds the stack and the
 * chain of causes.
 * @module
 */
import { inspect } from 'node:util';

/** The text of an error as one line: its message, with line breaks folded into spaces. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim() || (error instanceof Error ? error.name : 'unknown error');
}

/** Writes the error to stderr: one line, or everything known about it with `debug`. */
export function reportError(error: unknown, debug: boolean): void {
  process.stderr.write(`proxymesh: ${oneLine(error)}\n`);
  // util.inspect prints the stack and, since Node 16.14, the `cause` chain too.
  if (debug) process.stderr.write(`${inspect(error, { depth: 6 })}\n`);
}
