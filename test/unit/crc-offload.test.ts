/**
 * The off-thread checksum: pieces with a buffer of their own are handed over without a copy
 * (and so emptied); pieces that share a buffer go as copies, leaving their buffer intact; the
 * result is the checksum of all of them in order, and nothing stays open on the worker.
 */
import { expect, it } from 'vitest';
import { BACKLOG_BYTES, OffloadedCrc, openOffloadedChecks } from '../../src/mesh/wire/crc-offload.js';
import { crc32c } from '../../src/mesh/wire/crc32c.js';
import { patternBytes } from '../helpers/data.js';

it('computes the checksum of every piece, in order, off the thread', async () => {
  const whole = patternBytes(3 << 20, 'pieces');
  const shared = Buffer.from(whole.subarray(1 << 20, 2 << 20));
  const inLarger = Buffer.concat([shared, patternBytes(4096, 'more')]).subarray(0, shared.byteLength);
  const own = [new Uint8Array(whole.subarray(0, 1 << 20)), new Uint8Array(whole.subarray(2 << 20))];
  const job = new OffloadedCrc();
  expect(openOffloadedChecks()).toBe(1);
  job.add(own[0]!);
  job.add(inLarger);
  job.add(own[1]!);
  expect(own.map((piece) => piece.byteLength)).toEqual([0, 0]);
  expect(inLarger.equals(shared)).toBe(true);
  expect(await job.result()).toBe(crc32c(whole));
  expect(openOffloadedChecks()).toBe(0);
});

it('forgets an abandoned object', async () => {
  const job = new OffloadedCrc();
  job.add(new Uint8Array(patternBytes(1000, 'dropped')));
  job.drop();
  expect(openOffloadedChecks()).toBe(0);
  // The worker still answers for the next object.
  const next = new OffloadedCrc();
  next.add(new Uint8Array(Buffer.from('next')));
  expect(await next.result()).toBe(crc32c(Buffer.from('next')));
});

it('asks receivers to pause while the worker is far behind, and to go on once it has caught up', async () => {
  const pieces = Array.from({ length: BACKLOG_BYTES / (1 << 20) + 2 }, (_, i) => new Uint8Array(patternBytes(1 << 20, `piece ${i}`)));
  const expected = crc32c(Buffer.concat(pieces));
  const job = new OffloadedCrc();
  expect(job.backlog).toBeUndefined();
  // Nothing can be read back before this turn ends, so the backlog is all of it.
  for (const piece of pieces) job.add(piece);
  const backlog = job.backlog;
  expect(backlog).toBeInstanceOf(Promise);
  await backlog;
  expect(job.backlog).toBeUndefined();
  expect(await job.result()).toBe(expected);
});
