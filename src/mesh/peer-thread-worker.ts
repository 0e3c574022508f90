/**
 * The worker that hosts an embedded peer. The peer's gRPC server runs here, off the main
 * thread, so it keeps serving other processes while the main thread is blocked (a proxy's
 * first synchronous use) or busy: the deadlock DESIGN.md §4 describes cannot happen.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { detachedCopies, detachedCopy } from '../util/transfer.js';
import { toWireError } from '../util/error-wire.js';
import { markInternalThread } from '../util/internal-thread.js';
import { Peer, type PeerOptions } from './peer.js';
import { newCapability } from './peer-state.js';
import { type PeerThreadReply, type PeerThreadRequest, type PeerThreadValue } from './peer-thread-protocol.js';

markInternalThread();
const port = parentPort!;
const post = (reply: PeerThreadReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);

async function main(): Promise<void> {
  let peer: Peer;
  try {
    peer = await Peer.start(workerData as PeerOptions);
  } catch (error) {
    post({ failed: toWireError(error) });
    return;
  }
  const table = peer.state.table;
  const waits = new Map<number, AbortController>();

  async function handle(request: PeerThreadRequest): Promise<{ value: PeerThreadValue; transfer?: ArrayBuffer[] }> {
    const withPayload = (p: { codec: string; data: Uint8Array } | undefined): { value: PeerThreadValue; transfer?: ArrayBuffer[] } => {
      if (p === undefined) return { value: null };
      const { payload, transfer } = detachedCopy(p);
      return { value: payload, transfer };
    };
    switch (request.op) {
      case 'put':
        return { value: table.put(request.payload) };
      case 'get':
        return withPayload(table.get(request.objectId));
      case 'putBatch':
        return { value: table.putAll(request.payloads) };
      case 'getBatch': {
        const { payloads, transfer } = detachedCopies(request.objectIds.map((id) => table.get(id)));
        return { value: payloads, transfer };
      }
      case 'exists':
        return { value: table.exists(request.objectId) };
      case 'evict':
        return { value: table.evict(request.objectId) };
      case 'newKey': {
        const capability = newCapability();
        return { value: { id: table.newKey(capability), capability } };
      }
      case 'set':
        table.set(request.objectId, request.payload, request.capability);
        return { value: null };
      case 'wait': {
        const controller = new AbortController();
        waits.set(request.id, controller);
        try {
          return withPayload(await table.wait(request.objectId, controller.signal));
        } finally {
          waits.delete(request.id);
        }
      }
      case 'cancel':
        waits.get(request.target)?.abort(new Error('cancelled by the main thread'));
        return { value: null };
      case 'stats':
        return { value: table.stats() };
      case 'close':
        await peer.close();
        return { value: null };
    }
  }

  port.on('message', (request: PeerThreadRequest) => {
    handle(request).then(
      ({ value, transfer }) => {
        post({ id: request.id, ok: true, value }, transfer);
        if (request.op === 'close') port.close();
      },
      (error: unknown) => post({ id: request.id, ok: false, error: toWireError(error) }),
    );
  });
  post({ started: { address: peer.address, incarnation: peer.incarnation } });
}

void main();
