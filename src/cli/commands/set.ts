/**
 * `proxymesh set KEY#CAPABILITY [FILE|-]`: fulfils a deferred key with a file (or stdin). Keys
 * are write-once: a second set fails (exit 1) and the first value stays.
 * @module
 */
import type { Command } from 'commander';
import { formatKey, PermissionDeniedError } from '../../index.js';
import { codecOption, futureArgument, type FutureArgument } from '../arguments.js';
import { withConnector } from '../connector.js';
import { readInput } from '../io.js';
import { PROGRESS_AFTER_MS, PROGRESS_MIN_BYTES, statusLine } from '../progress.js';
import { formatBytes, formatDuration } from '../units.js';

interface SetOptions {
  readonly codec: string;
  readonly capability?: string;
}

/** Adds `set` to the program. */
export function registerSet(program: Command): void {
  program
    .command('set')
    .summary('fulfil a deferred key with a file or stdin')
    .description(
      'Set the value of a deferred key to the bytes of FILE (or stdin); every waiter gets it at once. Give the KEY#CAPABILITY line "proxymesh future" printed (or KEY and --capability). Keys are write-once: setting a key twice fails and keeps the first value.',
    )
    .argument('<future>', 'KEY#CAPABILITY, as printed by "proxymesh future"', futureArgument)
    .argument('[file]', 'the file to send; "-" or absent: stdin')
    .addOption(codecOption())
    .option('--capability <token>', 'the capability, when it is not part of the key argument')
    .action(async (future: FutureArgument, file: string | undefined, options: SetOptions) => {
      const started = Date.now();
      const { key } = future;
      const capability = options.capability ?? future.capability;
      const data = await readInput(file, statusLine);
      const setting = withConnector(undefined, (mesh) => mesh.set(key, { codec: options.codec, data }, capability === undefined ? {} : { capability }));
      try {
        await statusLine.during(`sending ${formatBytes(data.length)} to ${formatKey(key)}`, setting, data.length > PROGRESS_MIN_BYTES ? 0 : PROGRESS_AFTER_MS);
      } catch (error) {
        // The library's message speaks of futures; on the command line the fix is the argument.
        if (error instanceof PermissionDeniedError && capability === undefined) {
          throw new PermissionDeniedError(`Cannot set key ${formatKey(key)} without its capability: give the whole KEY#CAPABILITY line "proxymesh future" printed.`, { cause: error });
        }
        throw error;
      }
      statusLine.finish(`sent ${formatBytes(data.length)} in ${formatDuration(Date.now() - started)}`);
    });
}
