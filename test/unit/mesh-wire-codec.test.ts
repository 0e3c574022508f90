/** The zero-copy codecs of the payload-carrying messages: byte-for-byte the contract's wire format, with payloads as views; no sockets. */
import { describe, expect, it } from 'vitest';
import { AwaitResponse, GetResponse, PutRequest, SetRequest } from '../../gen/proxymesh/v1/peer.js';
import { AwaitResponseCodec, GetResponseCodec, PutRequestCodec, SetRequestCodec, serializeResponseInPlace } from '../../src/mesh/wire/wire-codec.js';
import { patternBytes } from '../helpers/data.js';

const bytes = (codec: { encode(m: never): { finish(): Uint8Array } }, message: unknown): Buffer => Buffer.from(codec.encode(message as never).finish());
const key = { peer: '127.0.0.1:7001', incarnation: '0123456789abcdef', id: 'f'.repeat(32) };

describe('the zero-copy codecs', () => {
  const payload = patternBytes(20_000, 'wire');
  const messages = [
    { part: { $case: 'data' as const, value: payload } },
    { part: { $case: 'whole' as const, value: { codec: 'json', data: payload, crc32c: 0xdeadbeef } } },
    { part: { $case: 'whole' as const, value: { codec: 'bytes', data: Buffer.alloc(0), crc32c: 0 } } },
    { part: { $case: 'header' as const, value: { codec: 'utf8', size: 5n } } },
    { part: { $case: 'trailer' as const, value: { crc32c: 7 } } },
  ];

  // Each encodes exactly what the generated encoder writes, and each decodes what the generated encoder wrote.
  it.each([
    ['PutRequest', PutRequest, PutRequestCodec],
    ['GetResponse', GetResponse, GetResponseCodec],
    ['AwaitResponse', AwaitResponse, AwaitResponseCodec],
  ] as const)('%s matches the generated code both ways', (_, generated, codec) => {
    for (const message of messages) {
      const wire = bytes(generated, message);
      expect(bytes(codec, message).equals(wire)).toBe(true);
      expect(codec.decode(wire)).toEqual(generated.decode(wire));
    }
  });

  // A received data piece or whole object is a view of the message grpc-js handed over, not a copy.
  it('decodes payloads as views of the received message', () => {
    const data = bytes(GetResponse, messages[0]);
    const piece = GetResponseCodec.decode(data).part;
    expect(piece?.$case === 'data' && piece.value.buffer).toBe(data.buffer);
    const whole = bytes(PutRequest, messages[1]);
    const part = PutRequestCodec.decode(whole).part;
    expect(part?.$case === 'whole' && part.value.data.buffer).toBe(whole.buffer);
    expect(part?.$case === 'whole' && Buffer.from(part.value.data).equals(payload)).toBe(true);
  });

  // The peer's in-place serialiser writes what the generated encoder writes, for small and large pieces, whole objects, headers and trailers; large ones share one buffer.
  it('serialises responses in place, byte for byte', () => {
    const serialize = serializeResponseInPlace(GetResponseCodec);
    const large = { part: { $case: 'data' as const, value: patternBytes(100_000, 'large') } };
    for (const message of [...messages, large] as GetResponse[]) expect(serialize(message).equals(bytes(GetResponse, message))).toBe(true);
    const other = { part: { $case: 'data' as const, value: patternBytes(100_000, 'other') } };
    expect(serialize(other).buffer).toBe(serialize(large).buffer);
  });

  // Messages the fast path does not cover (an unknown field too, a oneof set twice, a truncated one) get the generated decoder's answer.
  it('leaves unusual messages to the generated decoder', () => {
    const piece = bytes(GetResponse, messages[0]);
    const withUnknown = Buffer.concat([piece, Buffer.from([0x28, 0x01])]);
    expect(GetResponseCodec.decode(withUnknown)).toEqual(GetResponse.decode(withUnknown));
    const twice = Buffer.concat([piece, bytes(GetResponse, messages[4])]);
    expect(GetResponseCodec.decode(twice)).toEqual({ part: { $case: 'trailer', value: { crc32c: 7 } } });
    expect(() => GetResponseCodec.decode(piece.subarray(0, 100))).toThrow();
  });

  // A Set header carrying the whole object, and Set's data pieces, are the generated encoder's bytes too.
  it('encodes SetRequest headers with a whole object, and data pieces', () => {
    for (const message of [
      { part: { $case: 'header' as const, value: { key, payload: { $case: 'whole' as const, value: { codec: 'v8', data: payload, crc32c: 1 } }, capability: 'cap' } } },
      { part: { $case: 'header' as const, value: { key, payload: { $case: 'whole' as const, value: { codec: 'v8', data: Buffer.from('x'), crc32c: 0 } }, capability: '' } } },
      { part: { $case: 'header' as const, value: { key, payload: { $case: 'object' as const, value: { codec: 'v8', size: 3n } }, capability: 'c' } } },
      { part: { $case: 'data' as const, value: payload } },
    ]) {
      const wire = bytes(SetRequest, message);
      expect(bytes(SetRequestCodec, message).equals(wire)).toBe(true);
      expect(SetRequestCodec.decode(wire)).toEqual(SetRequest.decode(wire));
    }
  });
});
