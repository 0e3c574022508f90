import { describe, expect, it } from 'vitest';
import { SerializationError } from '../../src/errors.js';
import { deserializeWith, serializeWith } from '../../src/serialize/custom.js';
import { isJsonExact } from '../../src/serialize/json.js';
import { getCodec, registerCodec, unregisterCodec } from '../../src/serialize/registry.js';
import { deserialize, serialize } from '../../src/serialize/serialize.js';
import { ownedPayload } from '../../src/serialize/borrowed.js';
import type { Codec } from '../../src/serialize/codec.js';

const roundTrip = (value: unknown): unknown => deserialize(serialize(value));

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

const pointCodec: Codec<Point> = {
  tag: 'test.point',
  supports: (v): v is Point => v instanceof Point,
  encode: (p) => new Uint8Array(new Float64Array([p.x, p.y]).buffer),
  decode: (data) => {
    const xy = new Float64Array(data.slice().buffer);
    return new Point(xy[0] ?? NaN, xy[1] ?? NaN);
  },
};

describe('codec choice', () => {
  // The built-ins are tried in order bytes → utf8 → json → v8, and each value lands on the first that fits.
  it.each([
    ['bytes', new Uint8Array([1, 2, 3])],
    ['bytes', Buffer.from('hi')],
    ['utf8', 'héllo'],
    ['json', { a: [1, 'two', null, true], b: { c: 1.5 } }],
    ['json', 42],
    ['json', null],
    ['v8', new Map([[1, 'one']])],
    ['v8', undefined],
    ['v8', 10n],
    ['v8', NaN],
    ['v8', -0],
    ['v8', new Date(0)],
  ])('writes with %s: %o', (tag, value) => {
    expect(serialize(value).codec).toBe(tag);
  });

  // A lone surrogate cannot be UTF-8, so it goes to json, which escapes it and gives it back exactly.
  it('sends strings with lone surrogates to json and keeps them exact', () => {
    const text = 'a\uD800b';
    expect(serialize(text).codec).toBe('json');
    expect(roundTrip(text)).toBe(text);
  });

  // json only takes values that JSON gives back equal: anything lossy falls through to v8.
  it('only calls values JSON-exact when JSON gives them back unchanged', () => {
    const shared = { s: 1 };
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const sparse: unknown[] = [];
    sparse[2] = 1;
    expect(isJsonExact({ a: [1, { b: 'c' }], d: null })).toBe(true);
    expect(isJsonExact(Object.create(null) as object)).toBe(true);
    expect(isJsonExact({ a: undefined })).toBe(false);
    expect(isJsonExact([1, Infinity])).toBe(false);
    expect(isJsonExact({ n: -0 })).toBe(false);
    expect(isJsonExact([shared, shared])).toBe(false);
    expect(isJsonExact(cyclic)).toBe(false);
    expect(isJsonExact(sparse)).toBe(false);
    expect(isJsonExact({ [Symbol('s')]: 1 })).toBe(false);
    expect(isJsonExact(new Date(0))).toBe(false);
    expect(isJsonExact(new (class extends Array {})())).toBe(false);
  });

  // json payloads are plain UTF-8 JSON text, so any language can read them.
  it('writes json as plain UTF-8 JSON text', () => {
    expect(new TextDecoder().decode(serialize({ a: [1, 'x'] }).data)).toBe('{"a":[1,"x"]}');
  });
});

describe('round trips', () => {
  // v8 carries what JSON cannot: Maps, Sets, Dates, BigInts, typed arrays, undefined and cycles.
  it('round-trips rich values through v8', () => {
    const cyclic: Record<string, unknown> = { when: new Date(1_700_000_000_000) };
    cyclic['self'] = cyclic;
    const value = {
      map: new Map<unknown, unknown>([['k', new Set([1n, 2n])]]),
      floats: new Float32Array([1.5, -2]),
      missing: undefined,
      nested: [{ deep: [new Date(5)] }],
    };
    expect(roundTrip(value)).toEqual(value);
    const back = roundTrip(cyclic) as Record<string, unknown>;
    expect(back['self']).toBe(back);
    expect(back['when']).toEqual(new Date(1_700_000_000_000));
  });

  // Bytes come back as a plain Uint8Array (not a Buffer), whatever went in, and encoding takes a snapshot.
  it('encodes bytes without copying them, marked as borrowed, and decodes them as a plain Uint8Array', () => {
    const input = Buffer.from([7, 8, 9]);
    const payload = serialize(input);
    // A view of the caller's bytes: a connector that keeps payloads must copy it (ownedPayload).
    expect(payload.data.buffer).toBe(input.buffer);
    const owned = ownedPayload(payload);
    expect(owned.data.buffer).not.toBe(input.buffer);
    input[0] = 0;
    expect([...owned.data]).toEqual([7, 8, 9]);
    // A payload that is not borrowed (what other codecs make) is kept as it is.
    const made = serialize('text');
    expect(ownedPayload(made)).toBe(made);
    const out = deserialize(owned);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(out)).toBe(false);
    expect([...(out as Uint8Array)]).toEqual([7, 8, 9]);
  });

  // Decoding a Buffer payload (as file or network connectors produce) still gives a plain Uint8Array view.
  it('views a Buffer payload as a plain Uint8Array', () => {
    const out = deserialize({ codec: 'bytes', data: Buffer.from([1, 2]) });
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
    expect([...(out as Uint8Array)]).toEqual([1, 2]);
  });
});

describe('errors', () => {
  // An unknown tag is a SerializationError naming the tag and the key, with what to do.
  it('refuses an unknown codec tag, naming it and the key', () => {
    const read = (): unknown => deserialize({ codec: 'nope', data: new Uint8Array() }, { id: 'k1' });
    expect(read).toThrow(SerializationError);
    expect(read).toThrow(/\{"id":"k1"\}.*tag "nope".*registerCodec/);
  });

  // Corrupt bytes are a SerializationError naming the codec and key, with the codec's error as cause.
  it('reports a decode failure with the codec, the key and the cause', () => {
    let error: unknown;
    try {
      deserialize({ codec: 'json', data: new TextEncoder().encode('{not json') }, 'key-7');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as Error).message).toMatch(/"json" codec.*key "key-7"/);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  // Invalid UTF-8 is corruption, not text to patch with replacement characters.
  it('refuses invalid UTF-8', () => {
    expect(() => deserialize({ codec: 'utf8', data: new Uint8Array([0xff, 0xfe]) }, 'k')).toThrow(SerializationError);
  });

  // Functions and class instances are refused with advice rather than silently losing their prototype.
  it('refuses functions and class instances without a codec', () => {
    expect(() => serialize(() => 1)).toThrow(/No codec can serialise a function/);
    expect(() => serialize(new Point(1, 2))).toThrow(/instance of Point.*registerCodec/);
  });
});

describe('registry', () => {
  // A registered codec is tried before the built-ins, and its tag travels with the payload.
  it('uses a registered codec first, and reads with it by tag', () => {
    registerCodec(pointCodec);
    try {
      const payload = serialize(new Point(1, 2));
      expect(payload.codec).toBe('test.point');
      expect(deserialize(payload)).toEqual(new Point(1, 2));
      expect(getCodec('test.point')).toBe(pointCodec);
    } finally {
      expect(unregisterCodec('test.point')).toBe(true);
    }
    expect(getCodec('test.point')).toBeUndefined();
  });

  // Built-in tags, duplicates and malformed tags are refused.
  it('refuses built-in, duplicate and malformed tags', () => {
    expect(() => registerCodec({ ...pointCodec, tag: 'json' })).toThrow(/built in/);
    expect(() => registerCodec({ ...pointCodec, tag: 'bad tag!' })).toThrow(/not valid/);
    registerCodec(pointCodec);
    try {
      expect(() => registerCodec(pointCodec)).toThrow(/already registered/);
    } finally {
      unregisterCodec('test.point');
    }
  });
});

describe('custom serializers', () => {
  // Bare bytes from a serializer are tagged `custom`; a payload keeps its own tag.
  it('tags bare bytes as custom and keeps a returned payload as is', () => {
    expect(serializeWith('x', () => new Uint8Array([1])).codec).toBe('custom');
    const payload = { codec: 'utf8', data: new TextEncoder().encode('y') };
    expect(serializeWith('x', () => payload)).toBe(payload);
  });

  // As in ProxyStore, a serializer that does not return bytes is a TypeError.
  it('throws TypeError when a serializer returns something other than bytes', () => {
    expect(() => serializeWith('x', () => 'not bytes' as unknown as Uint8Array)).toThrow(TypeError);
  });

  // A failing serializer or deserializer becomes a SerializationError, naming the key on read.
  it('wraps serializer and deserializer failures', () => {
    const boom = (): never => {
      throw new Error('boom');
    };
    expect(() => serializeWith('x', boom)).toThrow(SerializationError);
    expect(() => deserializeWith({ codec: 'custom', data: new Uint8Array() }, 'k9', boom)).toThrow(/custom deserializer failed on key "k9".*boom/);
  });

  // Without the matching deserializer, a custom payload's error says what is missing.
  it('explains a custom payload read without its deserializer', () => {
    expect(() => deserializeWith({ codec: 'custom', data: new Uint8Array() }, 'k', undefined)).toThrow(/custom serializer.*matching deserializer/);
  });
});
