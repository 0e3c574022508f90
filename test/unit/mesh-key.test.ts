/** Mesh keys: a plain JSON object naming owner, incarnation and object, with one canonical string form. */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { formatKey, parseKey, toMeshKey, type MeshKey } from '../../src/mesh/key.js';

const INC = '3f9a0c11d2e4b7a8';
const ID = '0b6c1e2f3a4b5c6d7e8f90a1b2c3d4e5';
const key: MeshKey = { peer: '127.0.0.1:7001', incarnation: INC, id: ID };

/** Runs `f` and returns what it threw, failing the test if it threw nothing. */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as Error;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('formatKey and parseKey', () => {
  // The canonical text form is pm://<peer>/<incarnation>/<id>.
  it('formats the canonical string', () => {
    expect(formatKey(key)).toBe(`pm://127.0.0.1:7001/${INC}/${ID}`);
  });

  // Format then parse gives back the same three fields, for IPv4, names and bracketed IPv6 peers.
  it.each(['127.0.0.1:7001', 'node-3.cluster:65535', '[::1]:7001', '[fd00::2]:1'])('round-trips a key owned by %s', (peer) => {
    const k: MeshKey = { peer, incarnation: INC, id: ID };
    const text = formatKey(k);
    expect(parseKey(text)).toEqual(k);
    expect(formatKey(parseKey(text))).toBe(text);
  });

  // An IPv6 owner keeps its brackets in both forms, so the colons of the host never meet the port's.
  it('keeps an IPv6 peer bracketed', () => {
    const k = parseKey(`pm://[::1]:7001/${INC}/${ID}`);
    expect(k.peer).toBe('[::1]:7001');
    expect(formatKey(k)).toBe(`pm://[::1]:7001/${INC}/${ID}`);
  });

  // A parsed key is a frozen plain object with exactly the three fields.
  it('parses to a frozen object with exactly peer, incarnation and id', () => {
    const k = parseKey(formatKey(key));
    expect(Object.keys(k).sort()).toEqual(['id', 'incarnation', 'peer']);
    expect(Object.isFrozen(k)).toBe(true);
  });

  // Every malformed string is refused with a message that quotes it and says what is wrong.
  it.each([
    ['', /must start with pm:\/\//],
    ['http://127.0.0.1:7001/' + INC + '/' + ID, /must start with pm:\/\//],
    [`pm:/127.0.0.1:7001/${INC}/${ID}`, /must start with pm:\/\//],
    [`pm://127.0.0.1:7001/${INC}`, /expected pm:\/\/<peer>\/<incarnation>\/<id>/],
    [`pm://127.0.0.1:7001/${INC}/${ID}/`, /expected pm:\/\/<peer>\/<incarnation>\/<id>/],
    [`pm://127.0.0.1:7001/x/${INC}/${ID}`, /expected pm:\/\/<peer>\/<incarnation>\/<id>/],
    [`pm://127.0.0.1:7001/${INC.toUpperCase()}/${ID}`, /incarnation must be 16 lowercase hex digits/],
    [`pm://127.0.0.1:7001/${INC.slice(1)}/${ID}`, /incarnation must be 16 lowercase hex digits/],
    [`pm://127.0.0.1:7001/${INC}/${ID}0`, /id must be 32 lowercase hex digits/],
    [`pm://127.0.0.1:7001/${INC}/${ID.replace('0', 'g')}`, /id must be 32 lowercase hex digits/],
    [`pm://127.0.0.1/${INC}/${ID}`, /port is missing/],
    [`pm://127.0.0.1:70010/${INC}/${ID}`, /is not a port/],
    [`pm://::1:7001/${INC}/${ID}`, /IPv6 hosts must be in brackets/],
    [`pm:///${INC}/${ID}`, /port is missing/],
  ])('rejects %j', (text, why) => {
    const error = thrown(() => parseKey(text));
    expect(error.message).toContain(`Invalid mesh key ${JSON.stringify(text)}`);
    expect(error.message).toMatch(why);
  });

  // parseKey called from JavaScript with a non-string is refused by name.
  it.each([[42, '42'], [null, 'null'], [undefined, 'undefined'], [key, JSON.stringify(key)]])('rejects the non-string %s', (value, shown) => {
    const error = thrown(() => parseKey(value as unknown as string));
    expect(error.message).toContain(`Invalid mesh key ${shown}: expected a string`);
  });
});

describe('toMeshKey', () => {
  // A key that went through JSON (a config file, a message, another process) is a usable key again.
  it('accepts a key revived from JSON', () => {
    const revived: unknown = JSON.parse(JSON.stringify(key));
    const k = toMeshKey(revived);
    expect(k).toEqual(key);
    expect(formatKey(k)).toBe(formatKey(key));
  });

  // It normalises: a fresh frozen object with exactly the three fields, whatever else the input carried.
  it('returns a fresh frozen key without extra fields', () => {
    const input = { peer: '[::1]:7001', incarnation: INC, id: ID, extra: 'x', capability: 'secret' };
    const k = toMeshKey(input);
    expect(k).not.toBe(input);
    expect(k).toEqual({ peer: '[::1]:7001', incarnation: INC, id: ID });
    expect(Object.isFrozen(k)).toBe(true);
  });

  // The canonical string form is accepted too and gives the same key.
  it('accepts the string form', () => {
    expect(toMeshKey(formatKey(key))).toEqual(key);
  });

  // Every malformed value is refused with a message that shows it and says which field is wrong.
  it.each([
    [null, 'null', /expected an object with peer, incarnation and id/],
    [undefined, 'undefined', /expected an object with peer, incarnation and id/],
    [7, '7', /expected an object with peer, incarnation and id/],
    [true, 'true', /expected an object with peer, incarnation and id/],
    [{}, '{}', /peer must be a "host:port" string/],
    [[], '[]', /peer must be a "host:port" string/],
    [{ peer: 7001, incarnation: INC, id: ID }, null, /peer must be a "host:port" string/],
    [{ peer: '127.0.0.1:7001', id: ID }, null, /incarnation must be 16 lowercase hex digits/],
    [{ peer: '127.0.0.1:7001', incarnation: 42, id: ID }, null, /incarnation must be 16 lowercase hex digits/],
    [{ peer: '127.0.0.1:7001', incarnation: INC }, null, /id must be 32 lowercase hex digits/],
    [{ peer: '127.0.0.1:7001', incarnation: INC, id: ID.toUpperCase() }, null, /id must be 32 lowercase hex digits/],
    [{ peer: '::1:7001', incarnation: INC, id: ID }, null, /IPv6 hosts must be in brackets/],
    [{ peer: 'localhost', incarnation: INC, id: ID }, null, /port is missing/],
    [{ peer: '', incarnation: INC, id: ID }, null, /port is missing/],
  ])('rejects %j', (value, shownAs, why) => {
    const error = thrown(() => toMeshKey(value));
    expect(error.message).toContain(`Invalid mesh key ${shownAs ?? JSON.stringify(value)}`);
    expect(error.message).toMatch(why);
  });

  // Values JSON cannot show (a bigint, a cycle) are still refused with InvalidArgumentError.
  it('rejects values JSON cannot print', () => {
    const cyclic: Record<string, unknown> = { peer: 'localhost:1' };
    cyclic.self = cyclic;
    expect(thrown(() => toMeshKey(cyclic)).message).toMatch(/^Invalid mesh key \[object Object\]: incarnation must be/);
    expect(thrown(() => toMeshKey(12n)).message).toMatch(/^Invalid mesh key 12n: expected an object/);
  });

  // A huge malformed key is quoted cut short, so the error stays small enough for a gRPC status.
  it('quotes a huge malformed key cut short', () => {
    const message = thrown(() => toMeshKey({ peer: `${'x'.repeat(100_000)}:1`, incarnation: 'z', id: 'q' })).message;
    expect(message.length).toBeLessThan(500);
    expect(message).toContain('characters)');
  });
});
