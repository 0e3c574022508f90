/**
 * `FileConnector`: objects as files in one directory, shared by every process (on any host)
 * that sees the directory, as ProxyStore's FileConnector.
 *
 * The layout on disk is in `file-objects.ts`; waiting is `fs.watch` plus a slow poll
 * (`file-watch.ts`), never a fast poll loop.
 * @module
 */
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ClosedError, InvalidArgumentError, KeyNotFoundError } from '../errors.js';
import { callSignal, raceSignal, throwIfAborted } from '../core/call-options.js';
import type { ObjectIdKey } from '../core/connector-input.js';
import { checkObjectIdKey, checkPayload, describeInput } from '../core/connector-input.js';
import { mapConcurrent } from './file-io.js';
import { MARKER_NAME, ObjectDirectory } from './file-objects.js';
import { DirectoryWatch } from './file-watch.js';
import { KeyWaits } from './key-waits.js';
import { newObjectId } from '../core/object-id.js';
import type { AwaitableConnector, CallOptions, ConnectorConfig, DeferrableConnector, Payload } from '../core/protocol.js';

/** A FileConnector key: `{"id": "<32 lowercase hex digits>"}`. */
export type FileKey = ObjectIdKey;

/** Options of `new FileConnector()`. */
export interface FileConnectorOptions {
  /** The directory holding the objects; created if missing. Relative paths resolve against the cwd. */
  readonly directory: string;
  /**
   * Delete the whole directory on `close()`. Default `false`, unlike ProxyStore: deleting a
   * directory the caller may have pointed at by mistake should be asked for. Not part of
   * `config()`, so connectors rebuilt in other processes never delete it.
   */
  readonly clear?: boolean | undefined;
  /** Milliseconds between the slow polls that back up `fs.watch` while someone waits. Default 1000. */
  readonly pollIntervalMs?: number | undefined;
  /** Use `fs.watch` to wake waiters promptly. Default `true`; `false` leaves only the poll. */
  readonly watch?: boolean | undefined;
}

/** What a FileConnector is waiting on, to check that waits leave nothing behind. */
export interface FileConnectorStats {
  /** Waits in progress. */
  readonly waiters: number;
  /** Whether the directory watch and poll are running (only while someone waits). */
  readonly watching: boolean;
}

const NAME = 'FileConnector';
// Enough to keep libuv's four file-system threads busy, few enough to stay far from EMFILE.
const BATCH_CONCURRENCY = 16;

/** File-backed, deferrable, awaitable connector. */
export class FileConnector implements DeferrableConnector<FileKey>, AwaitableConnector<FileKey> {
  readonly kind = 'file';
  /** The absolute path of the directory. */
  readonly directory: string;
  readonly #clear: boolean;
  readonly #pollIntervalMs: number;
  readonly #watchEnabled: boolean;
  readonly #objects: ObjectDirectory;
  readonly #waits: KeyWaits;
  readonly #watch: DirectoryWatch;
  #closing: Promise<void> | undefined;

  /**
   * Opens (and creates if needed) a directory of objects.
   * @param options - the directory, whether to clear it, and how to watch it for waits.
   * @throws InvalidArgumentError when an option is malformed.
   * @example
   * ```ts
   * await using files = new FileConnector({ directory: '/shared/objects' });
   * const key = await files.put({ codec: 'utf8', data: new TextEncoder().encode('hi') });
   * ```
   */
  constructor(options: FileConnectorOptions) {
    const { directory, clear = false, pollIntervalMs = 1000, watch = true } = options;
    if (typeof directory !== 'string' || directory === '') {
      throw new InvalidArgumentError(`A FileConnector needs a non-empty string "directory": got ${describeInput(directory)}.`);
    }
    if (typeof pollIntervalMs !== 'number' || !Number.isFinite(pollIntervalMs) || pollIntervalMs <= 0) {
      throw new InvalidArgumentError(`FileConnector "pollIntervalMs" must be a positive number of milliseconds: got ${describeInput(pollIntervalMs)}.`);
    }
    if (typeof clear !== 'boolean' || typeof watch !== 'boolean') {
      throw new InvalidArgumentError(`FileConnector "clear" and "watch" must be booleans: got ${describeInput({ clear, watch })}.`);
    }
    this.directory = resolve(directory);
    this.#clear = clear;
    this.#pollIntervalMs = pollIntervalMs;
    this.#watchEnabled = watch;
    // Synchronous so the connector is usable as soon as it is constructed, as LocalConnector is.
    mkdirSync(this.directory, { recursive: true });
    this.#objects = new ObjectDirectory(this.directory);
    this.#waits = new KeyWaits(
      (id) => this.#objects.probe(id),
      (id) => new KeyNotFoundError(`Key ${id} in ${this.directory} does not exist: it was never created with newKey(), or it was evicted before it was set, so it will never have a value.`),
    );
    this.#watch = new DirectoryWatch(this.directory, {
      watch,
      pollIntervalMs,
      onChange: (name) => {
        if (name === null) return this.#waits.recheckAll();
        const id = MARKER_NAME.exec(name)?.[1];
        if (id !== undefined) this.#waits.recheck(id);
      },
      onPoll: () => this.#waits.recheckAll(),
    });
  }

  /**
   * Rebuilds a connector on the same directory.
   * @param config - a config from `config()`.
   * @returns the connector.
   * @throws InvalidArgumentError when the config has no string `directory` or a malformed option.
   */
  static fromConfig(config: ConnectorConfig): FileConnector {
    const { directory } = config;
    if (typeof directory !== 'string') {
      throw new InvalidArgumentError(`A file connector config needs a string "directory": got ${describeInput(config)}.`);
    }
    const { clear, watch, pollIntervalMs } = config;
    const malformed = (name: string, type: string): InvalidArgumentError =>
      new InvalidArgumentError(`A file connector config needs "${name}" to be a ${type} when given: got ${describeInput(config)}.`);
    if (clear !== undefined && typeof clear !== 'boolean') throw malformed('clear', 'boolean');
    if (watch !== undefined && typeof watch !== 'boolean') throw malformed('watch', 'boolean');
    if (pollIntervalMs !== undefined && typeof pollIntervalMs !== 'number') throw malformed('pollIntervalMs', 'number');
    const options: FileConnectorOptions = { directory, clear, watch, pollIntervalMs };
    return new FileConnector(options);
  }

  /**
   * The options to rebuild this connector elsewhere; `clear` stays with the owner.
   * @returns plain JSON, with `kind`.
   */
  config(): ConnectorConfig {
    return { kind: this.kind, directory: this.directory, pollIntervalMs: this.#pollIntervalMs, watch: this.#watchEnabled };
  }

  async put(payload: Payload, options?: CallOptions): Promise<FileKey> {
    checkPayload(payload, NAME);
    return this.#run(options, 'Writing a new object', async () => {
      const id = newObjectId();
      await this.#objects.write(id, payload);
      return { id };
    });
  }

  async putBatch(payloads: readonly Payload[], options?: CallOptions): Promise<FileKey[]> {
    for (const p of payloads) checkPayload(p, NAME);
    return this.#run(options, `Writing ${payloads.length} objects`, () =>
      mapConcurrent(payloads, BATCH_CONCURRENCY, async (payload) => {
        const id = newObjectId();
        await this.#objects.write(id, payload);
        return { id };
      }),
    );
  }

  async get(key: FileKey, options?: CallOptions): Promise<Payload | undefined> {
    const id = checkObjectIdKey(key, NAME);
    return this.#run(options, `Reading key ${id}`, () => this.#objects.read(id));
  }

  async getBatch(keys: readonly FileKey[], options?: CallOptions): Promise<(Payload | undefined)[]> {
    const ids = keys.map((k) => checkObjectIdKey(k, NAME));
    return this.#run(options, `Reading ${ids.length} keys`, () => mapConcurrent(ids, BATCH_CONCURRENCY, (id) => this.#objects.read(id)));
  }

  async exists(key: FileKey, options?: CallOptions): Promise<boolean> {
    const id = checkObjectIdKey(key, NAME);
    return this.#run(options, `Checking key ${id}`, () => this.#objects.exists(id));
  }

  async evict(key: FileKey, options?: CallOptions): Promise<void> {
    const id = checkObjectIdKey(key, NAME);
    await this.#run(options, `Evicting key ${id}`, async () => {
      await this.#objects.evict(id);
      this.#waits.failMissing(id);
    });
  }

  async newKey(options?: CallOptions): Promise<FileKey> {
    return this.#run(options, 'Creating a deferred key', async () => {
      const id = newObjectId();
      await this.#objects.createPending(id);
      return { id };
    });
  }

  async set(key: FileKey, payload: Payload, options?: CallOptions): Promise<void> {
    const id = checkObjectIdKey(key, NAME);
    checkPayload(payload, NAME);
    await this.#run(options, `Setting key ${id}`, async () => {
      await this.#objects.setOnce(id, payload);
      // Waiters in this process need no notification; others see the ready marker appear.
      this.#waits.wake(id, payload);
    });
  }

  /**
   * Replaces the value of a key that holds one (ownership's `update`), writing the new files
   * atomically; a future's pending key is refused, so futures stay write-once.
   * @param key - a key holding a value.
   * @param payload - the new value.
   * @param options - signal and deadline.
   * @throws KeyNotFoundError when the key holds no value.
   */
  async replace(key: FileKey, payload: Payload, options?: CallOptions): Promise<void> {
    const id = checkObjectIdKey(key, NAME);
    checkPayload(payload, NAME);
    await this.#run(options, `Replacing key ${id}`, async () => {
      if ((await this.#objects.read(id)) === undefined) throw new KeyNotFoundError(`Cannot replace key ${id} in ${this.directory}: it holds no value (never put, evicted, or a future not yet set).`);
      await this.#objects.write(id, payload);
    });
  }

  async awaitKey(key: FileKey, options?: CallOptions): Promise<Payload> {
    const id = checkObjectIdKey(key, NAME);
    this.#open();
    const signal = callSignal(options, `Waiting for key ${id} in ${this.directory}`);
    throwIfAborted(signal);
    // Waiter, then watch, then a first look: a set that lands before the watch is in place is
    // seen by the look, and one that lands after it by the watch.
    const waiting = this.#waits.wait(id, signal);
    this.#watch.start();
    this.#waits.recheck(id);
    try {
      return await waiting;
    } finally {
      if (this.#waits.size === 0) this.#watch.stop();
    }
  }

  /**
   * Counters of the waits in progress.
   * @returns the counters now.
   */
  stats(): FileConnectorStats {
    return { waiters: this.#waits.size, watching: this.#watch.active };
  }

  /**
   * Ends every wait of this connector with `ClosedError` and, with `clear`, deletes the
   * directory. Objects stay readable by other connectors otherwise. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#watch.stop();
      this.#waits.failAll(
        (id) => new ClosedError(`Stopped waiting for key ${id}: its FileConnector on ${this.directory} was closed. Wait on an open connector instead.`),
      );
      if (this.#clear) await rm(this.directory, { recursive: true, force: true });
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #run<T>(options: CallOptions | undefined, what: string, work: () => Promise<T>): Promise<T> {
    this.#open();
    const signal = callSignal(options, `${what} in ${this.directory}`);
    throwIfAborted(signal);
    return raceSignal(work(), signal);
  }

  #open(): void {
    if (this.#closing) throw new ClosedError(`This FileConnector on ${this.directory} is closed. Open a new one.`);
  }
}
