/**
 * The worker that hosts an embedded peer. The peer's gRPC server runs here, off the main
 * thread, so it keeps serving other processes while the main thread is blocked (a proxy's
 * first synchronous use) or busy: a process blocked on a value never stops serving the values
 * others are blocked on, so two processes cannot deadlock each other.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { detachedCopies, detachedCopy, detachedOwned } from '../core/transfer.js';
import { FilePayload, inMemory, storeOrRelease } from '../core/file-payload.js';
import type { Payload } from '../core/protocol.js';
import { toWireError } from '../util/error-wire.js';
import { markInternalThread } from '../util/internal-thread.js';
import { Peer, type PeerOptions } from './peer.js';
import { newCapability } from './peer-state.js';
import { type PeerThreadReply, type PeerThreadRequest, type PeerThreadValue, type WireFile, type WirePayload } from './peer-thread-protocol.js';
import { newFileName } from './shared-directory.js';

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
  const { state } = peer;
  const { table } = state;
  const waits = new Map<number, AbortController>();
  const directory = state.files?.directory;
  /** A payload from the main thread as the table keeps it: a file it wrote is taken over (named `name`). */
  const kept = (payload: WirePayload | WireFile, name: string): Payload => {
    if (!('file' in payload)) return payload;
    if (directory === undefined) throw new Error('The main thread handed a file to an embedded peer that has no shared-memory directory; this is a proxymesh bug.');
    return directory.adopt(payload.file, name, `An object of the embedded peer ${peer.address}`);
  };

  async function handle(request: PeerThreadRequest): Promise<{ value: PeerThreadValue; transfer?: ArrayBuffer[] }> {
    const withPayload = async (p: Payload | undefined): Promise<{ value: PeerThreadValue; transfer?: ArrayBuffer[] }> => {
      if (p === undefined) return { value: null };
      // A file's bytes were just read for this answer alone; a table's object stays, so it is copied.
      const { payload, transfer } = p instanceof FilePayload ? detachedOwned(await p.load()) : detachedCopy(p);
      return { value: payload, transfer };
    };
    switch (request.op) {
      case 'put':
        return { value: storeOrRelease(kept(request.payload, newFileName()), (p) => table.put(p)) };
      case 'get':
        return withPayload(table.get(request.objectId));
      case 'putBatch':
        return { value: table.putAll(request.payloads) };
      case 'getBatch': {
        const stored = await Promise.all(request.objectIds.map(async (id) => { const p = table.get(id); return p && inMemory(p); }));
        const { payloads, transfer } = detachedCopies(stored);
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
        storeOrRelease(kept(request.payload, request.objectId), (p) => table.set(request.objectId, p, request.capability));
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
  const files = state.files && { directory: state.files.directory.path, minBytes: state.files.minBytes };
  post({ started: { address: peer.address, incarnation: peer.incarnation, files } });
}

void main();
