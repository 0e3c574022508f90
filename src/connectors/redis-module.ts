/**
 * ioredis, loaded when the first RedisConnector is made rather than with the package: every
 * process that imports proxymesh (each mesh peer among them) would otherwise spend ~40 ms and
 * ~1.9 MB of heap on it, which every full GC then marks (BENCHMARKS.md, Tuning: "What a process loads").
 * @module
 */
import { createRequire } from 'node:module';
import type * as Ioredis from 'ioredis';

/** The ioredis module, loaded on the first call (Node caches it after that). */
export function loadIoredis(): typeof Ioredis {
  return createRequire(import.meta.url)('ioredis') as typeof Ioredis;
}
