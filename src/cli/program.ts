/**
 * The `proxymesh` program: global options, every subcommand, and the help text. Building it is
 * separate from running it (run.ts) so that tests and docs can inspect the commands.
 * @module
 */
import { Command, Option } from 'commander';
import { setLogLevel, type LogLevel } from '../log.js';
import { registerAwait } from './commands/await.js';
import { registerDemo } from './commands/demo.js';
import { registerEvict } from './commands/evict.js';
import { registerExists } from './commands/exists.js';
import { registerFuture } from './commands/future.js';
import { registerGet } from './commands/get.js';
import { registerPeer } from './commands/peer.js';
import { registerPut } from './commands/put.js';
import { registerSet } from './commands/set.js';
import { registerStats } from './commands/stats.js';
import { EXIT_CODES_HELP } from './exit-codes.js';

/** The options every command takes. */
export interface GlobalOptions {
  /** Print stacks and causes with errors. */
  readonly debug?: boolean;
  /** Structured log level for this run. */
  readonly log?: LogLevel;
}

/**
 * Builds the program. Errors are thrown (`exitOverride`), never printed or exited on by
 * commander, so that `run` alone decides what reaches stderr and which exit code is used.
 */
export function buildProgram(version: string): Command {
  const program = new Command('proxymesh')
    .description('Store, fetch and await objects on a proxymesh peer-to-peer mesh, and run the peers that own them.')
    .version(version, '-V, --version', 'print the version')
    .addOption(new Option('--log <level>', 'write JSON log lines on stderr (or set PROXYMESH_LOG)').choices(['debug', 'info', 'warn', 'off']))
    .option('--debug', 'show stack traces and causes with errors')
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .addHelpText('after', EXIT_CODES_HELP)
    .hook('preAction', (thisCommand) => {
      const { log } = thisCommand.optsWithGlobals<GlobalOptions>();
      if (log !== undefined) setLogLevel(log);
    });
  // Commands created with .command() inherit exitOverride, configureOutput and configureHelp.
  for (const register of [registerPeer, registerPut, registerGet, registerExists, registerEvict, registerFuture, registerSet, registerAwait, registerStats, registerDemo]) {
    register(program);
  }
  return program;
}
