/**
 * The blocking bridge: the first synchronous use of an unresolved proxy must produce its
 * target on the spot (the seed's "the consumer blocks when it first uses the proxy"). The main
 * thread hands the fetch to a worker thread and sleeps in `Atomics.wait` until the worker has
 * posted the bytes, then reads them with `receiveMessageOnPort`; no event loop turn is needed.
 *
 * It never deadlocks the mesh: embedded peers serve from their own thread, so a blocked main
 * thread still answers other processes, and it refuses to run on proxymesh's own threads.
 * @module
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import type { ConnectorConfig, JsonValue, Payload } from '../core/protocol.js';
import { WouldDeadlockError } from '../errors.js';
import { fromPostedError } from '../util/posted-error.js';
import { isInternalThread } from '../util/internal-thread.js';
import { startWorker } from '../util/start-worker.js';
import { FLAG_DONE, type BlockingPrepare, type BlockingReply, type BlockingRequest } from './blocking-protocol.js';

interface Bridge {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

let bridge: Bridge | undefined;
// What the worker was asked to prepare, by connector config and key: each once per worker.
const prepared = new Set<string>();

function start(): Bridge {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = startWorker(import.meta.url, 'blocking-worker', { workerData: { port: port2, flag }, transferList: [port2] });
  // The bridge must never keep a finished program alive.
  worker.unref();
  port1.unref();
  worker.once('exit', () => {
    if (bridge?.worker !== worker) return;
    bridge = undefined;
    prepared.clear();
  });
  return { worker, port: port1, flag };
}

/**
 * Starts the bridge now and has it build the connector and load its code, so that a later
 * blocking fetch through it does not wait for the worker's start (a fresh worker loads its
 * connector's client library, gRPC for the mesh, in its own isolate: hundreds of ms cold).
 * Does nothing on proxymesh's own threads, which never block.
 * @param connector - the config of the connector a fetch will use.
 */
export function prepareBridge(connector: ConnectorConfig, key: JsonValue): void {
  if (isInternalThread()) return;
  const id = JSON.stringify([connector, key]);
  if (prepared.has(id)) return;
  const b = (bridge ??= start());
  prepared.add(id);
  b.port.postMessage({ prepare: connector, key } satisfies BlockingPrepare);
}

/**
 * Whether the bridge's worker is running (for tests).
 * @internal
 */
export function bridgeRunning(): boolean {
  return bridge !== undefined;
}

/**
 * Fetches a payload synchronously, blocking this thread until the worker has it.
 * Returns `undefined` for a missing key when `request.wait` is false.
 * @throws WouldDeadlockError on proxymesh's own threads, where blocking could stall the peer.
 * @throws the fetch's own error (KeyNotFoundError, DeadlineExceededError, PeerUnavailableError…).
 */
export function blockingFetch(request: BlockingRequest): Payload | undefined {
  if (isInternalThread()) {
    throw new WouldDeadlockError('A proxy was used synchronously inside a proxymesh peer or bridge thread, where blocking could stall the service that must answer. Use `await resolve(proxy)` there.');
  }
  const b = (bridge ??= start());
  Atomics.store(b.flag, 0, 0);
  b.port.postMessage(request);
  // Woken by the worker's notify; the loop only guards against spurious wake-ups.
  while (Atomics.load(b.flag, 0) !== FLAG_DONE) Atomics.wait(b.flag, 0, 0);
  const received = receiveMessageOnPort(b.port);
  if (!received) throw new Error('The blocking bridge woke without a reply; this is a proxymesh bug.');
  const reply = received.message as BlockingReply;
  if (!reply.ok) throw fromPostedError(reply.error);
  return reply.payload ?? undefined;
}
