/**
 * ObjectTable's shared buffers (core/shared-buffers.ts): objects stored as views into a
 * buffer they share stay views only while they fill at least half of it; evictions below that
 * copy the rest out, bytes and extra fields intact.
 */
import { describe, expect, it } from 'vitest';
import { ObjectTable } from '../../src/core/object-table.js';
import type { Payload } from '../../src/core/protocol.js';
import { patternBytes } from '../helpers/data.js';

const KiB = 1024;
const MARK = Symbol('carried along');

/** `count` payloads of `size` bytes, views into one buffer of `bufferBytes`, each carrying MARK. */
function viewsInto(bufferBytes: number, count: number, size: number): Payload[] {
  const buffer = patternBytes(bufferBytes, 'shared');
  return Array.from({ length: count }, (_, i) => ({ codec: 'bytes', data: buffer.subarray(i * size, (i + 1) * size), [MARK]: i }) as Payload);
}

const bufferOf = (table: ObjectTable, id: string): ArrayBufferLike | undefined => table.get(id)?.data.buffer;

describe('ObjectTable with shared buffers', () => {
  it('keeps views into a buffer its objects fill, and copies the rest out once evictions leave it under half used', () => {
    const table = new ObjectTable();
    const payloads = viewsInto(64 * KiB, 16, 4 * KiB);
    const expected = payloads.map((p) => Buffer.from(p.data));
    const ids = table.putAll(payloads, true);
    const shared = payloads[0]!.data.buffer;
    expect(ids.map((id) => bufferOf(table, id))).toEqual(ids.map(() => shared));

    // 8 of 16 left fill exactly half: still shared.
    for (const id of ids.slice(0, 8)) expect(table.evict(id)).toBe(true);
    expect(ids.slice(8).every((id) => bufferOf(table, id) === shared)).toBe(true);

    // The ninth eviction leaves 7/16: the 7 move to buffers of their own, same bytes and fields.
    table.evict(ids[8]!);
    for (const [i, id] of ids.entries()) {
      if (i <= 8) {
        expect(table.get(id)).toBeUndefined();
        continue;
      }
      const payload = table.get(id)!;
      expect(payload.data.buffer).not.toBe(shared);
      expect(payload.data.byteLength).toBe(payload.data.buffer.byteLength);
      expect(Buffer.from(payload.data).equals(expected[i]!)).toBe(true);
      expect((payload as Payload & { [MARK]: number })[MARK]).toBe(i);
    }
    expect(table.stats()).toMatchObject({ objects: 7, bytes: 7 * 4 * KiB });
    // Evicting the copies changes nothing else.
    for (const id of ids.slice(9)) table.evict(id);
    expect(table.stats()).toMatchObject({ objects: 0, bytes: 0 });
  });

  it('copies at once objects that fill less than half of their buffer', () => {
    const table = new ObjectTable();
    const payloads = viewsInto(64 * KiB, 7, 4 * KiB);
    const ids = table.putAll(payloads, true);
    for (const [i, id] of ids.entries()) {
      const data = table.get(id)!.data;
      expect(data.buffer).not.toBe(payloads[i]!.data.buffer);
      expect(Buffer.from(data).equals(Buffer.from(payloads[i]!.data))).toBe(true);
    }
  });

  it('stores views as given without `views`, and copies nothing on eviction', () => {
    const table = new ObjectTable();
    const payloads = viewsInto(64 * KiB, 4, 4 * KiB);
    const ids = table.putAll(payloads);
    expect(ids.map((id) => table.get(id)?.data)).toEqual(payloads.map((p) => p.data));
    table.evict(ids[0]!);
    expect(table.get(ids[1]!)?.data).toBe(payloads[1]!.data);
  });

  it('holds and evicts nothing once cleared, shared objects included', () => {
    const table = new ObjectTable();
    const ids = table.putAll(viewsInto(64 * KiB, 16, 4 * KiB), true);
    table.clear();
    expect(table.evict(ids[0]!)).toBe(false);
    expect(table.stats()).toMatchObject({ objects: 0, bytes: 0 });
  });
});
