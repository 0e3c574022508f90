/**
 * A peer's shared-memory directory: where it keeps objects as files of a memory file system
 * (`/dev/shm`), so that a process on the same host hands a value over by writing it once and
 * reads one by reading it once, instead of streaming it through loopback gRPC (the contract's
 * Locate, SetHeader.file and accept_file). Other hosts, and clients that cannot read the
 * directory, still get the bytes over the stream.
 *
 * The directory is private to this user (mode 0700) and named after the process and the
 * incarnation; a `token` file proves to a client that it sees the same directory. Objects are
 * named by their ids, so that a process of this host reads one without asking (host-objects.ts). Evicted
 * objects' files are kept a while as spares that the next values written here reuse
 * (spare-files.ts). It goes when the peer closes; one left by a process that died is removed by
 * the next peer that starts.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FilePayload } from '../../core/file-payload.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Payload } from '../../core/protocol.js';
import { linkCodec, mirrored, unlinkCodec } from './host-objects.js';
import { SpareFiles } from './spare-files.js';

/** Where peers make their directories unless told otherwise. */
export const DEFAULT_SHARED_BASE = '/dev/shm';

/** The names a client may give the files it hands over: no path, never the token's. */
const FILE_NAME = /^[A-Za-z0-9._-]{1,128}$/;
const DIRECTORY_NAME = /^proxymesh-(\d+)-[0-9a-f]{16}$/;

/** Whether process `pid` is running (a process of another user counts). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the directories of peers whose process is gone: a crash leaves its files behind. */
function sweepStale(base: string): void {
  for (const name of readdirSync(base)) {
    const pid = DIRECTORY_NAME.exec(name)?.[1];
    if (pid !== undefined && Number(pid) !== process.pid && !alive(Number(pid))) rmSync(join(base, name), { recursive: true, force: true });
  }
}

const leftOnExit = new Set<string>();

/**
 * Deletes `directory` when this process exits, however it exits short of a crash: the peer's
 * worker thread may be gone by then without having closed it (a program that calls
 * `process.exit` without closing its connectors).
 */
export function removeOnExit(directory: string): void {
  if (leftOnExit.size === 0) process.once('exit', () => leftOnExit.forEach((d) => rmSync(d, { recursive: true, force: true })));
  leftOnExit.add(directory);
}

/** A fresh file name: 128 random bits. */
export function newFileName(): string {
  return randomBytes(16).toString('hex');
}

/** One peer's directory of object files. */
export class SharedDirectory {
  private constructor(
    /** The directory's absolute path, which Locate tells clients. */
    readonly path: string,
    /** The secret in `<path>/token` that proves a client sees this directory. */
    readonly token: string,
    readonly spares: SpareFiles,
  ) {}

  /**
   * Makes the directory of the peer with this incarnation under `base`.
   * @returns it, or `undefined` where `base` is missing or not writable (the peer then serves
   *   every reader over the byte streams).
   */
  static open(base: string, incarnation: string): SharedDirectory | undefined {
    try {
      sweepStale(base);
      const path = join(base, `proxymesh-${process.pid}-${incarnation}`);
      mkdirSync(path, { mode: 0o700 });
      const token = randomBytes(16).toString('hex');
      writeFileSync(join(path, 'token'), token, { mode: 0o600, flag: 'wx' });
      return new SharedDirectory(path, token, new SpareFiles(path));
    } catch {
      return undefined;
    }
  }

  /**
   * Takes over a file a client wrote into the directory (a Set by file): checks it, then renames
   * it to `id`, so the writer can no longer mistake it for its own.
   * @throws InvalidArgumentError for a bad name, a missing file, or a size that does not match.
   */
  adopt(file: { name: string; codec: string; size: number; crc32c: number }, id: string, what: string): FilePayload {
    if (!FILE_NAME.test(file.name) || file.name === 'token') {
      throw new InvalidArgumentError(`${what}: the file name ${JSON.stringify(file.name)} is not a plain file name of 1 to 128 characters [A-Za-z0-9._-]. Name a file written into the directory Locate returned.`);
    }
    const from = join(this.path, file.name);
    let size: number;
    try {
      const stat = lstatSync(from);
      if (!stat.isFile()) throw new Error('not a regular file');
      size = stat.size;
    } catch (error) {
      throw new InvalidArgumentError(`${what}: the file ${from} cannot be taken over (${(error as Error).message}). Write the value into the directory Locate returned before sending Set.`);
    }
    if (size !== file.size) throw new InvalidArgumentError(`${what}: the file ${from} holds ${size} bytes, but the header announced ${file.size}.`);
    const to = join(this.path, id);
    renameSync(from, to);
    linkCodec(to, file.codec);
    return new FilePayload(to, file.codec, size, file.crc32c, (path, bytes) => {
      unlinkCodec(path);
      return this.spares.keep(path, bytes);
    });
  }

  /**
   * The payload of the new object `id` as the table should keep it: a small one mirrored into
   * the directory for same-host readers (host-objects.ts), any other as it is.
   */
  mirror(id: string, payload: Payload): Payload {
    return mirrored(this.path, id, payload);
  }

  /** Deletes the directory and every file in it (the peer is closing). */
  close(): void {
    this.spares.close();
    rmSync(this.path, { recursive: true, force: true });
  }
}
