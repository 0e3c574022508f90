/**
 * `proxymesh get KEY [-o FILE]`: fetches an object from its owner and writes its bytes.
 * @module
 */
import type { Command } from 'commander';
import { formatKey, KeyNotFoundError, type MeshKey } from '../../index.js';
import { keyArgument, outputOption } from '../arguments.js';
import { withConnector } from '../connector.js';
import { writeOutput } from '../io.js';
import { PROGRESS_AFTER_MS, statusLine } from '../progress.js';
import { formatBytes, formatDuration } from '../units.js';

interface GetOptions {
  readonly output?: string;
}

/** Adds `get` to the program. */
export function registerGet(program: Command): void {
  program
    .command('get')
    .summary('write the bytes of a key to stdout or a file')
    .description('Fetch the object named by KEY from the peer that owns it and write its bytes to stdout (or FILE). Exits 3 when the key holds no value.')
    .argument('<key>', 'the key, pm://HOST:PORT/<incarnation>/<id>', keyArgument)
    .addOption(outputOption())
    .addHelpText('after', '\nExample:\n  proxymesh get pm://127.0.0.1:7001/0123456789abcdef/0123456789abcdef0123456789abcdef -o results.bin')
    .action(async (key: MeshKey, options: GetOptions) => {
      const started = Date.now();
      const payload = await withConnector(undefined, (mesh) => statusLine.during(`receiving ${formatKey(key)}`, mesh.get(key), PROGRESS_AFTER_MS));
      if (payload === undefined) {
        throw new KeyNotFoundError(`Key ${formatKey(key)} holds no value on peer ${key.peer}: it was never put, was evicted, or is a deferred key not set yet (use await).`);
      }
      statusLine.finish(`received ${formatBytes(payload.data.length)} in ${formatDuration(Date.now() - started)}`);
      await writeOutput(payload.data, options.output);
    });
}
