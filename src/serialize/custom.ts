/**
 * Custom serialisers, per store and per call, as ProxyStore has them: a `serializer` turns a
 * value into bytes (or a tagged payload) and a `deserializer` turns a payload back.
 * @module
 */
import type { JsonValue, Payload } from '../core/protocol.js';
import { SerializationError } from '../errors.js';
import { describeKey, describeValue, errorSentence } from './describe.js';
import { CUSTOM_CODEC_TAG } from './registry.js';
import { deserialize, serialize } from './serialize.js';

/**
 * Turns a value into bytes. Bare bytes are tagged `custom`; return a `Payload` to choose the
 * tag (for instance one a registered codec reads, so default stores can read it too).
 */
export type Serializer = (value: unknown) => Uint8Array | Payload;

/**
 * Turns a payload back into a value. It receives every payload the store reads, whatever its
 * tag; call `deserialize(payload)` for tags it does not handle.
 */
export type Deserializer = (payload: Payload) => unknown;

function isPayload(value: unknown): value is Payload {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<Record<keyof Payload, unknown>>;
  return typeof p.codec === 'string' && p.data instanceof Uint8Array;
}

/**
 * Writes a value with a custom serializer, or with the codec registry when there is none.
 * @param value - the value.
 * @param serializer - the custom serializer, if any.
 * @returns the payload.
 * @throws TypeError when the serializer returns neither bytes nor a payload (as ProxyStore does).
 * @throws SerializationError when the serializer or the codec fails.
 */
export function serializeWith(value: unknown, serializer: Serializer | undefined): Payload {
  if (serializer === undefined) return serialize(value);
  let out: unknown;
  try {
    out = serializer(value);
  } catch (error) {
    throw new SerializationError(`The custom serializer failed on ${describeValue(value)}: ${errorSentence(error)}`, { cause: error });
  }
  if (out instanceof Uint8Array) return { codec: CUSTOM_CODEC_TAG, data: out };
  if (isPayload(out)) return out;
  throw new TypeError(`The custom serializer returned ${describeValue(out)}, but a serializer must return a Uint8Array or a Payload {codec, data}.`);
}

/**
 * Reads a payload with a custom deserializer, or with the codec registry when there is none.
 * @param payload - the payload.
 * @param key - the key it was read from, named in errors.
 * @param deserializer - the custom deserializer, if any.
 * @returns the value.
 * @throws SerializationError when the deserializer or the codec fails; the message names the key.
 */
export function deserializeWith(payload: Payload, key: JsonValue, deserializer: Deserializer | undefined): unknown {
  if (deserializer === undefined) return deserialize(payload, key);
  try {
    return deserializer(payload);
  } catch (error) {
    if (error instanceof SerializationError) throw error;
    throw new SerializationError(
      `The custom deserializer failed on key ${describeKey(key)} (codec tag ${JSON.stringify(payload.codec)}): ${errorSentence(error)}`,
      { cause: error },
    );
  }
}
