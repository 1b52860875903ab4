import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Two cores on the project machines: one fork per core keeps CPU-bound tests stable.
    pool: 'forks',
    maxWorkers: 2,
    // Generous: tests that start the CLI dozens of times or open PostgreSQL schemas are slow on a
    // loaded shared machine; a timeout is for a test that hangs, not a speed check (bench/ is).
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
