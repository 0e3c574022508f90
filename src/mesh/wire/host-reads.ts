/**
 * Objects readable by id on this host, with no call to their owner: the reader's side
 * (host-objects.ts is the owner's). A key names its owner's incarnation and the object's id; the
 * owner's shared-memory directory on this host is `proxymesh-<pid>-<incarnation>` under the base
 * its config names, and the object is the file `<id>` there, its codec the target of `<id>.codec`.
 *
 * Every miss is silent and final only for this attempt: no directory (another host, another user,
 * handoff turned off), no link (an object set over the network by bytes, replaced, or evicted),
 * an owner process that is gone, or a file that changed while read. The caller then asks the
 * owner over gRPC, whose answer is the authoritative one (a missing key, a dead peer).
 * @module
 */
import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Payload } from '../../core/protocol.js';
import { LruMap } from '../../util/lru-map.js';
import { readStable, readStableSync } from '../../util/stable-read.js';
import { CODEC_LINK_PREFIX, CODEC_LINK_SUFFIX } from './host-objects.js';
import { isIncarnation, isObjectId } from './key-parts.js';
import { alive } from './shared-directory.js';

/** Files up to this size are read without leaving the thread (a 1 MiB read of memory takes ~0.2 ms). */
const SYNC_READ_MAX_BYTES = 1 << 20;

/** What a host read needs of a key. */
export interface HostObject {
  readonly incarnation: string;
  readonly id: string;
}

/** Directories found, by base and incarnation (`null`: none on this host); the 1,024 used last. */
const directories = new LruMap<string, { path: string; pid: number } | null>(1_024);

/**
 * The owner's directory on this host, looked up once per incarnation: a directory is made when
 * its peer starts, before any key of it exists, so one that is not there for a key never will be.
 */
function directoryOf(base: string, incarnation: string): { path: string; pid: number } | undefined {
  const id = `${base}\0${incarnation}`;
  let found = directories.get(id);
  if (found === undefined) {
    found = null;
    try {
      const suffix = `-${incarnation}`;
      const name = readdirSync(base).find((n) => n.startsWith('proxymesh-') && n.endsWith(suffix));
      const pid = name === undefined ? Number.NaN : Number(name.slice('proxymesh-'.length, -suffix.length));
      if (name !== undefined && Number.isSafeInteger(pid)) found = { path: join(base, name), pid };
    } catch {
      // No such base on this host, or not ours to read.
    }
    directories.set(id, found);
  }
  return found ?? undefined;
}

/**
 * The object's file and codec, if its owner's directory is on this host, the owner still runs
 * and the object has its codec link. A miss throws nothing (an exception per miss cost more
 * than the lookup itself).
 */
function fileOf(base: string, key: HostObject): { path: string; codec: string } | undefined {
  if (!isObjectId(key.id) || !isIncarnation(key.incarnation)) return undefined;
  const directory = directoryOf(base, key.incarnation);
  // A crashed owner's directory stays until the next peer sweeps it; its objects died with it.
  if (directory === undefined || !alive(directory.pid)) return undefined;
  const path = join(directory.path, key.id);
  const link = path + CODEC_LINK_SUFFIX;
  if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink() !== true) return undefined;
  const target = readlinkSync(link);
  return target.startsWith(CODEC_LINK_PREFIX) ? { path, codec: target.slice(CODEC_LINK_PREFIX.length) } : undefined;
}

/**
 * Reads an object of a peer of this host from its file, blocking the thread (for a proxy's
 * synchronous first use, which then needs no bridge).
 * @param base - where the owner makes its directory (its connector's `sharedMemory`).
 * @returns the payload, or `undefined` when it cannot be read here (ask the owner).
 */
export function readHostObjectSync(base: string, key: HostObject): Payload | undefined {
  try {
    const found = fileOf(base, key);
    const data = found && readStableSync(found.path);
    return data === undefined ? undefined : { codec: (found as { codec: string }).codec, data };
  } catch {
    // Gone between the lookup and the read (evicted): the owner answers.
    return undefined;
  }
}

/**
 * `readHostObjectSync`, blocking the thread only for what is cheaper than handing it to another
 * thread and back: the lookup (most gets of a host's objects that are not files miss here, and a
 * miss by the thread pool cost a get 0.2-0.5 ms, doubling a 100 B get) and a file of at most
 * SYNC_READ_MAX_BYTES. A larger file is read without blocking.
 */
export async function readHostObject(base: string, key: HostObject): Promise<Payload | undefined> {
  try {
    const found = fileOf(base, key);
    if (found === undefined) return undefined;
    const data = statSync(found.path).size <= SYNC_READ_MAX_BYTES ? readStableSync(found.path) : await readStable(found.path);
    return data === undefined ? undefined : { codec: found.codec, data };
  } catch {
    return undefined;
  }
}
