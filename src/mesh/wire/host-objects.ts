/**
 * Objects readable by id on this host, with no call to their owner: the owner's side.
 *
 * A peer with a shared-memory directory keeps each object stored by its own process, or handed
 * over as a file, in a file of that directory named by the object's id, beside a symbolic link
 * `<id>.codec` whose target holds the payload's codec tag (a link's target needs no page of
 * memory and is read in one call). A process of the same host and user that holds the key then
 * reads the value itself (host-reads.ts): a fresh process's first use of a proxy needs no gRPC
 * client, no worker thread and no connection, and many processes of one host that read each
 * other's objects need no connection per pair.
 *
 * Objects of at most MIRROR_MAX_BYTES stay in the peer's memory as well (a mirror): answers over
 * gRPC are as before and cost no file read. Larger ones are held in their file only.
 * @module
 */
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Payload } from '../../core/protocol.js';

/** Objects up to this size are kept in memory and mirrored into a file; larger ones live in their file alone. */
export const MIRROR_MAX_BYTES = 64 * 1024;

/** What follows an object's file name in the name of its codec link. */
export const CODEC_LINK_SUFFIX = '.codec';
/** What precedes the codec tag in a link's target: an empty tag makes no valid target. */
export const CODEC_LINK_PREFIX = '=';

/**
 * Records the codec of the object held in `path`, for same-host readers. Best effort: an object
 * without its link is still served over gRPC, which is where a reader that finds none goes.
 */
export function linkCodec(path: string, codec: string): void {
  try {
    symlinkSync(CODEC_LINK_PREFIX + codec, path + CODEC_LINK_SUFFIX);
  } catch {
    // The directory is full or gone: readers take the gRPC path.
  }
}

/** Removes the codec link of the object held in `path`, first, so no reader starts on a file about to go. */
export function unlinkCodec(path: string): void {
  rmSync(path + CODEC_LINK_SUFFIX, { force: true });
}

/** A small object kept in memory, with a copy in the directory for same-host readers. */
export class MirroredPayload implements Payload {
  constructor(
    readonly codec: string,
    readonly data: Uint8Array,
    /** The mirror file's absolute path. */
    readonly path: string,
  ) {}

  /** Deletes the mirror (the object was evicted or its holder closed). */
  release(): void {
    unlinkCodec(this.path);
    rmSync(this.path, { force: true });
  }
}

/**
 * The payload as the table should keep it: mirrored into `<directory>/<id>` when it is small
 * enough, as it was otherwise, or when the file cannot be written (a full memory file system).
 * Written synchronously: a file of at most 64 KiB on a memory file system costs tens of
 * microseconds, less than handing the write to another thread and back.
 */
export function mirrored(directory: string, id: string, payload: Payload): Payload {
  if (payload.data.byteLength > MIRROR_MAX_BYTES) return payload;
  const path = join(directory, id);
  try {
    writeFileSync(path, payload.data, { mode: 0o600, flag: 'wx' });
  } catch {
    rmSync(path, { force: true });
    return payload;
  }
  linkCodec(path, payload.codec);
  return new MirroredPayload(payload.codec, payload.data, path);
}
