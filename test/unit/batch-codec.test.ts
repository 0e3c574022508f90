/**
 * The hand-written batch encoder writes exactly what the generated encoder writes, for every
 * kind of part, so any protobuf decoder reads it.
 */
import { describe, expect, it } from 'vitest';
import { GetBatchResponse, PutBatchRequest, type BatchPart } from '../../gen/proxymesh/v1/peer.js';
import { encodeBatchMessage } from '../../src/mesh/batch-codec.js';
import { patternBytes } from '../helpers/data.js';

const parts: BatchPart[] = [
  { part: { $case: 'whole', value: { codec: 'bytes', data: patternBytes(4096, 'a'), crc32c: 0xdeadbeef } } },
  { part: { $case: 'whole', value: { codec: 'utf8', data: Buffer.alloc(0), crc32c: 0 } } },
  { part: { $case: 'whole', value: { codec: 'ĉodec✓', data: Buffer.from('x'), crc32c: 1 } } },
  { part: { $case: 'missing', value: {} } },
  { part: { $case: 'header', value: { codec: 'json', size: 300_000n } } },
  { part: { $case: 'data', value: patternBytes(200_000, 'b') } },
  { part: { $case: 'data', value: Buffer.alloc(0) } },
  { part: { $case: 'data', value: patternBytes(100_000, 'c') } },
  { part: { $case: 'trailer', value: { crc32c: 0xffffffff } } },
  { part: { $case: 'header', value: { codec: '', size: 0n } } },
  { part: { $case: 'trailer', value: { crc32c: 0 } } },
  { part: undefined },
];

describe('encodeBatchMessage', () => {
  // Byte-for-byte the generated encoding, for both messages, with every kind of part and defaults.
  it('matches the generated encoder', () => {
    expect(Buffer.from(encodeBatchMessage({ parts }))).toEqual(Buffer.from(GetBatchResponse.encode({ parts }).finish()));
    expect(Buffer.from(encodeBatchMessage({ parts }))).toEqual(Buffer.from(PutBatchRequest.encode({ parts }).finish()));
    expect(GetBatchResponse.decode(encodeBatchMessage({ parts }))).toEqual({ parts });
  });

  // An empty message encodes as no bytes at all.
  it('encodes no parts as nothing', () => {
    expect(encodeBatchMessage({ parts: [] }).byteLength).toBe(0);
  });
});
