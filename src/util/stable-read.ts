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
    let at = 0;
    while (at < data.byteLength) {
      const { bytesRead } = await file.read(data, at, data.byteLength - at, at);
      if (bytesRead === 0) return undefined; // cut short under us
      at += bytesRead;
    }
    return unchanged(before, await file.stat({ bigint: true })) ? data : undefined;
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
    let at = 0;
    while (at < data.byteLength) {
      const n = readSync(fd, data, at, data.byteLength - at, at);
      if (n === 0) return undefined;
      at += n;
    }
    return unchanged(before, fstatSync(fd, { bigint: true })) ? data : undefined;
  } finally {
    closeSync(fd);
  }
}
