/**
 * A peer alone in its process, for the fuzz test: the daemon's setup (`Peer.start` on the main
 * thread, default limits), so its memory is measured on its own. It prints JSON lines: `ready`
 * with its address, then on each stdin line `report <tag>` an event `report:<tag>` with its
 * memory (after a full GC when run with --expose-gc), its counters and every uncaught exception,
 * unhandled rejection and process warning seen so far. `close` stops the peer.
 *
 * argv[2], if present, is a JSON object of extra `Peer.start` options.
 */
import { createInterface } from 'node:readline';
import { Peer, type PeerOptions } from '../../src/mesh/server/peer.js';

const problems: string[] = [];
const warnings: string[] = [];
const emit = (event: Record<string, unknown>): void => void process.stdout.write(JSON.stringify(event) + '\n');
const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

// A real daemon would die here; recording instead lets the test report every one of them.
process.on('uncaughtException', (error) => problems.push(`uncaught exception: ${describe(error)}`));
process.on('unhandledRejection', (reason) => problems.push(`unhandled rejection: ${describe(reason)}`));
process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));

const options = JSON.parse(process.argv[2] ?? '{}') as PeerOptions;
const peer = await Peer.start({ listen: '127.0.0.1:0', ...options });
const gc = (globalThis as { gc?: () => void }).gc;

function report(tag: string): void {
  gc?.();
  gc?.();
  emit({ event: `report:${tag}`, memory: process.memoryUsage(), stats: peer.stats(), problems, warnings });
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, tag = ''] = line.trim().split(/\s+/);
  if (command === 'report') report(tag);
  else if (command === 'close') void peer.close().then(() => emit({ event: 'closed' }));
});
emit({ event: 'ready', address: peer.address, incarnation: peer.incarnation, pid: process.pid });
