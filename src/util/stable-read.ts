/**
 * Reading a whole file that another process may rename away and overwrite while it is read: a
 * peer's object file, which eviction may turn into a spare that a writer then fills with another
 * value (spare-files.ts). The file's change time before and after the read tells whether it
 * changed meanwhile; a read that overlapped a change is refused rather than returned torn.
 * @module
 */
import { closeSync, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import { open } from 'node:fs/promises';

/** Whether two stats of one open file describe the same, unchanged contents. */
const unchanged = (a: BigIntStats, b: BigIntStats): boolean => a.ctimeNs === b.ctimeNs && a.size === b.size;

/**
 * The read loop of both versions, written once: yields the position and length of each read
 * that `data` still needs, and is told how many bytes that read got.
 * @returns whether `data` was filled; false when a read found the file cut short under us.
 */
function* fillReads(data: Buffer): Generator<readonly [at: number, length: number], boolean, number> {
  let at = 0;
  while (at < data.byteLength) {
    const bytesRead = yield [at, data.byteLength - at];
    if (bytesRead === 0) return false; // cut short under us
    at += bytesRead;
  }
  return true;
}

/**
 * The file's bytes, or `undefined` when it changed (was renamed or written) while being read.
 * @param opened - tests only: runs between the open and the read, to change the file there.
 * @throws the open's error (ENOENT for a file already gone).
 */
export async function readStable(path: string, opened?: () => Promise<void>): Promise<Buffer | undefined> {
  const file = await open(path, 'r');
  try {
    const before = await file.stat({ bigint: true });
    await opened?.();
    const data = Buffer.allocUnsafeSlow(Number(before.size));
    const reads = fillReads(data);
    let step = reads.next();
    while (!step.done) {
      const [at, length] = step.value;
      step = reads.next((await file.read(data, at, length, at)).bytesRead);
    }
    return step.value && unchanged(before, await file.stat({ bigint: true })) ? data : undefined;
  } finally {
    await file.close();
  }
}

/** `readStable`, blocking the thread: for the few callers that cannot wait. */
export function readStableSync(path: string): Buffer | undefined {
  const fd = openSync(path, 'r');
  try {
    const before = fstatSync(fd, { bigint: true });
    const data = Buffer.allocUnsafeSlow(Number(before.size));
    const reads = fillReads(data);
    let step = reads.next();
    while (!step.done) {
      const [at, length] = step.value;
      step = reads.next(readSync(fd, data, at, length, at));
    }
    return step.value && unchanged(before, fstatSync(fd, { bigint: true })) ? data : undefined;
  } finally {
    closeSync(fd);
  }
}
