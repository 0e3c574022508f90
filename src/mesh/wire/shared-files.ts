/**
 * The client's side of same-host handoff (the contract's Locate): checking that this process
 * sees a peer's shared-memory directory, writing a value into it for a Set, and reading an
 * object a peer names instead of streaming it.
 * @module
 */
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocateResponse, SharedFile } from '../../../gen/proxymesh/v1/peer.js';
import type { Payload } from '../../core/protocol.js';
import { DataCorruptedError, KeyNotFoundError } from '../../errors.js';
import { readStable } from '../../util/stable-read.js';
import { newFileName } from './shared-directory.js';
import { writeIntoSpare } from './spare-files.js';
import { checksumOf } from './verified-crc.js';

/**
 * The directory a peer's Locate names, if this process sees it: its `token` file must hold the
 * token the peer sent (another host, or another user, does not see it).
 */
export async function sharedDirectoryOf(located: LocateResponse): Promise<string | undefined> {
  if (located.directory === '' || located.token === '') return undefined;
  try {
    return (await readFile(join(located.directory, 'token'), 'utf8')) === located.token ? located.directory : undefined;
  } catch {
    return undefined;
  }
}

/** A value written into a peer's directory for a Set, and how to take it back if the Set fails. */
export interface WrittenFile {
  readonly file: SharedFile;
  /** Deletes the file: for a Set that failed (a peer that took a file over gave it another name). */
  discard(): Promise<void>;
}

/**
 * Sends the call that hands a written file over; if it fails, the file (left under the name its
 * writer gave it: a peer renames those it takes over) is deleted before the error goes on.
 */
export async function handOver<T>(written: Pick<WrittenFile, 'discard'>, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    await written.discard();
    throw error;
  }
}

/**
 * Writes a payload into `directory`: over one of its spares when it has one (memory already
 * there), else into a new file.
 */
export async function writeSharedFile(directory: string, payload: Payload): Promise<WrittenFile> {
  let name = await writeIntoSpare(directory, payload);
  if (name === undefined) {
    name = newFileName();
    await writeFile(join(directory, name), payload.data, { mode: 0o600, flag: 'wx' });
  }
  const path = join(directory, name);
  return {
    file: { name, codec: payload.codec, size: BigInt(payload.data.byteLength), crc32c: checksumOf(payload) },
    discard: () => unlink(path).catch(() => {}),
  };
}

/**
 * Reads an object a peer named in its directory, and checks its size.
 *
 * Its checksum is not recomputed here: the bytes crossed no network, only this host's memory,
 * where the peer's own objects are trusted too (a peer keeps the checksum it verified and never
 * rechecks it). The writer's checksum travels on with the object, so a reader on another host,
 * which gets the bytes streamed, still checks them end to end. Checking a freshly read 10 MB
 * cost 16 ms on a 2-core VM, as much as a third of the whole handoff.
 * @throws KeyNotFoundError when the file is gone or changed while read (the object was evicted after the peer named it).
 * @throws DataCorruptedError when its size is not the one the peer announced.
 */
export async function readSharedFile(directory: string, file: SharedFile, what: string): Promise<Payload> {
  let data: Buffer | undefined;
  try {
    data = await readStable(join(directory, file.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new KeyNotFoundError(`${what} was evicted after its owner named its file ${file.name}; it no longer exists.`);
    throw error;
  }
  // Evicted while being read: its file may now hold another value (a refilled spare).
  if (data === undefined) throw new KeyNotFoundError(`${what} was evicted while its file ${file.name} was being read; it no longer exists.`);
  if (data.byteLength !== Number(file.size)) throw new DataCorruptedError(`${what}: its file holds ${data.byteLength} bytes, not the ${file.size} announced; it was changed after it was written.`);
  return { codec: file.codec, data };
}
