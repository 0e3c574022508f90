/**
 * File primitives for `FileConnector`: atomic writes (temp file + rename in the same
 * directory) and whole-file reads, both safe past 2 GiB.
 * @module
 */
import { constants as bufferConstants } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DataCorruptedError, LimitExceededError } from '../errors.js';

// One fs read or write moves at most 2^31 - 1 bytes, and ProxyStore once silently truncated
// files past 2^31 bytes, so every transfer loops over chunks of at most 1 GiB.
const IO_CHUNK = 2 ** 30;

// Names of half-written temp files; no connector reads or watches for them.
const TEMP_PREFIX = '.tmp-';

/** Whether `error` is a Node system error with this code (e.g. `ENOENT`). */
export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/** Runs `fn`, turning "no such file" into `undefined`. */
export async function unlessMissing<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/** Removes a file; a file that is already gone is fine. */
export async function removeFile(path: string): Promise<void> {
  await unlessMissing(() => unlink(path));
}

async function writeAll(handle: FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.byteLength) {
    const length = Math.min(IO_CHUNK, data.byteLength - offset);
    const { bytesWritten } = await handle.write(data, offset, length, offset);
    offset += bytesWritten;
  }
}

/**
 * Writes `data` to `path` so that readers see either no file or the whole file: the bytes go
 * to a temp file in the same directory (same file system, so the rename is atomic) first.
 * Not fsynced: objects are transient, and atomicity towards concurrent readers is what matters.
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-${basename(path)}`);
  let renamed = false;
  try {
    const handle = await open(temp, 'wx');
    try {
      await writeAll(handle, data);
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    renamed = true;
  } finally {
    if (!renamed) await removeFile(temp);
  }
}

/**
 * Reads a whole file, or `undefined` when it does not exist.
 * @throws LimitExceededError when the file is larger than a Buffer can be (4 GiB on Node 20).
 * @throws DataCorruptedError when the file ends before its size said it would.
 */
export async function readWholeFile(path: string): Promise<Buffer | undefined> {
  const handle = await unlessMissing(() => open(path, 'r'));
  if (handle === undefined) return undefined;
  try {
    const { size } = await handle.stat();
    if (size > bufferConstants.MAX_LENGTH) {
      throw new LimitExceededError(`Cannot read ${path}: it holds ${size} bytes, more than the ${bufferConstants.MAX_LENGTH} a Buffer can hold in this Node version.`);
    }
    const buffer = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(buffer, offset, Math.min(IO_CHUNK, size - offset), offset);
      if (bytesRead === 0) {
        throw new DataCorruptedError(`${path} ended after ${offset} of its ${size} bytes: the file was truncated by something outside proxymesh.`);
      }
      offset += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
}

/**
 * `Promise.all(items.map(fn))` with at most `limit` calls in flight, so a large batch never
 * holds thousands of file descriptors open at once (EMFILE).
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
