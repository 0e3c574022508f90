/**
 * The blocking bridge's worker: it does the asynchronous I/O a blocked main thread cannot do,
 * posts the answer, and wakes the main thread through a shared flag.
 * @module
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { connectorFromConfig } from '../connectors/registry.js';
import { callSignal } from '../core/call-options.js';
import type { Connector, JsonValue, Payload } from '../core/protocol.js';
import { waitForPayload } from './wait-for-key.js';
import { detachedOwned } from '../core/transfer.js';
import { toPostedError } from '../util/posted-error.js';
import { markInternalThread } from '../util/internal-thread.js';
import { FLAG_DONE, type BlockingPrepare, type BlockingReply, type BlockingRequest } from './blocking-protocol.js';

markInternalThread();

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
const connectors = new Map<string, Promise<Connector>>();

function connectorOf(config: BlockingRequest['connector']): Promise<Connector> {
  const id = JSON.stringify(config);
  let connector = connectors.get(id);
  if (!connector) connectors.set(id, (connector = connectorFromConfig(config)));
  return connector;
}

/** A connector that can get ready for a key before its first call (MeshConnector: its gRPC client, a channel to the owner). */
interface Preparable {
  prepare(key: JsonValue): Promise<void>;
}

async function prepare(message: BlockingPrepare): Promise<void> {
  const c = (await connectorOf(message.prepare)) as Connector & Partial<Preparable>;
  await c.prepare?.(message.key);
}

async function fetch(request: BlockingRequest): Promise<Payload | undefined> {
  const c = await connectorOf(request.connector);
  if (!request.wait) return c.get(request.key, { timeoutMs: request.timeoutMs });
  const signal = callSignal({ timeoutMs: request.timeoutMs }, `Waiting for key ${JSON.stringify(request.key)}`);
  return waitForPayload(c, request.key, { signal, polling: request.polling });
}

function answer(reply: BlockingReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(reply, transfer);
  Atomics.store(flag, 0, FLAG_DONE);
  Atomics.notify(flag, 0);
}

port.on('message', (message: BlockingRequest | BlockingPrepare) => {
  // A failed preparation is not reported: the fetch that follows meets the same error and says so.
  if ('prepare' in message) return void prepare(message).catch(() => undefined);
  const request = message;
  fetch(request).then(
    (payload) => {
      if (payload === undefined) return answer({ ok: true, payload: null });
      // The bridge's connectors hand each fetch an object of its own (one fetch at a time), so
      // it moves to the main thread without a copy.
      const { payload: copy, transfer } = detachedOwned(payload);
      answer({ ok: true, payload: copy }, transfer);
    },
    (error: unknown) => answer({ ok: false, error: toPostedError(error) }),
  );
});
