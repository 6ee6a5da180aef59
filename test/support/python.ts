/** Runs test/py/read_back.py (Debian's zarr-python 2.13) on a batch of cases, and other readers in test/py. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PYTHON, REPO } from './env.js';
import type { FormulaReference } from './formulas.js';

export type Reference =
  | { kind: 'zarr2-dir' | 'nested-dir' | 'n5-dir'; path: string; dataset?: string }
  | { kind: 'raw'; file: string; dtype: string; shape: number[] }
  | { kind: 'strings'; file: string; shape: number[] }
  | FormulaReference;

export interface PyCase {
  id: string;
  url: string;
  format: 'zarr2' | 'n5';
  path?: string;
  /** Values another client (zarrita) read over HTTP and dumped, instead of reading `url` here. */
  servedRaw?: Reference;
  reference: Reference;
  /** Largest difference allowed per value (lossy sources such as JPEG); 0 when omitted. */
  tolerance?: number;
}

export interface PyResult {
  id: string;
  ok: boolean;
  detail: string;
  shape?: number[];
  dtype?: string;
}

export function readBackWithPython(cases: PyCase[]): Promise<PyResult[]> {
  return runPythonJson<PyResult[]>('read_back.py', { cases });
}

/** Runs one of test/py/*.py with Debian's Python: JSON in on stdin, JSON out on stdout. */
export function runPythonJson<T>(script: string, input: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [join(REPO, 'test/py', script)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited ${code}: ${err.slice(-2000)}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch (e) {
        reject(
          new Error(`${script} printed no JSON: ${(e as Error).message}\n${out.slice(0, 500)}\n${err.slice(-2000)}`),
        );
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}
