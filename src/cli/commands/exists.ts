/**
 * `proxymesh exists KEY`: prints `true` or `false`, and says the same with its exit code
 * (0 or 3), so scripts can write `if proxymesh exists "$key"; then …`. A failure to ask (an
 * unreachable owner) is exit 1, never confused with `false`.
 * @module
 */
import type { Command } from 'commander';
import type { MeshKey } from '../../index.js';
import { keyArgument } from '../arguments.js';
import { withConnector } from '../connector.js';
import { ExitCode } from '../exit-codes.js';
import { printLine } from '../io.js';

/** Adds `exists` to the program. */
export function registerExists(program: Command): void {
  program
    .command('exists')
    .summary('print whether a key holds a value (exit 0 if so, 3 if not)')
    .description('Ask the owner of KEY whether it holds a value. Prints true (exit 0) or false (exit 3); a deferred key that is not set yet is false.')
    .argument('<key>', 'the key, pm://HOST:PORT/<incarnation>/<id>', keyArgument)
    .action(async (key: MeshKey) => {
      const exists = await withConnector(undefined, (mesh) => mesh.exists(key));
      await printLine(String(exists));
      if (!exists) process.exitCode = ExitCode.notFound;
    });
}
