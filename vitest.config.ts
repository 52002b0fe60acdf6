import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores on CI: keep forks low so heavy fixture generation does not starve timeouts.
    pool: 'forks',
    maxWorkers: 2,
  },
});
