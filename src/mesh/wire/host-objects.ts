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

/**
 * A small object kept in memory, with a copy in the directory for same-host readers, written
 * once the object is stored and its waiters answered (`write`, from `mirrored`): on a memory file
 * system made idle, making the file and its link took 0.1-0.2 ms here, which a future's set
 * should not wait for. Until then a reader finds no link and asks the owner.
 */
export class MirroredPayload implements Payload {
  #state: 'pending' | 'written' | 'released' = 'pending';

  constructor(
    readonly codec: string,
    readonly data: Uint8Array,
    /** The mirror file's absolute path. */
    readonly path: string,
  ) {}

  /** Whether the mirror is on the file system now (for tests). */
  get written(): boolean {
    return this.#state === 'written';
  }

  /** Writes the mirror, unless the object went first; one that cannot be written is left out. */
  write(): void {
    if (this.#state !== 'pending') return;
    try {
      writeFileSync(this.path, this.data, { mode: 0o600, flag: 'wx' });
    } catch {
      rmSync(this.path, { force: true });
      this.#state = 'released';
      return;
    }
    linkCodec(this.path, this.codec);
    this.#state = 'written';
  }

  /** Deletes the mirror (the object was evicted or its holder closed); one not yet written never will be. */
  release(): void {
    const written = this.#state === 'written';
    this.#state = 'released';
    if (!written) return;
    unlinkCodec(this.path);
    rmSync(this.path, { force: true });
  }
}

/**
 * The payload as the table should keep it: a small one as a `MirroredPayload`, whose file in
 * `<directory>/<id>` is written right after this turn of the event loop (when the table has it
 * and the caller has its answer); a larger one as it was.
 */
export function mirrored(directory: string, id: string, payload: Payload): Payload {
  if (payload.data.byteLength > MIRROR_MAX_BYTES) return payload;
  const kept = new MirroredPayload(payload.codec, payload.data, join(directory, id));
  setImmediate(() => kept.write());
  return kept;
}
