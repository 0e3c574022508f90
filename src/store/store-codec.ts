/**
 * A store's codec: its custom serializer and deserializer, if any, with per-call overrides, in
 * front of the codec registry. One object, so metrics can wrap it in one place.
 * @module
 */
import type { JsonValue, Payload } from '../core/protocol.js';
import { deserializeWith, serializeWith, type Deserializer, type Serializer } from '../serialize/custom.js';

/** Encodes and decodes a store's objects. */
export interface StoreCodec {
  /**
   * @param value - the object.
   * @param serializer - a per-call serializer, overriding the store's.
   * @returns the payload.
   * @throws TypeError when a serializer returns something other than bytes or a payload.
   * @throws SerializationError when serialising fails.
   */
  encode(value: unknown, serializer?: Serializer): Payload;
  /**
   * @param payload - what the connector returned.
   * @param key - its key, named in errors.
   * @param deserializer - a per-call deserializer, overriding the store's.
   * @returns the object.
   * @throws SerializationError when deserialising fails; the message names the key.
   */
  decode(payload: Payload, key: JsonValue, deserializer?: Deserializer): unknown;
}

/**
 * The codec of a store with these defaults.
 * @param serializer - the store's serializer, if custom.
 * @param deserializer - the store's deserializer, if custom.
 * @returns the store codec.
 */
export function storeCodec(serializer: Serializer | undefined, deserializer: Deserializer | undefined): StoreCodec {
  return {
    encode: (value, override) => serializeWith(value, override ?? serializer),
    decode: (payload, key, override) => deserializeWith(payload, key, override ?? deserializer),
  };
}
