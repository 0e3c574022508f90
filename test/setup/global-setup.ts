// Global test setup: starts the services the suite needs, once per run, and hands their
// addresses to the tests through `provide`/`inject`.
import type { TestProject } from 'vitest/node';
import { startRedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:<port>` of the test redis-server, or `''` when it could not start. */
    redisUrl: string;
    /** Why the redis-server could not start (`''` when it did); Redis tests fail with it. */
    redisError: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A missing redis-server must not stop the other suites from running: the Redis tests fail
  // one by one with the install hint instead (see test/setup/redis-url.ts), never skip.
  let stop = async (): Promise<void> => {};
  try {
    const server = await startRedisServer();
    project.provide('redisUrl', server.url);
    project.provide('redisError', '');
    stop = () => server.stop();
  } catch (error) {
    project.provide('redisUrl', '');
    project.provide('redisError', error instanceof Error ? error.message : String(error));
  }
  return stop;
}
