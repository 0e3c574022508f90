/**
 * `proxymesh future --peer ADDR`: registers a deferred key on a peer and prints it as
 * `KEY#CAPABILITY`. The key (before `#`) is what readers need to `await` it; the capability
 * (after `#`) is the secret the owner requires for the one `set`, as the library's `Future`
 * carries it and a proxy does not. Hand readers only the part before `#`: `${f%%#*}`.
 * @module
 */
import type { Command } from 'commander';
import { formatFuture, peerOption } from '../arguments.js';
import { withConnector } from '../connector.js';
import { printLine } from '../io.js';

interface FutureOptions {
  readonly peer: string;
}

/** Adds `future` to the program. */
export function registerFuture(program: Command): void {
  program
    .command('future')
    .summary('register a deferred key on a peer; print KEY#CAPABILITY')
    .description(
      'Register a deferred key (a key whose value does not exist yet) on the peer at --peer and print it as KEY#CAPABILITY. Readers need only KEY (the part before #) to await it; the one producer runs "set KEY#CAPABILITY".',
    )
    .addOption(peerOption('the peer that will own the key'))
    .addHelpText('after', '\nExample:\n  f=$(proxymesh future --peer 127.0.0.1:7001)\n  proxymesh await "${f%%#*}" > result.bin &    # readers get the key only\n  produce | proxymesh set "$f"')
    .action(async (options: FutureOptions) => {
      const line = await withConnector(options.peer, async (mesh) => {
        const key = await mesh.newKey();
        return formatFuture(key, mesh.capabilityFor(key));
      });
      await printLine(line);
    });
}
