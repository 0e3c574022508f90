/**
 * The worker that computes the checksums of large objects a client receives (crc-offload.ts):
 * a running CRC-32C per object, fed its pieces in order.
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { markInternalThread } from '../../util/internal-thread.js';
import { crc32c } from './crc32c.js';
import type { CrcReply, CrcRequest } from './crc-offload.js';

markInternalThread();
const port = parentPort!;
const running = new Map<number, number>();

port.on('message', (request: CrcRequest) => {
  const { id } = request;
  if (request.kind === 'piece') {
    running.set(id, crc32c(request.piece, running.get(id) ?? 0));
    const read: CrcReply = { kind: 'read', bytes: request.piece.byteLength };
    port.postMessage(read);
  } else if (request.kind === 'end') {
    const reply: CrcReply = { kind: 'crc', id, crc: running.get(id) ?? 0 };
    running.delete(id);
    port.postMessage(reply);
  } else {
    running.delete(id);
  }
});
