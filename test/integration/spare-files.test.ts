/**
 * Spare files: an evicted object's file in a peer's shared-memory directory is kept a while and
 * overwritten in place by the next value written there (memory already there), within bounds;
 * a reader never gets another value's bytes from a file recycled under it.
 */
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Peer } from '../../src/index.js';
import { KeyNotFoundError } from '../../src/errors.js';
import { FilePayload } from '../../src/core/file-payload.js';
import { ClientPool } from '../../src/mesh/client/client-pool.js';
import { SPARE_BYTES, SPARE_FILES, SPARE_MS, SpareFiles, spareSizes, writeIntoSpare } from '../../src/mesh/wire/spare-files.js';
import { readStable } from '../../src/util/stable-read.js';
import { patternBytes } from '../helpers/data.js';

const settings = { timeoutMs: 5_000, transferTimeoutMs: 60_000, chunkBytes: 1 << 20, maxObjectBytes: 1 << 30 };
const SIZE = 3 << 20;

let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'proxymesh-spare-'));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(base, { recursive: true, force: true });
});

describe('a peer recycling object files', () => {
  // Proves: the file of an evicted object is the very file (same inode) the next set by file writes into, holding exactly the new value.
  it('writes the next value into an evicted object’s file', async () => {
    const peer = await Peer.start({ sharedMemory: base });
    const pool = new ClientPool(settings);
    try {
      const [name] = readdirSync(base);
      const directory = join(base, name ?? '');
      const client = pool.client(peer.address);
      const first = await client.newKey();
      await client.set(first.key, { codec: 'bytes', data: patternBytes(SIZE, 'first') }, { capability: first.capability });
      const inode = statSync(join(directory, first.key.id)).ino;
      await client.evict(first.key);
      expect(spareSizes(directory)).toEqual([SIZE]);

      const second = await client.newKey();
      const data = patternBytes(SIZE - 1000, 'second');
      await client.set(second.key, { codec: 'bytes', data }, { capability: second.capability });
      const file = join(directory, second.key.id);
      expect(statSync(file).ino).toBe(inode);
      expect(spareSizes(directory)).toEqual([]);
      // Cut to the new value's size: nothing of the old value is left past its end.
      expect(readFileSync(file).equals(data)).toBe(true);
      expect(Buffer.from((await client.get(second.key))?.data ?? []).equals(data)).toBe(true);
    } finally {
      pool.close();
      await peer.close();
    }
  });
});

describe('SpareFiles', () => {
  const objectFile = (directory: string, name: string, bytes: number): string => {
    const path = join(directory, name);
    writeFileSync(path, Buffer.alloc(bytes, 1));
    return path;
  };

  // Proves: beyond SPARE_FILES files, or SPARE_BYTES bytes, an evicted file is refused (its caller deletes it).
  it('keeps a bounded number of files and bytes', () => {
    const spares = new SpareFiles(base);
    try {
      const kept = Array.from({ length: SPARE_FILES + 2 }, (_, i) => spares.keep(objectFile(base, `o${i}`, 10), 10));
      expect(kept.filter(Boolean)).toHaveLength(SPARE_FILES);
      expect(spareSizes(base)).toHaveLength(SPARE_FILES);
      const roomy = new SpareFiles(mkdtempSync(join(base, 'roomy-')));
      expect(roomy.keep(objectFile(base, 'huge', 10), SPARE_BYTES + 1)).toBe(false);
      roomy.close();
    } finally {
      spares.close();
    }
  });

  // Proves: a spare nobody claimed is deleted once SPARE_MS have passed, so its memory goes back.
  it('deletes spares nobody claimed after a while', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const spares = new SpareFiles(base);
    try {
      expect(spares.keep(objectFile(base, 'o', 10), 10)).toBe(true);
      vi.advanceTimersByTime(SPARE_MS - 1);
      expect(spareSizes(base)).toEqual([10]);
      vi.advanceTimersByTime(1);
      expect(spareSizes(base)).toEqual([]);
    } finally {
      spares.close();
    }
  });

  // Proves: a writer takes the smallest spare that fits and leaves the others; with none left it writes a new file.
  it('hands each spare to one writer, the best fitting first', async () => {
    const spares = new SpareFiles(base);
    try {
      for (const [i, bytes] of [100, 5000, 2000].entries()) spares.keep(objectFile(base, `o${i}`, bytes), bytes);
      const name = await writeIntoSpare(base, { codec: 'bytes', data: Buffer.alloc(1500, 7) });
      expect(name).toBeDefined();
      expect(readFileSync(join(base, name ?? '')).equals(Buffer.alloc(1500, 7))).toBe(true);
      expect(spareSizes(base).sort((a, b) => a - b)).toEqual([100, 5000]);
      // Concurrent writers: each claimed spare is one writer's alone.
      const names = await Promise.all([1, 2, 3].map((n) => writeIntoSpare(base, { codec: 'bytes', data: Buffer.alloc(50, n) })));
      expect(names.filter((n) => n !== undefined)).toHaveLength(2);
      expect(new Set(names.filter((n) => n !== undefined)).size).toBe(2);
    } finally {
      spares.close();
    }
  });
});

describe('reading a file that may be recycled', () => {
  // Proves: a read that overlaps the file being renamed away and refilled returns nothing rather than the new value's bytes.
  it('refuses a read that a refill overlapped', async () => {
    const path = join(base, 'object');
    writeFileSync(path, Buffer.alloc(4096, 1));
    expect(await readStable(path)).toEqual(Buffer.alloc(4096, 1));
    const read = await readStable(path, async () => {
      renameSync(path, join(base, 'claimed'));
      writeFileSync(join(base, 'claimed'), Buffer.alloc(4096, 2));
    });
    expect(read).toBeUndefined();
  });

  // Proves: an evicted object's payload, whose file went to the spares, reads as a missing key naming the file.
  it('reports an object evicted before its read as missing', async () => {
    const spares = new SpareFiles(base);
    try {
      const path = join(base, 'object');
      writeFileSync(path, Buffer.alloc(64, 3));
      const payload = new FilePayload(path, 'bytes', 64, 0, (p, size) => spares.keep(p, size));
      expect(Buffer.from((await payload.load()).data)).toEqual(Buffer.alloc(64, 3));
      payload.release();
      expect(spareSizes(base)).toEqual([64]);
      await expect(payload.load()).rejects.toThrow(KeyNotFoundError);
      expect(() => payload.data).toThrow(/object in file .*object was evicted/);
    } finally {
      spares.close();
    }
  });
});
