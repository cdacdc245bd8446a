import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Hang guards only: the process tests take seconds to a minute, several times that on a loaded machine;
    // a test must never pass or fail on how fast the machine is.
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
