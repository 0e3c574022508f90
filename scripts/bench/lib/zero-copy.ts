/**
 * Prototype of a zero-copy encoder for data pieces. Stock ts-proto + nice-grpc copies each
 * piece three times on send: `BinaryWriter.finish()` concatenates, nice-grpc's
 * `Buffer.from(bytes)` copies again, grpc-js frames it (a third copy, which no encoder avoids).
 * With `--zerocopy` on the command line, the encoders of the four chunk messages write a data
 * part as `[tag 0x12][varint length][payload]` into one buffer that owns its whole ArrayBuffer,
 * whose `valueOf()` returns that ArrayBuffer, so nice-grpc's `Buffer.from` makes a view instead
 * of a copy: three copies become two, and no writer growth. Must run before the server or the
 * client is created (nice-grpc captures `encode` then). In src/, the same encoder belongs next
 * to chunks.ts.
 * @module
 */
import type { BinaryWriter } from '@bufbuild/protobuf/wire';
import { AwaitResponse, GetResponse, PutRequest, SetRequest } from '../../../gen/proxymesh/v1/peer.js';
import { varintBytes } from '../../../src/mesh/wire-codec.js';

/** Field 2 (`data`), wire type 2 (length-delimited). */
const DATA_TAG = 0x12;

interface Encodable<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
}

/** The encoded data message, in a buffer nice-grpc will view rather than copy. */
export function encodeDataPart(payload: Uint8Array): Uint8Array {
  const length = varintBytes(payload.byteLength);
  const out = Buffer.allocUnsafeSlow(1 + length.length + payload.byteLength);
  out[0] = DATA_TAG;
  out.set(length, 1);
  out.set(payload, 1 + length.length);
  const whole = out.buffer;
  Object.defineProperty(out, 'valueOf', { value: () => whole });
  return out;
}

function patch<T extends { part?: { $case: string; value: unknown } | undefined }>(fns: Encodable<T>): void {
  const original = fns.encode.bind(fns);
  fns.encode = (message: T, writer?: BinaryWriter): BinaryWriter => {
    const part = message.part;
    if (writer === undefined && part?.$case === 'data' && part.value instanceof Uint8Array) {
      const bytes = encodeDataPart(part.value);
      return { finish: () => bytes } as unknown as BinaryWriter;
    }
    return original(message, writer);
  };
}

/** Installs the encoders when `--zerocopy` is among this process's arguments. */
export function applyZeroCopyFlag(): void {
  if (!process.argv.includes('--zerocopy')) return;
  patch(GetResponse);
  patch(AwaitResponse);
  patch(PutRequest);
  patch(SetRequest);
}
