/**
 * nice-grpc's patch of grpc-js that bounds each connection attempt (why: client-pool.ts),
 * applied once, when this module loads; loaded with `require` for the reason grpc-runtime.ts
 * gives.
 * @module
 */
import { createRequire } from 'node:module';

const patch = createRequire(import.meta.url)('nice-grpc/lib/client/connectTimeoutPatch.js') as { applyConnectTimeoutPatch(): void };
patch.applyConnectTimeoutPatch();
