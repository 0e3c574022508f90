/**
 * The codec registry: codecs by tag, and the order `serialize` tries them in. Codecs registered
 * by the program are tried first (in registration order), then the built-ins
 * `bytes` → `utf8` → `json` → `v8`, so a program can claim any value it wants written its way.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { bytesCodec } from './bytes.js';
import type { Codec } from './codec.js';
import { jsonCodec } from './json.js';
import { utf8Codec } from './utf8.js';
import { v8Codec } from './v8.js';

/** Tag of payloads written by a store's custom `serializer` that returned bare bytes. */
export const CUSTOM_CODEC_TAG = 'custom';

const builtins: readonly Codec[] = [bytesCodec, utf8Codec, jsonCodec, v8Codec];
const reserved = new Set([...builtins.map((c) => c.tag), CUSTOM_CODEC_TAG]);
const custom = new Map<string, Codec>();
const TAG = /^[A-Za-z0-9._+/-]{1,64}$/;

/**
 * Adds a codec, tried before the built-ins (and after codecs registered earlier). Register the
 * same codec in every process that reads its payloads.
 * @param codec - the codec; its tag must be new.
 * @throws InvalidArgumentError when the tag is malformed, built in, or already registered.
 */
export function registerCodec<T>(codec: Codec<T>): void {
  if (!TAG.test(codec.tag)) {
    throw new InvalidArgumentError(`Codec tag ${JSON.stringify(codec.tag)} is not valid: use 1 to 64 characters of letters, digits and . _ + / -.`);
  }
  if (reserved.has(codec.tag)) {
    throw new InvalidArgumentError(`Codec tag "${codec.tag}" is built in and cannot be replaced: give your codec a tag of its own, such as "app.${codec.tag}".`);
  }
  if (custom.has(codec.tag)) {
    throw new InvalidArgumentError(`A codec with tag "${codec.tag}" is already registered: unregister it first with unregisterCodec("${codec.tag}").`);
  }
  custom.set(codec.tag, codec);
}

/**
 * Removes a codec registered with `registerCodec`.
 * @param tag - the codec's tag.
 * @returns whether a codec was removed (built-ins never are).
 */
export function unregisterCodec(tag: string): boolean {
  return custom.delete(tag);
}

/**
 * The codec that reads payloads with this tag.
 * @param tag - a payload's `codec` field.
 * @returns the codec, or `undefined` when none is registered in this process.
 */
export function getCodec(tag: string): Codec | undefined {
  return custom.get(tag) ?? builtins.find((c) => c.tag === tag);
}

/**
 * Every codec, in the order `serialize` tries them.
 * @returns registered codecs first, then the built-ins.
 */
export function codecs(): Iterable<Codec> {
  return [...custom.values(), ...builtins];
}
