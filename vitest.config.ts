import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A folder for fixtures both workers share, written once per run (test/support/global-setup.ts).
    globalSetup: ['test/support/global-setup.ts'],
    environment: 'node',
    // Hang detectors only, never verdicts: generous, so a busy 2-core machine cannot turn a slow pass red.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // expect.poll waits for a state (a URL, a count), not for a time: the same margin.
    expect: { poll: { timeout: 120_000 } },
    // Python and Chromium readers are slow to start; two cores only.
    maxWorkers: 2,
    // A worker runs its files in one module graph: the bridge, Playwright and zarrita are imported once per
    // worker instead of once per file (the suite went from 7 min 17 s to 6 min 10 s–6 min 28 s on 2 idle cores),
    // and the e2e files share one Chromium (test/e2e/harness.ts). Each test starts its own bridge on its own
    // folders. Files must then leave process-wide state as they found it: zarrita's codec registry above all
    // (test/viewer/data.test.ts checks that the viewer's code only reads it).
    isolate: false,
  },
});
