import { defineConfig } from 'vitest/config';

// Three layers (DESIGN.md "Tests"): pure unit tests, in-process sandbox integration over real HTTP,
// and end-to-end runs of the built CLI as a subprocess.
export default defineConfig({
  test: {
    environment: 'node',
    projects: [
      // Unit tests get room too: a few decode hundreds of pods, and CI machines are shared; no test asserts time.
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
