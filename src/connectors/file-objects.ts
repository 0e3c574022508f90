/**
 * The on-disk layout of `FileConnector` objects, and the only code that touches it.
 *
 * An object `<id>` is the files
 * - `<id>.data`: the bytes, renamed into place whole;
 * - `<id>.ready`: `{"codec", "size"}`, renamed into place after the data. Readers look for this
 *   marker first, so they see a whole object or none (ProxyStore writes data, then `.ready`);
 * - `<id>.pending`: a deferred key made by `newKey()` and not yet set;
 * - `<id>.lock`: created exclusively (`wx`, i.e. `O_EXCL`) by the one `set()` that wins, in
 *   any process, and kept until eviction so that every later `set()` is refused.
 *
 * A writer that dies inside `set()` leaves the lock behind: that key then refuses every set,
 * as a key that was set would. Temp files of writers that died stay too (`.tmp-*`).
 * @module
 */
import { access, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataCorruptedError, KeyExistsError, KeyNotFoundError } from '../errors.js';
import { isErrno, readWholeFile, removeFile, unlessMissing, writeFileAtomic } from './file-io.js';
import type { ProbeResult } from './key-waits.js';
import type { Payload } from '../core/protocol.js';

type Suffix = 'data' | 'ready' | 'pending' | 'lock';

/** Matches the names of the files whose appearance or removal can end a wait. */
export const MARKER_NAME = /^([0-9a-f]{32})\.(ready|pending)$/;

/** Objects and deferred keys in one directory. Ids must have been checked by the caller. */
export class ObjectDirectory {
  /** @param directory an absolute path. */
  constructor(readonly directory: string) {}

  /** Stores a payload under a new id. */
  async write(id: string, payload: Payload): Promise<void> {
    await writeFileAtomic(this.#path(id, 'data'), payload.data);
    // The marker goes last and carries the codec, so codec and bytes appear together.
    const marker = JSON.stringify({ codec: payload.codec, size: payload.data.byteLength });
    await writeFileAtomic(this.#path(id, 'ready'), Buffer.from(marker));
  }

  /**
   * The payload, or `undefined` when missing or pending.
   * @throws DataCorruptedError when the files disagree (something outside proxymesh wrote them).
   */
  async read(id: string): Promise<Payload | undefined> {
    const markerPath = this.#path(id, 'ready');
    const text = await unlessMissing(() => readFile(markerPath, 'utf8'));
    if (text === undefined) return undefined;
    const marker = parseMarker(text, markerPath);
    const data = await readWholeFile(this.#path(id, 'data'));
    if (data === undefined) return undefined; // evicted between the two reads
    if (data.byteLength !== marker.size) {
      throw new DataCorruptedError(`Key ${id} in ${this.directory} holds ${data.byteLength} bytes where its marker says ${marker.size}. Evict it and store it again.`);
    }
    return { codec: marker.codec, data };
  }

  /** Whether the id holds a readable payload. */
  exists(id: string): Promise<boolean> {
    return this.#has(id, 'ready');
  }

  /** Registers a deferred key. */
  async createPending(id: string): Promise<void> {
    await writeFile(this.#path(id, 'pending'), '', { flag: 'wx' });
  }

  /**
   * Sets a deferred key, once, even against writers in other processes.
   * @throws KeyExistsError when it was set, or is being set, by anyone.
   * @throws KeyNotFoundError when it was never registered or was evicted.
   */
  async setOnce(id: string, payload: Payload): Promise<void> {
    const lock = this.#path(id, 'lock');
    try {
      // The exclusive create is the write-once lock, across processes and hosts.
      await writeFile(lock, '', { flag: 'wx' });
    } catch (error) {
      if (isErrno(error, 'EEXIST')) throw await this.#refusal(id, true);
      throw error;
    }
    if (!(await this.#has(id, 'pending'))) {
      await removeFile(lock);
      throw await this.#refusal(id, false);
    }
    try {
      await this.write(id, payload);
    } catch (error) {
      // Nothing was published: undo, so the key can still be set.
      await this.#remove(id, ['ready', 'data', 'lock']);
      throw error;
    }
    const wasPending = await unlessMissing(() => unlink(this.#path(id, 'pending')).then(() => true));
    if (wasPending === undefined) {
      // An eviction ran while we wrote: it wins, so take the value back out.
      await this.#remove(id, ['ready', 'data', 'lock']);
      throw await this.#refusal(id, false);
    }
  }

  /** Removes an object or deferred key; a missing one is fine. */
  async evict(id: string): Promise<void> {
    // Pending marker first, so a set() racing this eviction notices; the lock last, so no
    // second set() can start while the object is half removed.
    await this.#remove(id, ['pending', 'ready', 'data', 'lock']);
  }

  /** What the directory holds for the id, for waiters. */
  async probe(id: string): Promise<ProbeResult> {
    const payload = await this.read(id);
    if (payload) return { state: 'set', payload };
    if (await this.#has(id, 'pending')) return { state: 'pending' };
    // setOnce() publishes the ready marker before removing the pending one: look once more.
    const late = await this.read(id);
    return late ? { state: 'set', payload: late } : { state: 'missing' };
  }

  #path(id: string, suffix: Suffix): string {
    return join(this.directory, `${id}.${suffix}`);
  }

  async #has(id: string, suffix: Suffix): Promise<boolean> {
    return (await unlessMissing(() => access(this.#path(id, suffix)).then(() => true))) ?? false;
  }

  async #remove(id: string, suffixes: readonly Suffix[]): Promise<void> {
    for (const suffix of suffixes) await removeFile(this.#path(id, suffix));
  }

  /** Why a set was refused, read from what is on disk now. */
  async #refusal(id: string, locked: boolean): Promise<Error> {
    // Pending before ready: the winner publishes ready before it removes pending, so in this
    // order a set finishing between the two looks cannot pass for an eviction.
    if ((locked && (await this.#has(id, 'pending'))) || (await this.#has(id, 'ready'))) {
      return new KeyExistsError(`Cannot set key ${id} in ${this.directory}: it was already set (or is being set by another writer), and keys are write-once (the first value stays).`);
    }
    return new KeyNotFoundError(`Cannot set key ${id} in ${this.directory}: it was never created with newKey() or has been evicted. Create a new future.`);
  }
}

function parseMarker(text: string, path: string): { codec: string; size: number } {
  try {
    const { codec, size } = JSON.parse(text) as { codec?: unknown; size?: unknown };
    if (typeof codec === 'string' && typeof size === 'number') return { codec, size };
  } catch {
    // Reported below, with the file name.
  }
  throw new DataCorruptedError(`The ready marker ${path} is not {"codec", "size"} JSON: it was not written by proxymesh. Evict the key and store it again.`);
}
