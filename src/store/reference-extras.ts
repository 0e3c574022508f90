/**
 * What a reference may carry besides its key and store: a per-proxy deserializer (by codec tag),
 * a resolve deadline and polling options. They travel with the proxy or future, so every process
 * that resolves it decodes, waits and polls the same way.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';
import type { ReferencePolling } from '../core/reference.js';
import { InvalidArgumentError, SerializationError } from '../errors.js';
import type { Deserializer, Serializer } from '../serialize/custom.js';
import { describeKey, errorSentence } from '../serialize/describe.js';
import { getCodec } from '../serialize/registry.js';
import type { PollingOptions } from './polling.js';

/** The optional fields, as a reference holds them. */
export interface ReferenceExtras {
  readonly deserializer?: string;
  readonly timeoutMs?: number;
  readonly polling?: ReferencePolling;
}

/** The same, as options give them (`undefined` meaning absent). */
export interface ExtrasInput {
  readonly deserializer?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly polling?: PollingOptions | undefined;
}

const POLLING_FIELDS = ['initialMs', 'factor', 'maxMs'] as const;

/**
 * The fields to spread into a reference: only those given, polling without its `sleep`.
 * @param input - the deserializer tag, deadline and polling options, any of them absent.
 * @returns the reference's optional fields.
 */
export function referenceExtras(input: ExtrasInput): ReferenceExtras {
  const polling: { -readonly [F in keyof ReferencePolling]: number } = {};
  for (const f of POLLING_FIELDS) if (input.polling?.[f] !== undefined) polling[f] = input.polling[f];
  return {
    ...(input.deserializer !== undefined ? { deserializer: input.deserializer } : {}),
    ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
    ...(Object.keys(polling).length > 0 ? { polling } : {}),
  };
}

/**
 * Checks the optional fields of a parsed reference.
 * @param value - the parsed object.
 * @param bad - makes the error naming what is wrong.
 * @returns the fields that are present.
 * @throws what `bad` makes, when a field has the wrong type.
 */
export function parseReferenceExtras(value: Record<string, unknown>, bad: (what: string) => Error): ReferenceExtras {
  const { deserializer, timeoutMs, polling } = value;
  if (deserializer !== undefined && (typeof deserializer !== 'string' || deserializer === '')) throw bad('"deserializer" must be a codec tag');
  if (timeoutMs !== undefined && !isDuration(timeoutMs)) throw bad('"timeoutMs" must be a number of milliseconds, 0 or more');
  if (polling !== undefined) {
    if (typeof polling !== 'object' || polling === null || Array.isArray(polling)) throw bad('"polling" must be an object');
    for (const [field, v] of Object.entries(polling)) {
      if (!(POLLING_FIELDS as readonly string[]).includes(field) || !isDuration(v)) throw bad(`"polling.${field}" is not a polling option (initialMs, factor, maxMs: numbers)`);
    }
  }
  return referenceExtras({ deserializer, timeoutMs, polling });
}

function isDuration(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * The deserializer a reference names: the registered codec with that tag decodes the payload,
 * whatever tag the payload itself carries.
 * @param tag - the codec's tag.
 * @param key - the key, named in errors.
 * @returns the deserializer.
 */
export function codecDeserializer(tag: string, key: JsonValue): Deserializer {
  return (payload) => {
    const codec = getCodec(tag);
    if (codec === undefined) {
      throw new SerializationError(
        `Cannot decode key ${describeKey(key)}: its proxy names the deserializer "${tag}", but no codec with that tag is registered in this process. Call registerCodec() with it in every process that resolves such proxies.`,
      );
    }
    try {
      return codec.decode(payload.data);
    } catch (error) {
      throw new SerializationError(`The codec "${tag}" named by the proxy of key ${describeKey(key)} could not decode it: ${errorSentence(error)}`, { cause: error });
    }
  };
}

/**
 * Proxy options whose `deserializer` codec also writes the object, unless a serializer is given.
 * @param options - `proxy` or `proxyBatch` options.
 * @returns options with the serializer to put with.
 * @throws InvalidArgumentError when `deserializer` names no registered codec.
 */
export function withCodecSerializer<O extends { readonly deserializer?: string | undefined; readonly serializer?: Serializer | undefined }>(options: O): O {
  const tag = options.deserializer;
  if (tag === undefined) return options;
  checkDeserializerTag(tag);
  if (options.serializer !== undefined) return options;
  return { ...options, serializer: (value: unknown) => ({ codec: tag, data: getCodec(tag)!.encode(value) }) };
}

/**
 * Checks, when a proxy is made, that the codec it names exists here.
 * @param tag - the codec's tag.
 * @throws InvalidArgumentError when no codec with that tag is registered.
 */
export function checkDeserializerTag(tag: string): void {
  if (getCodec(tag) === undefined) {
    throw new InvalidArgumentError(`A proxy's deserializer must name a registered codec, and "${tag}" is not one here. Register it with registerCodec() in this process and in every process that resolves the proxy.`);
  }
}
