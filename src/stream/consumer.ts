/**
 * `StreamConsumer`: iterates a topic's objects as proxies. A key event's store is opened from
 * the config it carries (and registered, so the proxies find it), so a consumer in another
 * process or on another host resolves each object from its owner, on first use.
 * @module
 */
import { KeyNotFoundError } from '../errors.js';
import { deserialize } from '../serialize/serialize.js';
import { getOrCreateStore } from '../store/get-or-create.js';
import { unregisterStore } from '../store/registry.js';
import type { Store } from '../store/store.js';
import { TopicClosedError } from './errors.js';
import { decodeBatch, type KeyEvent, type ObjectEvent, type StreamEvent } from './events.js';
import { nullFilter } from './filters.js';
import type { Filter, StreamMetadata, Subscriber } from './protocols.js';

/** Options of a `StreamConsumer`. */
export interface StreamConsumerOptions {
  /** Drops objects by their metadata on arrival; a dropped object sent with `evict` is evicted. */
  readonly filter?: Filter | undefined;
}

/** Options of `close`. */
export interface ConsumerCloseOptions {
  /** Close and unregister the stores this consumer opened. Default false. */
  readonly stores?: boolean | undefined;
  /** Close the subscriber. Default true. */
  readonly subscriber?: boolean | undefined;
}

/**
 * Reads a stream's objects: `for await (const p of consumer)` yields a proxy per object (the
 * object itself for a topic without a store) and ends with the topic.
 * @typeParam T - the objects' type.
 * @example
 * ```ts
 * const consumer = new StreamConsumer<number[]>(subscriber);
 * for await (const rows of consumer) total += rows.length; // each resolves from its owner
 * ```
 */
export class StreamConsumer<T = unknown> implements AsyncIterable<T>, AsyncDisposable {
  readonly #stores = new Map<string, Store>();
  readonly #filter: Filter;
  #events: StreamEvent[] = [];
  /** An event read ahead by the iterators, already past the filter. */
  #peeked: ObjectEvent | KeyEvent | undefined;
  #ended = false;

  /**
   * @param subscriber - the broker's subscriber of the topic.
   * @param options - a filter.
   */
  constructor(
    readonly subscriber: Subscriber,
    options: StreamConsumerOptions = {},
  ) {
    this.#filter = options.filter ?? nullFilter;
  }

  async #store(event: KeyEvent): Promise<Store> {
    const known = this.#stores.get(event.store.name);
    if (known !== undefined) return known;
    const store = await getOrCreateStore(event.store, { register: true });
    this.#stores.set(event.store.name, store);
    return store;
  }

  /** The next object or key event; `undefined` at the end of the topic (or a closed subscriber). */
  async #next(): Promise<ObjectEvent | KeyEvent | undefined> {
    const peeked = this.#peeked;
    this.#peeked = undefined;
    if (peeked !== undefined) return peeked;
    for (;;) {
      if (this.#ended) return undefined;
      const event = this.#events.shift();
      if (event === undefined) {
        const message = await this.subscriber.nextMessage();
        if (message === undefined) this.#ended = true;
        else this.#events = [...decodeBatch(message).events];
        continue;
      }
      if (event.kind === 'end') {
        this.#ended = true;
        continue;
      }
      if (!this.#filter(event.metadata)) return event;
      if (event.kind === 'key' && event.evict) await (await this.#store(event)).evict(event.key);
    }
  }

  async #nextOrThrow(): Promise<ObjectEvent | KeyEvent> {
    const event = await this.#next();
    if (event === undefined) throw new TopicClosedError('The stream has ended: its producer closed the topic (or the subscriber was closed). Stop reading, or iterate with for await, which ends by itself.');
    return event;
  }

  /**
   * The next object as a proxy, with its metadata.
   * @returns `[metadata, proxy]`; the object itself for a topic without a store.
   * @throws TopicClosedError after the end of the topic.
   * @throws InvalidArgumentError when a message is not an event batch, and the store's errors when it cannot be opened.
   */
  async nextWithMetadata(): Promise<[StreamMetadata, T]> {
    const event = await this.#nextOrThrow();
    if (event.kind === 'object') return [event.metadata, deserialize(event.payload) as T];
    const store = await this.#store(event);
    return [event.metadata, store.proxyFromKey<T>(event.key, { evict: event.evict })];
  }

  /**
   * The next object as a proxy.
   * @throws as `nextWithMetadata`.
   */
  async next(): Promise<T> {
    const [, proxy] = await this.nextWithMetadata();
    return proxy;
  }

  /**
   * The next object itself, read now (and evicted if it was sent with `evict`), with its metadata.
   * @throws TopicClosedError after the end of the topic.
   * @throws KeyNotFoundError when the store no longer holds the object.
   */
  async nextObjectWithMetadata(): Promise<[StreamMetadata, T]> {
    const event = await this.#nextOrThrow();
    if (event.kind === 'object') return [event.metadata, deserialize(event.payload) as T];
    const store = await this.#store(event);
    const obj = await store.get<T, typeof MISSING>(event.key, { default: MISSING });
    if (obj === MISSING) {
      throw new KeyNotFoundError(`Store "${store.name}" has no object for key ${JSON.stringify(event.key)} of the stream: it was evicted (sent with evict and already consumed?) or never stored. Send with evict: false when several consumers read one object.`);
    }
    if (event.evict) await store.evict(event.key);
    return [event.metadata, obj];
  }

  /**
   * The next object itself.
   * @throws as `nextObjectWithMetadata`.
   */
  async nextObject(): Promise<T> {
    const [, obj] = await this.nextObjectWithMetadata();
    return obj;
  }

  /** Proxies with their metadata until the topic ends. */
  async *iterWithMetadata(): AsyncGenerator<[StreamMetadata, T]> {
    while (await this.#hasNext()) yield await this.nextWithMetadata();
  }

  /** The objects themselves until the topic ends. */
  async *iterObjects(): AsyncGenerator<T> {
    while (await this.#hasNext()) yield await this.nextObject();
  }

  /** The objects themselves with their metadata until the topic ends. */
  async *iterObjectsWithMetadata(): AsyncGenerator<[StreamMetadata, T]> {
    while (await this.#hasNext()) yield await this.nextObjectWithMetadata();
  }

  /** Proxies until the topic ends. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    while (await this.#hasNext()) yield await this.next();
  }

  /** Whether another object comes: reads ahead to it (or to the end), without taking it. */
  async #hasNext(): Promise<boolean> {
    const event = await this.#next();
    this.#peeked = event;
    return event !== undefined;
  }

  /**
   * Closes the consumer.
   * @param options - whether to close the subscriber (default) and the stores it opened.
   */
  async close(options: ConsumerCloseOptions = {}): Promise<void> {
    if (options.stores === true) {
      for (const store of this.#stores.values()) {
        unregisterStore(store);
        await store.close();
      }
      this.#stores.clear();
    }
    if (options.subscriber !== false) await this.subscriber.close();
  }

  /** Same as `close()`, for `await using consumer = …`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

const MISSING = Symbol('missing');
