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
import { setSecurity } from './connector.js';
import { EXIT_CODES_HELP } from './exit-codes.js';

/** The options every command takes. */
export interface GlobalOptions {
  /** Print stacks and causes with errors. */
  readonly debug?: boolean;
  /** Structured log level for this run. */
  readonly log?: LogLevel;
  /** Token for peers that require one. */
  readonly token?: string;
  /** TLS files. */
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsCa?: string;
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
    .option('--token <token>', 'token peers require (a daemon requires it; clients send it); default: PROXYMESH_TOKEN')
    .option('--tls-cert <file>', 'PEM certificate: the daemon serves TLS with it; clients present it for mutual TLS')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--tls-ca <file>', 'PEM CA bundle: clients trust it; a daemon given one requires client certificates (mutual TLS)')
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .addHelpText('after', EXIT_CODES_HELP)
    .hook('preAction', (thisCommand) => {
      const { log, token, tlsCert, tlsKey, tlsCa } = thisCommand.optsWithGlobals<GlobalOptions>();
      if (log !== undefined) setLogLevel(log);
      const tls = tlsCert === undefined && tlsKey === undefined && tlsCa === undefined ? undefined : { cert: tlsCert, key: tlsKey, ca: tlsCa };
      setSecurity({ token, tls });
    });
  // Commands created with .command() inherit exitOverride, configureOutput and configureHelp.
  for (const register of [registerPeer, registerPut, registerGet, registerExists, registerEvict, registerFuture, registerSet, registerAwait, registerStats, registerDemo]) {
    register(program);
  }
  return program;
}
