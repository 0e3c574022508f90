/**
 * What a client process needs from each system under test: a get of a prepared object and a
 * put, issued by numbered workers (concurrency), plus optional batches.
 * @module
 */

/** A timed operation of one worker. */
export type Op = (worker: number) => Promise<void>;

/** One system, as seen by a client. */
export interface Driver {
  /** Makes an object of `size` bytes gettable (untimed); returns the timed get. */
  prepareGet(size: number, concurrency: number): Promise<Op>;
  /** Makes the timed put of `size` bytes. */
  preparePut(size: number, concurrency: number): Promise<Op>;
  /** Untimed cleanup after each repetition (drops what puts stored). */
  cleanup(): Promise<void>;
  /** `count` objects of `size` bytes in one call, when the system has batches. */
  prepareGetBatch?(count: number, size: number): Promise<Op>;
  preparePutBatch?(count: number, size: number): Promise<Op>;
  /** Stores one object of `size` bytes for another process to get; returns what names it. */
  stage(size: number): Promise<unknown>;
  close(): Promise<void>;
}

/** Throws unless a received object has the expected size. */
export function expectSize(what: string, got: number | undefined, size: number): void {
  if (got !== size) throw new Error(`${what}: expected ${size} bytes, got ${got ?? 'nothing'}`);
}
