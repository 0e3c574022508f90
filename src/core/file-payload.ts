/**
 * A payload held in a file of a memory file system (a peer's shared-memory directory) rather
 * than in this process's heap. Readers on the same host open the file themselves; everything
 * else that needs the bytes reads them with `load` (or, where only a synchronous read fits, the
 * `data` getter). The table that stores it deletes the file when the object goes (`release`).
 * @module
 */
import { rmSync } from 'node:fs';
import { KeyNotFoundError } from '../errors.js';
import { readStable, readStableSync } from '../util/stable-read.js';
import type { Payload } from './protocol.js';

/** Keeps an evicted object's file for reuse instead of deleting it; false: delete it. */
export type Recycle = (path: string, size: number) => boolean;

/** An object stored as a file: what a table accounts for and what readers are told. */
export class FilePayload implements Payload {
  /**
   * @param path - the file's absolute path.
   * @param codec - the payload's codec tag.
   * @param size - the file's size in bytes.
   * @param crc32c - the CRC-32C of the file's bytes, as its writer computed it (readers check it; 0: none).
   * @param recycle - where the file goes when the object does (default: deleted).
   */
  constructor(
    readonly path: string,
    readonly codec: string,
    readonly size: number,
    readonly crc32c: number,
    private readonly recycle?: Recycle,
  ) {}

  /** The file's name inside its directory: all a same-host reader is told. */
  get name(): string {
    return this.path.slice(this.path.lastIndexOf('/') + 1);
  }

  /**
   * The bytes, read synchronously: for the few callers that cannot wait (prefer `load`).
   * @throws KeyNotFoundError when the object was evicted before or while it was read.
   */
  get data(): Uint8Array {
    let data: Buffer | undefined;
    try {
      data = readStableSync(this.path);
    } catch (error) {
      throw this.#gone(error);
    }
    if (data === undefined) throw this.#gone();
    return data;
  }

  /**
   * The bytes as an in-memory payload, read without blocking the thread.
   * @throws KeyNotFoundError when the object was evicted before or while it was read.
   */
  async load(): Promise<Payload> {
    let data: Buffer | undefined;
    try {
      data = await readStable(this.path);
    } catch (error) {
      throw this.#gone(error);
    }
    if (data === undefined) throw this.#gone();
    return { codec: this.codec, data };
  }

  /**
   * What a read that found the object evicted throws: its file was deleted, or kept as a spare
   * that a writer may be refilling. Any other failure of the read passes through.
   */
  #gone(error?: unknown): unknown {
    if (error !== undefined && (error as NodeJS.ErrnoException).code !== 'ENOENT') return error;
    return new KeyNotFoundError(`The object in file ${this.path} was evicted before or while it was read.`);
  }

  /**
   * Lets the file go (the object was evicted or its holder closed): kept as a spare for the next
   * value written into its directory when there is room, else deleted; a file already gone is
   * fine. At once, not in the background: a file on a memory file system is memory until it goes.
   */
  release(): void {
    if (this.recycle?.(this.path, this.size) === true) return;
    rmSync(this.path, { force: true });
  }
}

/**
 * A payload with a file to let go of when its object goes: a file-held one, or a small one kept
 * in memory with a copy in a file for readers on the same host (the mesh's mirrors).
 */
export interface HeldInFile extends Payload {
  release(): void;
}

/** Whether the payload has a file that its holder must let go of (`release`) with it. */
export function isHeldInFile(payload: Payload): payload is HeldInFile {
  return typeof (payload as Partial<HeldInFile>).release === 'function';
}

/** A payload's size in bytes, without reading a file-held one. */
export function payloadBytes(payload: Payload): number {
  return payload instanceof FilePayload ? payload.size : payload.data.byteLength;
}

/** The payload with its bytes in memory: a file-held one is read (without blocking the thread). */
export async function inMemory(payload: Payload): Promise<Payload> {
  return payload instanceof FilePayload ? payload.load() : payload;
}

/**
 * Stores `kept` with `store`; if that refuses it, the file `kept` may have been written to is
 * deleted before the refusal goes on.
 */
export function storeOrRelease<T>(kept: Payload, store: (payload: Payload) => T): T {
  try {
    return store(kept);
  } catch (error) {
    if (isHeldInFile(kept)) kept.release();
    throw error;
  }
}
