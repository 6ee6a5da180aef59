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
    // A worker runs its files in one module graph: importing the bridge, Playwright and zarrita once per worker
    // instead of once per file saved a sixth of the suite's CPU, and lets the e2e files share one Chromium
    // (test/e2e/harness.ts). Tests keep no module state: each starts its own bridge on its own folders.
    isolate: false,
  },
});
