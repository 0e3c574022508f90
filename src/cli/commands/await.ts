/**
 * `proxymesh await KEY [--timeout SECONDS] [-o FILE]`: waits for a deferred key's value
 * (pushed by the owner the moment it is set, no polling) and writes its bytes.
 * @module
 */
import type { Command } from 'commander';
import { formatKey, type MeshKey } from '../../index.js';
import { keyArgument, outputOption } from '../arguments.js';
import { withConnector } from '../connector.js';
import { writeOutput } from '../io.js';
import { PROGRESS_AFTER_MS, statusLine } from '../progress.js';
import { formatBytes, formatDuration, parseSeconds } from '../units.js';

interface AwaitOptions {
  readonly timeout?: number;
  readonly output?: string;
}

/** Adds `await` to the program. */
export function registerAwait(program: Command): void {
  program
    .command('await')
    .summary('wait for a deferred key to be set; write its bytes')
    .description(
      'Wait until KEY is set, then write its bytes to stdout (or FILE). Waits without limit unless --timeout is given (exit 4 when it passes). Ends with exit 3 if the key is evicted, and exit 1 if its owner stops.',
    )
    .argument('<key>', 'the deferred key, as printed by "proxymesh future"', keyArgument)
    .option('--timeout <seconds>', 'give up after this many seconds (decimals allowed)', parseSeconds)
    .addOption(outputOption())
    .action(async (key: MeshKey, options: AwaitOptions) => {
      const started = Date.now();
      const payload = await withConnector(undefined, (mesh) => {
        const waiting = mesh.awaitKey(key, options.timeout === undefined ? {} : { timeoutMs: options.timeout });
        return statusLine.during(`waiting for ${formatKey(key)}`, waiting, PROGRESS_AFTER_MS);
      });
      statusLine.finish(`received ${formatBytes(payload.data.length)} after ${formatDuration(Date.now() - started)}`);
      await writeOutput(payload.data, options.output);
    });
}
