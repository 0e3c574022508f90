/**
 * Spare files: a peer's evicted object files, kept for a while in `<directory>/spare` so that the
 * next value written into the directory overwrites one in place instead of making a new file.
 *
 * Why: a new file of a memory file system is new memory, and on a virtual machine whose host
 * takes back the guest's free pages (a balloon's free-page reporting) every new page first costs
 * a fault in the host: writing 10 MB into a new file of /dev/shm took 30-100 ms there, into an
 * existing file 2 ms. A chain of tasks handing each other values of similar sizes, whose values
 * are evicted as the chain moves on, then writes each value into memory that is already there.
 *
 * Bounded: at most SPARE_FILES files and SPARE_BYTES bytes, each kept at most SPARE_MS; a spare
 * is never read, only claimed by a writer (renamed out of `spare`, which only one can do) and
 * overwritten. Readers that might see a file change under them check that it did not
 * (`readStable` in stable-read.ts).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { open, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Payload } from '../../core/protocol.js';

/** How many evicted files a directory keeps for reuse. */
export const SPARE_FILES = 8;
/** How many bytes of evicted files a directory keeps for reuse. */
export const SPARE_BYTES = 256 * 1024 * 1024;
/** How long an evicted file is kept for reuse before it is deleted (its memory goes back). */
export const SPARE_MS = 30_000;

const SPARE = 'spare';
/** A spare's name: its size, then random bits, so a writer picks one without a stat per file. */
const SPARE_NAME = /^(\d+)-[0-9a-f]{32}$/;

/** 128 random bits, as every file name of the directory. */
const randomName = (): string => randomBytes(16).toString('hex');

/** The spares of one peer's directory, on the peer's side: keeping and expiring them. */
export class SpareFiles {
  readonly #path: string;
  readonly #kept = new Map<string, { size: number; at: number }>();
  #timer: NodeJS.Timeout | undefined;

  /** Makes `<directory>/spare` (private, as the directory). */
  constructor(directory: string) {
    this.#path = join(directory, SPARE);
    mkdirSync(this.#path, { mode: 0o700 });
  }

  /**
   * Keeps the file at `path` (an evicted object's) as a spare, if there is room.
   * @returns whether it was kept; if not, the caller deletes it.
   */
  keep(path: string, size: number): boolean {
    // Writers claim spares without telling the peer: what is still there is what counts.
    this.#forgetClaimed();
    let bytes = 0;
    for (const s of this.#kept.values()) bytes += s.size;
    if (size === 0 || this.#kept.size >= SPARE_FILES || bytes + size > SPARE_BYTES) return false;
    const name = `${size}-${randomName()}`;
    try {
      renameSync(path, join(this.#path, name));
    } catch {
      return false;
    }
    this.#kept.set(name, { size, at: Date.now() });
    this.#expireLater();
    return true;
  }

  /** Stops expiring (the directory is being deleted with everything in it). */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #forgetClaimed(): void {
    if (this.#kept.size === 0) return;
    let present: Set<string>;
    try {
      present = new Set(readdirSync(this.#path));
    } catch {
      present = new Set();
    }
    for (const name of this.#kept.keys()) if (!present.has(name)) this.#kept.delete(name);
  }

  #expireLater(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const now = Date.now();
      for (const [name, s] of this.#kept) {
        if (now - s.at < SPARE_MS) continue;
        // One a writer claimed meanwhile is no longer here: nothing to delete.
        rmSync(join(this.#path, name), { force: true });
        this.#kept.delete(name);
      }
      if (this.#kept.size > 0) this.#expireLater();
    }, SPARE_MS);
    // Spares never keep a process alive.
    this.#timer.unref();
  }
}

/**
 * Claims a spare of `directory` for a value of `size` bytes: the smallest at least that large,
 * else the largest. Renaming it out of `spare` is the claim, which one writer alone wins.
 * @returns the claimed file's new name in `directory`, or `undefined` when there is none.
 */
async function claimSpare(directory: string, size: number): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(join(directory, SPARE));
  } catch {
    return undefined; // a peer without spares (an older one, or one that kept none yet)
  }
  const spares = names.flatMap((name) => {
    const m = SPARE_NAME.exec(name);
    return m ? [{ name, size: Number(m[1]) }] : [];
  });
  const large = spares.filter((s) => s.size >= size).sort((a, b) => a.size - b.size);
  const small = spares.filter((s) => s.size < size).sort((a, b) => b.size - a.size);
  for (const spare of [...large, ...small].slice(0, 3)) {
    const name = randomName();
    try {
      await rename(join(directory, SPARE, spare.name), join(directory, name));
      return name;
    } catch {
      // Another writer claimed it, or the peer expired it: try the next.
    }
  }
  return undefined;
}

/**
 * Writes `payload` into a spare of `directory`, overwriting it in place and cutting it to size.
 * @returns the file's name, or `undefined` when no spare could be claimed (write a new file).
 */
export async function writeIntoSpare(directory: string, payload: Payload): Promise<string | undefined> {
  const name = await claimSpare(directory, payload.data.byteLength);
  if (name === undefined) return undefined;
  const file = await open(join(directory, name), 'r+');
  try {
    const { data } = payload;
    let at = 0;
    while (at < data.byteLength) at += (await file.write(data, at, data.byteLength - at, at)).bytesWritten;
    await file.truncate(data.byteLength);
  } finally {
    await file.close();
  }
  return name;
}

/** The sizes of the spares `directory` holds now (tests). @internal */
export function spareSizes(directory: string): number[] {
  try {
    return readdirSync(join(directory, SPARE)).flatMap((n) => {
      const m = SPARE_NAME.exec(n);
      return m ? [Number(m[1])] : [];
    });
  } catch {
    return [];
  }
}
