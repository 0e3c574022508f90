/**
 * `proxymesh evict KEY`: removes a key from its owner. Evicting a missing key succeeds, as in
 * every connector: the outcome, "the key holds nothing", is the same.
 * @module
 */
import type { Command } from 'commander';
import type { MeshKey } from '../../index.js';
import { keyArgument } from '../arguments.js';
import { withConnector } from '../connector.js';

/** Adds `evict` to the program. */
export function registerEvict(program: Command): void {
  program
    .command('evict')
    .summary('remove a key from its owner')
    .description('Remove KEY and its value from the peer that owns it. A missing key is not an error; waiters on an unset deferred key get "not found".')
    .argument('<key>', 'the key, pm://HOST:PORT/<incarnation>/<id>', keyArgument)
    .action(async (key: MeshKey) => {
      await withConnector(undefined, (mesh) => mesh.evict(key));
    });
}
