import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Hang detectors only, never verdicts: generous, so a busy 2-core machine cannot turn a slow pass red.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // expect.poll waits for a state (a URL, a count), not for a time: the same margin.
    expect: { poll: { timeout: 120_000 } },
    // Python and Chromium readers are slow to start; two cores only.
    maxWorkers: 2,
  },
});
