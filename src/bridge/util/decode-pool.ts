/**
 * Decompression on worker threads. A BossDB cuboid is 4 MiB of voxels in one
 * blosc frame, and numcodecs' WebAssembly takes tens to hundreds of
 * milliseconds on it: on the event loop that stalls every other request the
 * bridge is answering. Frames are checked (sizes, limits) before they come
 * here; a worker only decodes.
 *
 * Workers start on first use, at most two (or one per core), and do not keep
 * the process alive when idle. A worker that dies fails only the frame it
 * held and is replaced. Without a worker script (an unusual bundle), frames
 * are decoded inline.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { IoOptions } from '../model/node.js';
import { takeNext } from './bulk-last.js';
import { type WorkerEntry, workerEntry } from './worker-entry.js';

export type FrameCodec = 'blosc';

export interface DecodeRequest {
  id: number;
  codec: FrameCodec;
  frame: Uint8Array;
}

export type DecodeReply = { id: number; bytes: Uint8Array; error?: undefined } | { id: number; error: string };

interface Job {
  request: DecodeRequest;
  resolve: (bytes: Uint8Array) => void;
  reject: (e: Error) => void;
  /** Read when a worker frees: a bulk frame (an export's) waits while others do. */
  io: IoOptions;
  onAbort?: () => void;
}

const abortError = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted', 'AbortError');

export class DecodePool {
  readonly #entry: WorkerEntry;
  readonly #size: number;
  readonly #idle: Worker[] = [];
  readonly #running = new Map<Worker, Job>();
  readonly #queue: Job[] = [];
  #workers = 0;
  #next = 0;
  #closed = false;

  constructor(entry: WorkerEntry, size: number) {
    this.#entry = entry;
    this.#size = Math.max(1, size);
  }

  /**
   * The frame's bytes. A frame that is a whole ArrayBuffer of its own is handed over to the worker, not copied:
   * the caller must not read it afterwards (it reads as empty). Frames wait in order, bulk ones
   * (`IoOptions.bulk`) after the others.
   */
  decode(codec: FrameCodec, frame: Uint8Array, io: IoOptions = {}): Promise<Uint8Array> {
    const { signal } = io;
    if (this.#closed) return Promise.reject(new Error('the decode pool is closed'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const job: Job = { request: { id: this.#next++, codec, frame }, resolve, reject, io };
      if (signal) {
        // Only a frame still waiting is dropped; one being decoded finishes (the worker cannot be interrupted).
        job.onAbort = () => {
          const at = this.#queue.indexOf(job);
          if (at < 0) return;
          this.#queue.splice(at, 1);
          reject(abortError(signal));
        };
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** Starts every worker now (they load their codecs while the caller does other work). */
  warm(): void {
    while (!this.#closed && this.#workers < this.#size) this.#idle.push(this.#spawn());
  }

  /** Workers running now (for tests). */
  get workers(): number {
    return this.#workers;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) this.#settle(job, new Error('the decode pool is closed'));
    const all = [...this.#idle, ...this.#running.keys()];
    this.#idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const worker = this.#idle.pop() ?? (this.#workers < this.#size ? this.#spawn() : undefined);
      if (!worker) return;
      const job = takeNext(this.#queue, (j) => j.io)!;
      this.#running.set(worker, job);
      worker.ref();
      // A 2.5 MB cuboid copied into the worker cost the event loop about 8 ms (a BossDB conversion's profile: 190 ms
      // for 16 frames, 40 ms once moved). A view into a larger buffer is copied: the rest is not ours to give.
      const { frame } = job.request;
      const whole =
        frame.buffer instanceof ArrayBuffer && frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength;
      worker.postMessage(job.request, whole && frame.byteLength > 0 ? [frame.buffer] : []);
    }
  }

  #spawn(): Worker {
    this.#workers++;
    const worker = new Worker(this.#entry.script, {
      eval: this.#entry.eval ?? false,
      // Frames are megabytes that die young: a small young generation frees them sooner.
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    worker.on('message', (reply: DecodeReply) => {
      const job = this.#running.get(worker);
      if (!job || job.request.id !== reply.id) return;
      this.#running.delete(worker);
      this.#settle(job, reply.error === undefined ? reply.bytes : new Error(reply.error));
      worker.unref();
      if (this.#closed) void worker.terminate();
      else this.#idle.push(worker);
      this.#pump();
    });
    const lost = (why: Error) => {
      const job = this.#running.get(worker);
      this.#running.delete(worker);
      const idle = this.#idle.indexOf(worker);
      if (idle >= 0) this.#idle.splice(idle, 1);
      if (job) this.#settle(job, why);
      this.#workers--;
      if (!this.#closed) this.#pump();
    };
    worker.on('error', (e) => lost(e));
    worker.on('exit', (code) => {
      if (this.#running.has(worker) || this.#idle.includes(worker))
        lost(new Error(`decode worker exited with code ${code}`));
    });
    worker.unref();
    return worker;
  }

  #settle(job: Job, outcome: Uint8Array | Error): void {
    if (job.onAbort) job.io.signal?.removeEventListener('abort', job.onAbort);
    if (outcome instanceof Error) job.reject(outcome);
    else job.resolve(outcome);
  }
}

let shared: DecodePool | undefined | null;
/** Workers of the process's pool: two (or one per core), unless the process said otherwise first. */
let sharedWorkers = Math.min(2, availableParallelism());

/**
 * Sets how many decode workers the process's pool will have; only before its first use (later calls change
 * nothing). `convert` takes one: its own codec workers keep the cores busy, and there a second decode worker
 * cost more (its start, its share of two cores) than it gave (a BossDB region, 4 runs each: blosc-zstd
 * 25.2 → 26.2 MB/s, zstd 32.3 → 34.8 with one).
 */
export function setDecodeWorkers(count: number): void {
  if (shared === undefined) sharedWorkers = Math.max(1, Math.floor(count));
}

function sharedPool(): DecodePool | null {
  if (shared === undefined) {
    const entry = workerEntry(import.meta.url, './decode-worker.ts', 'decode-worker.js');
    shared = entry ? new DecodePool(entry, sharedWorkers) : null;
  }
  return shared;
}

/** Workers the process's pool runs now (0 before its first use; for tests). */
export const decodeWorkers = (): number => shared?.workers ?? 0;

/** Decodes `frame` on the process's decode workers (inline when there are none); see `DecodePool.decode`. */
export async function decodeOffThread(codec: FrameCodec, frame: Uint8Array, io: IoOptions = {}): Promise<Uint8Array> {
  const pool = sharedPool();
  if (pool) return pool.decode(codec, frame, io);
  const { default: Blosc } = await import('numcodecs/blosc');
  return await Blosc.fromConfig({ id: 'blosc' }).decode(frame);
}

/**
 * Starts the decode workers ahead of their first frame: a worker takes a few hundred milliseconds to load
 * its WebAssembly, which would otherwise be added to the first cutout a viewer waits for.
 */
export function warmDecoders(): void {
  sharedPool()?.warm();
}
