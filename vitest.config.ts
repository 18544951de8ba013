import { defineConfig } from 'vitest/config';

/**
 * Three projects mirror the source tree: `geo` (pure unit tests), `integration` (API against both
 * PGlite and a throwaway PostGIS server, and the browser tests against the running app). The
 * integration project's global setup builds the demo templates and the client once per run.
 */
export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'geo',
          include: ['tests/geo/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/api/**/*.test.ts', 'tests/web/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // PGlite instances are large: one file at a time per worker, two workers.
          fileParallelism: true,
        },
      },
    ],
  },
});
