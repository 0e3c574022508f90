/**
 * The bare grpc-js baseline's service: raw bytes with identity serializers, so grpc-js adds
 * only its own framing and HTTP/2. Requests for data are an 8-byte size (float64 LE).
 * - `Fetch` (unary): size → that many bytes (the latency floor for a small get);
 * - `Store` (unary): bytes → empty (a small put);
 * - `Get` (server stream): size → pieces of at most 1 MiB (the throughput floor for a get);
 * - `Put` (client stream): a size message, then pieces → empty;
 * - `GetPm` (server stream): size → proxymesh's own Get messages (ts-proto `GetResponse`:
 *   header, data pieces, trailer), to tell the cost of the wire protocol from that of the
 *   nice-grpc plumbing around it (Phase 2);
 * - `PutObjects` (client stream) and `GetObjects` (server stream): batches of small objects in
 *   the least a batch RPC does under proxymesh's contract (lib/packed-objects.ts): a checksum
 *   per object and a key per stored object.
 * @module
 */
import type { ServiceDefinition } from '@grpc/grpc-js';

const id = (b: Buffer): Buffer => b;
const method = (name: string, requestStream: boolean, responseStream: boolean) => ({
  path: `/bench.Raw/${name}`,
  requestStream,
  responseStream,
  requestSerialize: id,
  requestDeserialize: id,
  responseSerialize: id,
  responseDeserialize: id,
});

/** The raw service. */
export const RAW_SERVICE = {
  fetch: method('Fetch', false, false),
  store: method('Store', false, false),
  get: method('Get', false, true),
  put: method('Put', true, false),
  getPm: method('GetPm', false, true),
  putObjects: method('PutObjects', true, false),
  getObjects: method('GetObjects', false, true),
} satisfies ServiceDefinition;

/** The piece size of streamed transfers: proxymesh's default. */
export const PIECE_BYTES = 1024 * 1024;

/** An 8-byte size message. */
export function sizeMessage(size: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeDoubleLE(size, 0);
  return b;
}
