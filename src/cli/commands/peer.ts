/**
 * `proxymesh peer`: a long-lived peer daemon, the analogue of a ProxyStore endpoint. What is
 * put through it (`put --peer`, `future --peer`, `MeshConnector({peer})`) is owned by it and
 * outlives the processes that put it.
 *
 * The peer runs on the main thread: the daemon does nothing else, so nothing ever blocks it.
 * Its advertised address is the first line on stdout, for scripts:
 * `addr=$(proxymesh peer --listen 0.0.0.0:7001 | head -1)` (or read it from a pipe).
 * @module
 */
import type { Command } from 'commander';
import { Peer } from '../../index.js';
import { log } from '../../log.js';
import { addressArgument } from '../arguments.js';
import { printLine } from '../io.js';
import { getSecurity } from '../connector.js';
import { parseCount, parseSize } from '../units.js';
import { DEFAULT_SHARED_BASE } from '../../mesh/wire/shared-directory.js';

interface PeerCommandOptions {
  readonly listen: string;
  readonly advertise?: string;
  readonly maxObjectBytes?: number;
  readonly maxBytes?: number;
  readonly maxWaiters?: number;
  /** A directory, or false for `--no-shared-memory`. */
  readonly sharedMemory: string | false;
}

// grpc-js reports a failed bind as "No address added out of total 1 resolved errors:
// [listen EADDRINUSE: address already in use 127.0.0.1:7001]": keep the part a person needs.
function listenError(listen: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const reason = /listen [A-Z]+: ([^\]]+?)(?: \S+)?\]/.exec(message)?.[1] ?? message;
  return new Error(`Cannot listen on ${listen}: ${reason}.`, { cause: error });
}

/** Resolves with the first of SIGINT or SIGTERM; a second one stops the process at once. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // Stay subscribed, so a second signal does not kill us silently mid-shutdown: it is an
      // explicit "stop now", reported and exited with an error code.
      const force = (again: NodeJS.Signals): void => {
        process.stderr.write(`proxymesh: ${again} again: stopping at once without waiting for transfers.\n`);
        process.exit(1);
      };
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

async function runPeer(options: PeerCommandOptions): Promise<void> {
  // Subscribe before the address is printed: a script may signal as soon as it reads it.
  const stopping = stopSignal();
  let peer: Peer;
  try {
    peer = await Peer.start({
      listen: options.listen,
      advertise: options.advertise,
      maxObjectBytes: options.maxObjectBytes,
      maxBytes: options.maxBytes,
      maxWaiters: options.maxWaiters,
      sharedMemory: options.sharedMemory,
      ...getSecurity(),
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'InvalidArgumentError') throw error;
    throw listenError(options.listen, error);
  }
  await printLine(peer.address);
  if (process.stderr.isTTY) process.stderr.write(`proxymesh: peer ${peer.address} is running (pid ${process.pid}); Ctrl-C stops it and drops its objects.\n`);

  const signal = await stopping;
  // The peer logs its own start and stop; the daemon adds why it stops.
  log.info('stop signal received', { address: peer.address, signal, pid: process.pid });
  await peer.close();
  log.info('peer stopped', { address: peer.address });
}

/** Adds `peer` to the program. */
export function registerPeer(program: Command): void {
  program
    .command('peer')
    .summary('run a peer daemon that owns what is put through it')
    .description(
      'Run a peer: a gRPC server that holds objects and deferred keys in memory and serves them to any process holding their keys. Prints its advertised address as the first line on stdout. SIGINT or SIGTERM stops it cleanly (waiting await calls end with UNAVAILABLE; its objects are dropped) and it exits 0.',
    )
    .option('--listen <host:port>', 'address to listen on; port 0 picks a free port', addressArgument, '127.0.0.1:0')
    .option('--advertise <host[:port]>', 'address written into keys, for other hosts (default: the listen address, or this host name for 0.0.0.0)')
    .option('--max-object-bytes <size>', 'largest object accepted, e.g. 1G (default: the largest Buffer)', parseSize)
    .option('--max-bytes <size>', 'most bytes held at once; past it puts and sets are refused (default: no limit)', parseSize)
    .option('--max-waiters <n>', 'most await calls waiting at once (default: no limit)', parseCount)
    .option('--shared-memory <dir>', 'memory file system where processes of this host hand objects over as files instead of streaming them', DEFAULT_SHARED_BASE)
    .option('--no-shared-memory', 'stream every object, also to processes of this host')
    .addHelpText('after', '\nExamples:\n  proxymesh peer                                   # loopback, free port\n  proxymesh peer --listen 0.0.0.0:7001 --advertise node12.cluster')
    .action(runPeer);
}
