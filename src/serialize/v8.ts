/**
 * The `v8` codec: Node's structured serialisation, for values JSON cannot hold exactly.
 * @module
 */
import { deserialize, serialize } from 'node:v8';
import type { Codec } from './codec.js';

// Prototypes v8 serialisation writes and reads back as the same kind of object. An instance of
// any other class would come back as a plain object without its methods, silently.
const faithful = new Set<unknown>(
  [
    Object.prototype,
    Array.prototype,
    Map.prototype,
    Set.prototype,
    Date.prototype,
    RegExp.prototype,
    ArrayBuffer.prototype,
    SharedArrayBuffer.prototype,
    DataView.prototype,
    Buffer.prototype,
    Error.prototype,
    EvalError.prototype,
    RangeError.prototype,
    ReferenceError.prototype,
    SyntaxError.prototype,
    TypeError.prototype,
    URIError.prototype,
    Boolean.prototype,
    Number.prototype,
    String.prototype,
    BigInt.prototype,
    null,
  ].concat(
    [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array].map(
      (c) => c.prototype,
    ),
  ),
);

/**
 * Values Node's `v8.serialize` round-trips: `undefined`, NaN, -0, BigInt, Map, Set, Date,
 * RegExp, typed arrays and Buffers, errors, shared references and cycles, nested in any way.
 *
 * It declines functions, symbols and, at the top level, instances of other classes (which v8
 * would turn into plain objects): register a codec for such a class. Class instances nested
 * inside a supported value still arrive as plain objects; that check would cost a full walk.
 */
export const v8Codec: Codec = {
  tag: 'v8',
  supports: (value): value is unknown => {
    if (typeof value === 'function' || typeof value === 'symbol') return false;
    if (typeof value !== 'object' || value === null) return true;
    return faithful.has(Object.getPrototypeOf(value));
  },
  encode: (value) => serialize(value),
  decode: (data): unknown => deserialize(data) as unknown,
};
