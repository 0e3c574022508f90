/**
 * The command's exit codes, one per kind of outcome, so scripts can branch on them; and the
 * one place that decides which code an error gets.
 * @module
 */
import { DeadlineExceededError, InvalidArgumentError, KeyLostError, KeyNotFoundError } from '../errors.js';
import { CommanderError } from 'commander';

/** Exit codes of `proxymesh`. */
export const ExitCode = {
  /** The command did what it was asked (`exists`: the key holds a value). */
  ok: 0,
  /** Anything else went wrong: unreachable peer, unreadable file, refused write, … */
  error: 1,
  /** The command line is wrong: unknown option, missing argument, malformed key or address. */
  usage: 2,
  /** The key holds no value: never put, evicted, lost in an owner restart, not set yet (`exists`: false). */
  notFound: 3,
  /** A deadline passed (`await --timeout`). */
  timeout: 4,
} as const;

/** One of the values of `ExitCode`. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code for an error that ended a command. */
export function exitCodeFor(error: unknown): ExitCode {
  // Commander's own errors (unknown option, missing argument, bad value) and malformed input.
  if (error instanceof CommanderError || error instanceof InvalidArgumentError) return ExitCode.usage;
  // A lost key (its owner restarted) is gone for good, exactly as a missing one is.
  if (error instanceof KeyNotFoundError || error instanceof KeyLostError) return ExitCode.notFound;
  if (error instanceof DeadlineExceededError) return ExitCode.timeout;
  return ExitCode.error;
}

/** The table printed at the end of `proxymesh --help`. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success (exists: the key holds a value)
  1  error (unreachable peer, unreadable file, key already set, ...)
  2  usage error (bad option or argument, malformed key or address)
  3  key not found (never put, evicted, owner restarted, not set yet; exists: false)
  4  timeout (await --timeout)

Environment:
  PROXYMESH_LOG=debug|info|warn  JSON log lines on stderr (same as --log)`;
