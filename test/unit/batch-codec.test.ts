/**
 * The hand-written batch encoder writes exactly what the generated encoder writes, for every
 * kind of part, so any protobuf decoder reads it.
 */
import { describe, expect, it } from 'vitest';
import { GetBatchRequest, GetBatchResponse, PutBatchRequest, type BatchPart } from '../../gen/proxymesh/v1/peer.js';
import { encodeGetBatchRequest } from '../../src/mesh/wire/batch-request.js';
import { encodeBatchMessage } from '../../src/mesh/wire/batch-codec.js';
import { decodeBatchMessage } from '../../src/mesh/wire/batch-decode.js';
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

  // The view decoder reads what the generated encoder writes, unknown fields included, exactly as the generated decoder does.
  it('decodes as the generated decoder does', () => {
    const encoded = GetBatchResponse.encode({ parts }).finish();
    expect(decodeBatchMessage(encoded)).toEqual(GetBatchResponse.decode(encoded));
    // Unknown fields of every wire type, at the top level and inside a part, are skipped.
    const unknown = Buffer.from([0x10, 0x96, 0x01, 0x19, 1, 2, 3, 4, 5, 6, 7, 8, 0x25, 1, 2, 3, 4, 0x3a, 0x02, 0xaa, 0xbb]);
    const part = Buffer.concat([Buffer.from([0x0a, unknown.byteLength + 4, 0x22, 0x02, 0x08, 0x05]), unknown]);
    const withUnknown = Buffer.concat([unknown, part, encoded]);
    expect(decodeBatchMessage(withUnknown)).toEqual(GetBatchResponse.decode(withUnknown));
    expect(decodeBatchMessage(withUnknown).parts[0]).toEqual({ part: { $case: 'trailer', value: { crc32c: 5 } } });
  });

  // Truncated or malformed bytes are an error, never a wrong message.
  it('refuses malformed bytes', () => {
    const encoded = Buffer.from(GetBatchResponse.encode({ parts }).finish());
    expect(() => decodeBatchMessage(encoded.subarray(0, encoded.byteLength - 1))).toThrow(/past the end/);
    expect(() => decodeBatchMessage(Buffer.from([0x0a, 0x05, 0x1a]))).toThrow(/past the end/);
    expect(() => decodeBatchMessage(Buffer.from([0x0b]))).toThrow(/wire type 3/);
  });
});

describe('encodeGetBatchRequest', () => {
  // Byte-for-byte the generated encoding: repeated and distinct peers and incarnations, a repeated key, non-ASCII and empty strings.
  it('matches the generated encoder', () => {
    const id = (n: number): string => n.toString(16).padStart(32, '0');
    const keys = [
      { peer: '127.0.0.1:7001', incarnation: '0123456789abcdef', id: id(1) },
      { peer: '127.0.0.1:7001', incarnation: '0123456789abcdef', id: id(2) },
      { peer: '127.0.0.1:7001', incarnation: 'fedcba9876543210', id: id(1) },
      { peer: '[::1]:7002', incarnation: '0123456789abcdef', id: id(1) },
      { peer: 'höst.example:1', incarnation: '', id: '' },
      { peer: '', incarnation: '', id: 'x'.repeat(200) },
      { peer: '127.0.0.1:7001', incarnation: '0123456789abcdef', id: id(1) },
    ];
    expect(encodeGetBatchRequest({ keys })).toEqual(Buffer.from(GetBatchRequest.encode({ keys }).finish()));
    expect(GetBatchRequest.decode(encodeGetBatchRequest({ keys }))).toEqual({ keys });
    expect(encodeGetBatchRequest({ keys: [] }).byteLength).toBe(0);
  });
});
