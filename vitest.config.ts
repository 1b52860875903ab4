import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Two cores on the project machines: one fork per core keeps CPU-bound tests stable.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
  },
});
