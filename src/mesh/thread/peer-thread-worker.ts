/**
 * The worker that hosts an embedded peer. The peer's gRPC server runs here, off the main
 * thread, so it keeps serving other processes while the main thread is blocked (a proxy's
 * first synchronous use) or busy: a process blocked on a value never stops serving the values
 * others are blocked on, so two processes cannot deadlock each other.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { detachedCopies, detachedCopy, detachedOwned } from '../../core/transfer.js';
import { FilePayload, inMemory, storeOrRelease } from '../../core/file-payload.js';
import type { Payload } from '../../core/protocol.js';
import { toPostedError } from '../../util/posted-error.js';
import { markInternalThread } from '../../util/internal-thread.js';
import { Peer, type PeerOptions } from '../server/peer.js';
import { issueKey } from '../server/peer-state.js';
import type { Answer, PeerThreadHandlers, PeerThreadOp, PeerThreadReply, PeerThreadRequest, PeerThreadResult, WireFile, WirePayload } from './peer-thread-protocol.js';
import { newFileName } from '../wire/shared-directory.js';
import { newObjectId } from '../../core/object-id.js';

markInternalThread();
const port = parentPort!;
const post = (reply: PeerThreadReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);

async function main(): Promise<void> {
  let peer: Peer;
  try {
    peer = await Peer.start(workerData as PeerOptions);
  } catch (error) {
    post({ failed: toPostedError(error) });
    return;
  }
  const { state } = peer;
  const { table } = state;
  const waits = new Map<number, AbortController>();
  const directory = state.files?.directory;
  /**
   * A payload from the main thread as the table keeps it: a file it wrote is taken over (named
   * `name`); a small value is mirrored into the directory as `name` when `mirror` (the name is
   * the object's id, which same-host readers look for: host-objects.ts).
   */
  const kept = (payload: WirePayload | WireFile, name: string, mirror = true): Payload => {
    if (!('file' in payload)) return mirror ? state.mirror(name, payload) : payload;
    if (directory === undefined) throw new Error('The main thread handed a file to an embedded peer that has no shared-memory directory; this is a proxymesh bug.');
    return directory.adopt(payload.file, name, `An object of the embedded peer ${peer.address}`);
  };

  /** A payload as an answer: a file's bytes were just read for this answer alone; a table's object stays, so it is copied. */
  const answerPayload = async (p: Payload): Promise<Answer<WirePayload>> => {
    const { payload, transfer } = p instanceof FilePayload ? detachedOwned(await p.load()) : detachedCopy(p);
    return { value: payload, transfer };
  };
  const handlers: PeerThreadHandlers = {
    put: (_, payload) => {
      const id = newObjectId();
      return { value: storeOrRelease(kept(payload, id), (p) => table.put(p, undefined, id)) };
    },
    get: async (_, objectId) => {
      const p = table.get(objectId);
      return p === undefined ? { value: null } : answerPayload(p);
    },
    putBatch: (_, payloads) => ({ value: table.putAll(payloads) }),
    getBatch: async (_, objectIds) => {
      const stored = await Promise.all(objectIds.map(async (id) => { const p = table.get(id); return p && inMemory(p); }));
      const { payloads, transfer } = detachedCopies(stored);
      return { value: payloads, transfer };
    },
    exists: (_, objectId) => ({ value: table.exists(objectId) }),
    evict: (_, objectId) => ({ value: table.evict(objectId) }),
    newKey: () => ({ value: issueKey(table) }),
    set: (_, objectId, payload, capability) => {
      storeOrRelease(kept(payload, objectId), (p) => table.set(objectId, p, capability));
      return { value: null };
    },
    replace: (_, objectId, payload) => {
      // The old value's file keeps the key's name until it goes: the new one takes another.
      storeOrRelease(kept(payload, newFileName(), false), (p) => table.replaceOwned(objectId, p));
      return { value: null };
    },
    expire: (_, objectId, ms) => {
      table.expire(objectId, ms);
      return { value: null };
    },
    wait: async (signal, objectId) => answerPayload(await table.wait(objectId, signal)),
    stats: () => ({ value: table.stats() }),
    close: async () => {
      await peer.close();
      return { value: null };
    },
  };

  // The signal of every request but a wait: nothing cancels those, so none needs its own.
  const uncancellable = new AbortController().signal;

  /** Runs one request; only a wait can be cancelled, so only a wait gets a controller. */
  async function handle(request: Exclude<PeerThreadRequest, { op: 'cancel' }>): Promise<Answer<PeerThreadResult<PeerThreadOp>>> {
    let signal = uncancellable;
    if (request.op === 'wait') {
      const controller = new AbortController();
      waits.set(request.id, controller);
      signal = controller.signal;
    }
    try {
      // The one untyped step: the request's op and args were typed together by the main side.
      const run = handlers[request.op] as (signal: AbortSignal, ...args: unknown[]) => Answer<PeerThreadResult<PeerThreadOp>> | Promise<Answer<PeerThreadResult<PeerThreadOp>>>;
      return await run(signal, ...request.args);
    } finally {
      if (request.op === 'wait') waits.delete(request.id);
    }
  }

  port.on('message', (request: PeerThreadRequest) => {
    if (request.op === 'cancel') {
      waits.get(request.target)?.abort(new Error('cancelled by the main thread'));
      return;
    }
    handle(request).then(
      ({ value, transfer }) => {
        post({ id: request.id, ok: true, value }, transfer);
        if (request.op === 'close') port.close();
      },
      (error: unknown) => post({ id: request.id, ok: false, error: toPostedError(error) }),
    );
  });
  const files = state.files && { directory: state.files.directory.path, minBytes: state.files.minBytes };
  post({ started: { address: peer.address, incarnation: peer.incarnation, files } });
}

void main();
