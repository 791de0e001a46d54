import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The CLI and daemon tests spawn child processes; two workers suit a 2-core machine.
    maxWorkers: 2,
  },
});
