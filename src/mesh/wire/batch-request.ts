/**
 * A client's encoder of GetBatchRequest: the generated encoder's bytes, written into one buffer.
 * The keys of one batch share their peer and almost always their incarnation, so those strings
 * are encoded once per request and copied after that, where the generated encoder UTF-8-encoded
 * all three strings of each of up to 10,000 keys, in nested writers.
 * @module
 */
import type { GetBatchRequest } from '../../../gen/proxymesh/v1/peer.js';
import { lengthDelimitedSize, tag, writeVarint } from './protobuf.js';

// Field tags of peer.proto: GetBatchRequest.keys = 1; Key.peer = 1, incarnation = 2, id = 3.
const KEYS = tag(1);
const PEER = tag(1);
const INCARNATION = tag(2);
const ID = tag(3);

/** A string field's size: tag, length, UTF-8 bytes; nothing for an empty string, as proto3 omits it. */
const fieldSize = (bytes: number): number => (bytes === 0 ? 0 : lengthDelimitedSize(bytes));

/** Writes a string field of `bytes` UTF-8 bytes at `pos`; returns the position after it. */
function writeField(out: Buffer, pos: number, fieldTag: number, text: string, bytes: number): number {
  if (bytes === 0) return pos;
  out[pos] = fieldTag;
  const at = writeVarint(out, pos + 1, bytes);
  return at + out.write(text, at, 'utf8');
}

/** A string field encoded once per request and copied into each key that repeats it. */
class Repeated {
  readonly #known = new Map<string, Buffer>();
  constructor(readonly tag: number) {}

  of(text: string): Buffer {
    let field = this.#known.get(text);
    if (field === undefined) {
      const bytes = Buffer.byteLength(text, 'utf8');
      field = Buffer.allocUnsafe(fieldSize(bytes));
      writeField(field, 0, this.tag, text, bytes);
      this.#known.set(text, field);
    }
    return field;
  }
}

/**
 * Encodes a GetBatchRequest, byte for byte as the generated encoder does.
 * @param request - the keys to read.
 * @returns the encoded message.
 */
export function encodeGetBatchRequest(request: GetBatchRequest): Buffer {
  const peers = new Repeated(PEER);
  const incarnations = new Repeated(INCARNATION);
  const keys = request.keys.map((key) => {
    const peer = peers.of(key.peer);
    const incarnation = incarnations.of(key.incarnation);
    const idBytes = Buffer.byteLength(key.id, 'utf8');
    return { peer, incarnation, id: key.id, idBytes, size: peer.byteLength + incarnation.byteLength + fieldSize(idBytes) };
  });
  const out = Buffer.allocUnsafe(keys.reduce((sum, key) => sum + lengthDelimitedSize(key.size), 0));
  let pos = 0;
  for (const key of keys) {
    out[pos] = KEYS;
    pos = writeVarint(out, pos + 1, key.size);
    pos += key.peer.copy(out, pos);
    pos += key.incarnation.copy(out, pos);
    pos = writeField(out, pos, ID, key.id, key.idBytes);
  }
  return out;
}
