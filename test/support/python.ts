/**
 * Debian's Python for the suite: test/py/read_back.py (zarr-python 2.13) and the other readers and writers in
 * test/py, and `python3 -c` snippets. Jobs run in one long-lived interpreter per test worker (test/py/worker.py),
 * which keeps numpy, zarr, fsspec and tifffile imported between them: a fresh `python3` spent more starting than
 * most jobs spend working. Each job still has its own argv, stdin, stdout, stderr and exit status.
 */
import { type ChildProcess, spawn } from 'node:child_process';
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

/** What a Python job left behind, as `spawnSync` reports it. */
export interface PythonRun {
  status: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs `python3 ARGS` (a script path or `-c CODE`, then its arguments) with `input` on its stdin. Jobs of one
 * worker run one at a time, in the order asked; a job that kills the interpreter fails alone, and the next job
 * starts a new one.
 */
export function runPython(args: string[], options: { input?: string | Uint8Array } = {}): Promise<PythonRun> {
  const job = queue.then(() => worker().run(args, options));
  queue = job.then(
    () => undefined,
    () => undefined,
  );
  return job;
}

/** Runs one of test/py/*.py: JSON in on stdin, JSON out on stdout. */
export async function runPythonJson<T>(script: string, input: unknown): Promise<T> {
  const run = await runPython([join(REPO, 'test/py', script)], { input: JSON.stringify(input) });
  if (run.status !== 0) throw new Error(`${script} exited ${run.status}: ${run.stderr.slice(-2000)}`);
  const out = run.stdout.toString('utf8');
  try {
    return JSON.parse(out) as T;
  } catch (e) {
    throw new Error(
      `${script} printed no JSON: ${(e as Error).message}\n${out.slice(0, 500)}\n${run.stderr.slice(-2000)}`,
    );
  }
}

let queue: Promise<unknown> = Promise.resolve();
let current: PythonWorker | undefined;

function worker(): PythonWorker {
  if (!current?.alive) current = new PythonWorker();
  return current;
}

/** One test/py/worker.py: 4-byte little-endian length frames (requests on its stdin, answers on its stdout). */
class PythonWorker {
  readonly #child: ChildProcess;
  #chunks: Buffer[] = [];
  #length = 0;
  /** The length of the frame being received, once its 4 bytes are in. */
  #need: number | undefined;
  #frames: Buffer[] = [];
  #log = '';
  #waiting: { resolve: (run: PythonRun) => void; reject: (e: Error) => void } | undefined;
  alive = true;

  constructor() {
    this.#child = spawn(PYTHON, [join(REPO, 'test/py/worker.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    // Between jobs, neither the interpreter nor its pipes keep a finished test worker alive (its stdin closing
    // ends the interpreter); during a job they do.
    this.#hold(false);
    this.#child.stdout?.on('data', (d: Buffer) => this.#receive(d));
    this.#child.stderr?.on('data', (d: Buffer) => {
      this.#log = (this.#log + d.toString()).slice(-4000);
    });
    this.#child.on('error', (e) => this.#fail(e));
    this.#child.on('exit', (code, signal) =>
      this.#fail(new Error(`the Python worker exited (${signal ?? code}) during a job: ${this.#log}`)),
    );
  }

  run(args: string[], options: { input?: string | Uint8Array }): Promise<PythonRun> {
    return new Promise((resolve, reject) => {
      if (!this.alive) return reject(new Error(`the Python worker has exited: ${this.#log}`));
      this.#waiting = { resolve, reject };
      this.#hold(true);
      const header = Buffer.from(JSON.stringify({ argv: args }));
      const input = Buffer.from(options.input ?? '');
      this.#child.stdin?.write(Buffer.concat([frame(header), frame(input)]));
    });
  }

  #receive(data: Buffer): void {
    this.#chunks.push(data);
    this.#length += data.length;
    for (;;) {
      if (this.#need === undefined) {
        if (this.#length < 4) break;
        this.#need = this.#take(4).readUInt32LE(0);
      }
      if (this.#length < this.#need) break;
      this.#frames.push(this.#take(this.#need));
      this.#need = undefined;
    }
    if (this.#frames.length < 3 || !this.#waiting) return;
    const [head, stdout, stderr] = this.#frames.splice(0, 3);
    const { status } = JSON.parse(head.toString()) as { status: number };
    const waiting = this.#waiting;
    this.#waiting = undefined;
    this.#hold(false);
    waiting.resolve({ status, stdout, stderr: stderr.toString('utf8') });
  }

  /** The next `n` bytes received (joined once per frame, not once per pipe read: answers reach 16 MB). */
  #take(n: number): Buffer {
    const all = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks);
    this.#chunks = n < all.length ? [all.subarray(n)] : [];
    this.#length -= n;
    return all.subarray(0, n);
  }

  #hold(busy: boolean): void {
    for (const handle of [this.#child, this.#child.stdin, this.#child.stdout, this.#child.stderr] as unknown as {
      ref?: () => void;
      unref?: () => void;
    }[])
      busy ? handle?.ref?.() : handle?.unref?.();
  }

  #fail(e: Error): void {
    this.alive = false;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(e);
  }
}

function frame(bytes: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32LE(bytes.length);
  return Buffer.concat([head, bytes]);
}
