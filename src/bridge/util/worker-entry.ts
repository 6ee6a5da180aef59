/**
 * Where a worker thread's script is: the built file beside the bundle that
 * starts it (`out/main/<name>.js`), or, when running from the TypeScript
 * sources (tests, bench), a small bootstrap that loads the source through
 * tsx's API (a worker does not inherit tsx's loader).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerEntry {
  script: URL | string;
  /** `script` is code to evaluate, not a file. */
  eval?: boolean;
}

/**
 * `caller`: the starting module's `import.meta.url`; `source`: the worker's
 * source file relative to it; `built`: the worker's bundle name. Undefined
 * when neither is at hand (the caller then runs the work inline).
 */
export function workerEntry(caller: string, source: string, built: string): WorkerEntry | undefined {
  if (caller.endsWith('.ts')) {
    const require = createRequire(caller);
    // tsx's ESM entry sits beside the CommonJS one that `require.resolve` finds.
    const api = pathToFileURL(require.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
    const target = new URL(source, caller).href;
    const script = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(target)}, ${JSON.stringify(target)}))`;
    return { script, eval: true };
  }
  // The bundle may be the entry itself or a shared chunk one folder down.
  for (const rel of [`./${built}`, `../${built}`]) {
    const url = new URL(rel, caller);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return { script: url };
  }
  return undefined;
}
