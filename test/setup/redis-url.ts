// The test redis-server's URL, for tests; throws (so the test fails, loudly) when there is none.
import { inject } from 'vitest';

/** The URL of the redis-server the global setup started. */
export function redisUrl(): string {
  const url = inject('redisUrl');
  if (url === '') throw new Error(`No redis-server for this test: ${inject('redisError')}`);
  return url;
}
