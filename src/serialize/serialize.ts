/**
 * `serialize` and `deserialize`: values to tagged payloads and back, through the codec registry.
 * @module
 */
import type { JsonValue, Payload } from '../core/protocol.js';
import { SerializationError } from '../errors.js';
import { describeKey, describeValue, errorSentence } from './describe.js';
import { CUSTOM_CODEC_TAG, codecs, getCodec } from './registry.js';

/**
 * Writes a value with the first codec that supports it.
 * @param value - any value a codec supports.
 * @returns the payload: the codec's tag and the bytes.
 * @throws SerializationError when no codec supports the value or the chosen codec fails; the
 * message names the codec.
 * @example
 * ```ts
 * serialize('hi'); // { codec: 'utf8', data: Uint8Array [104, 105] }
 * serialize(new Map()); // { codec: 'v8', data: … }
 * ```
 */
export function serialize(value: unknown): Payload {
  for (const codec of codecs()) {
    if (!codec.supports(value)) continue;
    try {
      return { codec: codec.tag, data: codec.encode(value) };
    } catch (error) {
      throw new SerializationError(`The "${codec.tag}" codec could not serialise ${describeValue(value)}: ${errorSentence(error)}`, { cause: error });
    }
  }
  throw new SerializationError(
    `No codec can serialise ${describeValue(value)}. Functions, symbols and class instances need a codec: register one with registerCodec(), or pass a serializer to the store.`,
  );
}

/**
 * Reads a payload with the codec its tag names.
 * @param payload - what a connector returned.
 * @param key - the key it was read from, named in errors.
 * @returns the decoded value.
 * @throws SerializationError when no codec has the payload's tag or decoding fails; the message
 * names the codec and the key.
 */
export function deserialize(payload: Payload, key?: JsonValue): unknown {
  const codec = getCodec(payload.codec);
  const where = key === undefined ? 'a payload' : `key ${describeKey(key)}`;
  if (codec === undefined) {
    const hint =
      payload.codec === CUSTOM_CODEC_TAG
        ? 'It was written by a custom serializer: read it with a store built with the matching deserializer (register that store with registerStore() so proxies find it).'
        : `Register the codec that wrote it with registerCodec() in this process.`;
    throw new SerializationError(`Cannot deserialise ${where}: no codec with tag ${JSON.stringify(payload.codec)} is registered. ${hint}`);
  }
  try {
    return codec.decode(payload.data);
  } catch (error) {
    throw new SerializationError(`The "${codec.tag}" codec could not deserialise ${where}: ${errorSentence(error)} The payload is corrupt or was written by another codec.`, {
      cause: error,
    });
  }
}
