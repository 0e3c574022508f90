/**
 * Stream events and their wire form. A producer sends one batch per flush: the objects' keys,
 * each with its store's config so a consumer anywhere can open the store and resolve it from
 * the owner, or (for a topic without a store) the serialised objects themselves; and, when the
 * topic is closed, an end event.
 *
 * Wire form: a 4-byte big-endian length, that many bytes of JSON (the topic and the events,
 * where an object carried by value has its codec and size), then the by-value payloads one after
 * another. Bytes stay bytes: a 1 MiB object is not inflated into JSON.
 * @module
 */
import type { JsonValue, Payload } from '../core/protocol.js';
import type { StoreConfig } from '../core/reference.js';
import { InvalidArgumentError } from '../errors.js';
import type { StreamMetadata } from './protocols.js';

/** An object carried in the event itself (the topic has no store). */
export interface ObjectEvent {
  readonly kind: 'object';
  readonly payload: Payload;
  readonly metadata: StreamMetadata;
}

/** An object left in a store: its key and the store's config. */
export interface KeyEvent {
  readonly kind: 'key';
  readonly key: JsonValue;
  /** The consumer evicts the object once it has resolved it. */
  readonly evict: boolean;
  readonly metadata: StreamMetadata;
  readonly store: StoreConfig;
}

/** The producer closed the topic: nothing follows. */
export interface EndEvent {
  readonly kind: 'end';
}

/** Any event of a stream. */
export type StreamEvent = ObjectEvent | KeyEvent | EndEvent;

/** The events of one flush of one topic, in order. */
export interface EventBatch {
  readonly topic: string;
  readonly events: readonly StreamEvent[];
}

type WireEvent =
  | { kind: 'object'; codec: string; size: number; metadata: StreamMetadata }
  | KeyEvent
  | EndEvent;

/** The batch's wire form. */
export function encodeBatch(batch: EventBatch): Uint8Array {
  const payloads: Uint8Array[] = [];
  const events: WireEvent[] = batch.events.map((event) => {
    if (event.kind !== 'object') return event;
    payloads.push(event.payload.data);
    return { kind: 'object', codec: event.payload.codec, size: event.payload.data.byteLength, metadata: event.metadata };
  });
  const header = Buffer.from(JSON.stringify({ topic: batch.topic, events }));
  const out = Buffer.allocUnsafe(4 + header.byteLength + payloads.reduce((n, p) => n + p.byteLength, 0));
  out.writeUInt32BE(header.byteLength, 0);
  header.copy(out, 4);
  let at = 4 + header.byteLength;
  for (const payload of payloads) {
    out.set(payload, at);
    at += payload.byteLength;
  }
  return out;
}

function malformed(why: string): InvalidArgumentError {
  return new InvalidArgumentError(`A stream message could not be read as an event batch: ${why}. Publish to this topic only with a StreamProducer.`);
}

function isEvent(value: unknown): value is WireEvent {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  if (kind === 'end') return true;
  const metadata = (value as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return false;
  if (kind === 'object') return typeof (value as { codec?: unknown }).codec === 'string' && Number.isSafeInteger((value as { size?: unknown }).size);
  return kind === 'key' && typeof (value as { evict?: unknown }).evict === 'boolean' && typeof (value as { store?: { name?: unknown } }).store?.name === 'string';
}

/**
 * Reads a batch from its wire form; by-value payloads are views of `bytes`.
 * @throws InvalidArgumentError when the bytes are not an event batch.
 */
export function decodeBatch(bytes: Uint8Array): EventBatch {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.byteLength < 4) throw malformed(`${view.byteLength} bytes is too short`);
  const length = view.readUInt32BE(0);
  if (4 + length > view.byteLength) throw malformed(`its header claims ${length} bytes of ${view.byteLength - 4}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(view.toString('utf8', 4, 4 + length));
  } catch (error) {
    throw malformed(`its header is not JSON (${(error as Error).message})`);
  }
  const { topic, events } = (parsed ?? {}) as { topic?: unknown; events?: unknown };
  if (typeof topic !== 'string' || !Array.isArray(events) || !events.every(isEvent)) throw malformed('its header lacks a topic or well-formed events');
  let at = 4 + length;
  const out = events.map((event): StreamEvent => {
    if (event.kind !== 'object') return event;
    if (at + event.size > view.byteLength) throw malformed(`an object of ${event.size} bytes runs past its end`);
    const data = view.subarray(at, at + event.size);
    at += event.size;
    return { kind: 'object', payload: { codec: event.codec, data }, metadata: event.metadata };
  });
  if (at !== view.byteLength) throw malformed(`${view.byteLength - at} bytes follow its last object`);
  return { topic, events: out };
}

/** Whether a message is an event batch that ends its topic (false for anything else). */
export function endsTopic(message: Uint8Array): boolean {
  try {
    return decodeBatch(message).events.at(-1)?.kind === 'end';
  } catch {
    return false;
  }
}
