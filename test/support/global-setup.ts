/**
 * Once per `vitest run`, in its main process: a folder the test files of both workers share for fixtures that
 * only need writing once (the TIFF fixtures: 330 MB, 11 s of Python), removed when the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared fixture folder (test/support/global-setup.ts). */
    sharedFixtureDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'zb-run-'));
  project.provide('sharedFixtureDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
