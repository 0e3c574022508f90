import { defineConfig } from 'vitest/config';

// Tests run real peers, child processes and a redis-server, so they get generous hook timeouts;
// forks keep child-process tests isolated from each other.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ['test/setup/global-setup.ts'],
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
