/**
 * `StreamProducer`: sends objects to topics. With a store for the topic, each flush puts the
 * batch's objects into the store and publishes only their keys, metadata and the store's config;
 * without one, the objects travel in the event. Order is kept per producer: flushes publish one
 * after another, in the order they were asked for.
 * @module
 */
import type { JsonValue } from '../core/protocol.js';
import { serialize } from '../serialize/serialize.js';
import { unregisterStore } from '../store/registry.js';
import type { Store } from '../store/store.js';
import { TopicClosedError } from './errors.js';
import { encodeBatch, type StreamEvent } from './events.js';
import { nullFilter } from './filters.js';
import type { Filter, Publisher, StreamMetadata } from './protocols.js';

/** Options of a `StreamProducer`. */
export interface StreamProducerOptions<T> {
  /** The store of each topic; `null` sends that topic's objects inside the events. */
  readonly stores?: Readonly<Record<string, Store<JsonValue> | null>> | undefined;
  /** The store of topics not in `stores`; none (objects inside the events) by default. */
  readonly defaultStore?: Store<JsonValue> | null | undefined;
  /** Turns each batch into one object; its metadata is the union of the batch's. */
  readonly aggregator?: ((objects: T[]) => T) | undefined;
  /** Objects buffered per topic before a flush (and aggregated together). Default 1. */
  readonly batchSize?: number | undefined;
  /** Drops objects by their metadata before they are buffered. */
  readonly filter?: Filter | undefined;
}

/** Options of `send`. */
export interface SendOptions {
  /** The consumer evicts the object once it has resolved it (ignored without a store). Default true. */
  readonly evict?: boolean | undefined;
  /** What filters and consumers see without resolving the object. Default `{}`. */
  readonly metadata?: StreamMetadata | undefined;
}

/** Options of `close`. */
export interface ProducerCloseOptions {
  /** Topics to close first (`closeTopics`). */
  readonly topics?: readonly string[] | undefined;
  /** Close the publisher. Default true. */
  readonly publisher?: boolean | undefined;
  /** Close and unregister the stores. Default false. */
  readonly stores?: boolean | undefined;
}

interface Buffered<T> {
  readonly obj: T;
  readonly evict: boolean;
  readonly metadata: StreamMetadata;
}

interface TopicBuffer<T> {
  objects: Buffered<T>[];
  closed: boolean;
  ended: boolean;
}

/**
 * Sends objects to the topics of a stream.
 * @typeParam T - the objects' type.
 * @example
 * ```ts
 * const producer = new StreamProducer<number[]>(publisher, { stores: { results: store } });
 * await producer.send('results', [1, 2, 3], { metadata: { step: 1 } });
 * await producer.close({ topics: ['results'] }); // consumers' iteration ends after this
 * ```
 */
export class StreamProducer<T = unknown> implements AsyncDisposable {
  readonly #buffers = new Map<string, TopicBuffer<T>>();
  readonly #batchSize: number;
  readonly #filter: Filter;
  /** The last flush, which the next one follows. */
  #chain: Promise<void> = Promise.resolve();

  /**
   * @param publisher - the broker's publisher.
   * @param options - stores, aggregation, batching and a filter.
   */
  constructor(
    readonly publisher: Publisher,
    private readonly options: StreamProducerOptions<T> = {},
  ) {
    this.#batchSize = Math.max(1, options.batchSize ?? 1);
    this.#filter = options.filter ?? nullFilter;
  }

  #buffer(topic: string): TopicBuffer<T> {
    let buffer = this.#buffers.get(topic);
    if (buffer === undefined) {
      buffer = { objects: [], closed: false, ended: false };
      this.#buffers.set(topic, buffer);
    }
    return buffer;
  }

  #store(topic: string): Store<JsonValue> | null {
    const stores = this.options.stores;
    if (stores !== undefined && Object.hasOwn(stores, topic)) return stores[topic] ?? null;
    return this.options.defaultStore ?? null;
  }

  /**
   * Sends an object: filtered, buffered, and flushed once the topic's batch is full.
   * @param topic - the topic.
   * @param obj - the object.
   * @param options - `evict` (default true: the proxy resolves once) and `metadata`.
   * @returns once the object is buffered, or published when it filled a batch (which waits while the broker is full).
   * @throws TopicClosedError when the topic was closed by this producer.
   * @throws SerializationError, and the store's and publisher's errors, from a flush.
   */
  async send(topic: string, obj: T, options: SendOptions = {}): Promise<void> {
    const buffer = this.#buffer(topic);
    if (buffer.closed) throw new TopicClosedError(`Topic "${topic}" has been closed by this producer; nothing more can be sent to it. Use another topic or producer.`);
    const metadata = options.metadata ?? {};
    if (this.#filter(metadata)) return;
    buffer.objects.push({ obj, evict: options.evict ?? true, metadata });
    if (buffer.objects.length >= this.#batchSize) await this.flushTopic(topic);
  }

  /**
   * Publishes what is buffered for a topic (aggregated, stored, then one event batch), and the
   * end event if the topic was closed.
   * @param topic - the topic.
   * @returns once the batch is published.
   */
  flushTopic(topic: string): Promise<void> {
    const buffer = this.#buffer(topic);
    const objects = buffer.objects;
    const end = buffer.closed && !buffer.ended;
    if (objects.length === 0 && !end) return this.#chain;
    buffer.objects = [];
    if (end) buffer.ended = true;
    const flushed = this.#chain.then(() => this.#publish(topic, objects, end));
    this.#chain = flushed.catch(() => undefined);
    return flushed;
  }

  /** Flushes every topic. */
  async flush(): Promise<void> {
    await Promise.all([...this.#buffers.keys()].map((topic) => this.flushTopic(topic)));
  }

  /**
   * Closes topics: each is flushed and gets an end event, which ends its consumers' iteration
   * after every event sent before it.
   * @param topics - the topics.
   */
  async closeTopics(...topics: string[]): Promise<void> {
    for (const topic of topics) this.#buffer(topic).closed = true;
    await Promise.all(topics.map((topic) => this.flushTopic(topic)));
  }

  /**
   * Closes the producer. Objects buffered in an unfinished batch of a topic not named in
   * `topics` are dropped: flush first to send them.
   * @param options - topics to close first; whether to close the publisher (default) and the stores.
   */
  async close(options: ProducerCloseOptions = {}): Promise<void> {
    await this.closeTopics(...(options.topics ?? []));
    await this.#chain;
    if (options.stores === true) {
      const stores = new Set([this.options.defaultStore, ...Object.values(this.options.stores ?? {})]);
      for (const store of stores) {
        if (store === null || store === undefined) continue;
        unregisterStore(store);
        await store.close();
      }
    }
    if (options.publisher !== false) await this.publisher.close();
  }

  /** Same as `close()`, for `await using producer = …`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #publish(topic: string, buffered: Buffered<T>[], end: boolean): Promise<void> {
    let objects = buffered;
    const aggregate = this.options.aggregator;
    if (aggregate !== undefined && objects.length > 0) {
      const metadata = Object.assign({}, ...objects.map((o) => o.metadata)) as StreamMetadata;
      objects = [{ obj: aggregate(objects.map((o) => o.obj)), evict: objects.some((o) => o.evict), metadata }];
    }
    const events: StreamEvent[] = [];
    const store = this.#store(topic);
    if (objects.length > 0 && store !== null) {
      const keys = await store.putBatch(objects.map((o) => o.obj));
      const config = store.config();
      objects.forEach((o, i) => events.push({ kind: 'key', key: keys[i] as JsonValue, evict: o.evict, metadata: o.metadata, store: config }));
    } else {
      for (const o of objects) events.push({ kind: 'object', payload: serialize(o.obj), metadata: o.metadata });
    }
    if (end) events.push({ kind: 'end' });
    await this.publisher.sendMessage(topic, encodeBatch({ topic, events }));
  }
}
