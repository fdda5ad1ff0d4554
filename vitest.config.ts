import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    exclude: ['tests/bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // tfjs holds global backend state; one fork per file keeps suites from sharing it.
    pool: 'forks',
    // Vitest's default for a run is one fork fewer than the cores: on CI's 2 cores, a single file at a time.
    maxWorkers: availableParallelism(),
  },
});
