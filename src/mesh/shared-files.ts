/**
 * The client's side of same-host handoff (the contract's Locate): checking that this process
 * sees a peer's shared-memory directory, writing a value into it for a Set, and reading an
 * object a peer names instead of streaming it. Every read is checked against the writer's
 * checksum, as a streamed object is.
 * @module
 */
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocateResponse, SharedFile } from '../../gen/proxymesh/v1/peer.js';
import type { Payload } from '../connectors/protocol.js';
import { DataCorruptedError, KeyNotFoundError } from '../errors.js';
import { crc32c } from './crc32c.js';
import { newFileName } from './shared-directory.js';
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
  /** Deletes the file if the peer did not take it over (a file it took over has another name). */
  discard(): Promise<void>;
}

/** Writes a payload into a new file of `directory`. */
export async function writeSharedFile(directory: string, payload: Payload): Promise<WrittenFile> {
  const name = newFileName();
  const path = join(directory, name);
  await writeFile(path, payload.data, { mode: 0o600, flag: 'wx' });
  return {
    file: { name, codec: payload.codec, size: BigInt(payload.data.byteLength), crc32c: checksumOf(payload) },
    discard: () => unlink(path).catch(() => {}),
  };
}

/**
 * Reads an object a peer named in its directory, and checks it.
 * @throws KeyNotFoundError when the file is gone (the object was evicted after the peer named it).
 * @throws DataCorruptedError when its size or checksum is not what the peer announced.
 */
export async function readSharedFile(directory: string, file: SharedFile, what: string): Promise<Payload> {
  let data: Buffer;
  try {
    data = await readFile(join(directory, file.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new KeyNotFoundError(`${what} was evicted after its owner named its file ${file.name}; it no longer exists.`);
    throw error;
  }
  if (data.byteLength !== Number(file.size)) throw new DataCorruptedError(`${what}: its file holds ${data.byteLength} bytes, not the ${file.size} announced; it was changed after it was written.`);
  if (file.crc32c !== 0 && crc32c(data) !== file.crc32c) throw new DataCorruptedError(`${what}: its file's checksum does not match; it was changed after it was written.`);
  return { codec: file.codec, data };
}
