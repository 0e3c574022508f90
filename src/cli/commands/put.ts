/**
 * `proxymesh put --peer ADDR [FILE|-]`: stores a file (or stdin) on a peer, which owns it from
 * then on, and prints its key.
 * @module
 */
import type { Command } from 'commander';
import { formatKey } from '../../index.js';
import { codecOption, peerOption } from '../arguments.js';
import { withConnector } from '../connector.js';
import { printLine, readInput } from '../io.js';
import { PROGRESS_AFTER_MS, PROGRESS_MIN_BYTES, statusLine } from '../progress.js';
import { formatBytes, formatDuration } from '../units.js';

interface PutOptions {
  readonly peer: string;
  readonly codec: string;
}

/** Adds `put` to the program. */
export function registerPut(program: Command): void {
  program
    .command('put')
    .summary('store a file or stdin on a peer; print its key')
    .description('Store the bytes of FILE (or stdin) on the peer at --peer, which owns them from then on, and print their key (pm://...).')
    .argument('[file]', 'the file to store; "-" or absent: stdin')
    .addOption(peerOption('the peer that will own the object'))
    .addOption(codecOption())
    .addHelpText('after', '\nExamples:\n  proxymesh put --peer 127.0.0.1:7001 results.bin\n  echo hello | proxymesh put --peer 127.0.0.1:7001 --codec utf8')
    .action(async (file: string | undefined, options: PutOptions) => {
      const started = Date.now();
      const data = await readInput(file, statusLine);
      const key = await withConnector(options.peer, (mesh) => {
        const sending = mesh.put({ codec: options.codec, data });
        // Large objects show the send at once; small ones only if the peer is slow to answer.
        return statusLine.during(`sending ${formatBytes(data.length)} to ${options.peer}`, sending, data.length > PROGRESS_MIN_BYTES ? 0 : PROGRESS_AFTER_MS);
      });
      statusLine.finish(`sent ${formatBytes(data.length)} to ${options.peer} in ${formatDuration(Date.now() - started)}`);
      await printLine(formatKey(key));
    });
}
