/**
 * Codec work on worker threads, so encoding (zstd/blosc in WebAssembly)
 * and downsampling use every core while the main thread reads. Falls back to
 * running tasks inline when no worker script is at hand.
 */
import { Worker } from 'node:worker_threads';
import { type WorkerEntry, workerEntry } from '../util/worker-entry.js';
import { type ChunkTask, runChunkTask, type TaskResult } from './chunk-task.js';
import type { CodecSpec } from './codec.js';

export interface ChunkPool {
  run(task: ChunkTask): Promise<TaskResult>;
  /** Has every worker load `codec` now, ahead of the first chunk (a worker compiles its WebAssembly on first use). */
  warm(codec: CodecSpec): void;
  close(): Promise<void>;
}

/** One voxel, not the fill value (an all-fill chunk is never encoded), in the given codec. */
const warmTask = (codec: CodecSpec): ChunkTask => ({
  src: Uint8Array.of(1),
  srcShape: [1],
  factors: [1],
  method: 'nearest',
  dtype: 'uint8',
  chunk: [1],
  codec,
});

class InlinePool implements ChunkPool {
  run(task: ChunkTask) {
    return runChunkTask(task);
  }
  warm() {}
  async close() {}
}

interface Pending {
  resolve: (r: TaskResult) => void;
  reject: (e: Error) => void;
}

class WorkerPool implements ChunkPool {
  readonly #idle: Worker[] = [];
  readonly #all: Worker[] = [];
  readonly #queue: { id: number; task: ChunkTask }[] = [];
  readonly #pending = new Map<number, Pending>();
  readonly #busy = new Map<Worker, number>();
  #next = 0;
  #failed?: Error;

  constructor(size: number, entry: WorkerEntry) {
    for (let i = 0; i < size; i++) {
      // A small young generation: chunk buffers die young, and are freed sooner.
      const w = new Worker(entry.script, {
        eval: entry.eval ?? false,
        resourceLimits: { maxYoungGenerationSizeMb: 4 },
      });
      w.on('message', (m: { id: number; result?: TaskResult; error?: string }) => {
        const p = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        this.#busy.delete(w);
        this.#idle.push(w);
        w.unref();
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.result ?? { encoded: undefined });
        this.#pump();
      });
      w.on('error', (e) => this.#fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.#fail(new Error(`codec worker exited with code ${code}`));
      });
      // Idle workers must not keep the process alive; busy ones must (see #pump).
      w.unref();
      this.#all.push(w);
      this.#idle.push(w);
    }
  }

  run(task: ChunkTask): Promise<TaskResult> {
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      const id = this.#next++;
      this.#pending.set(id, { resolve, reject });
      this.#queue.push({ id, task });
      this.#pump();
    });
  }

  warm(codec: CodecSpec): void {
    // Queued together while every worker is idle: each worker takes one. A failure shows again on the first chunk.
    for (let i = 0; i < this.#all.length; i++) this.run(warmTask(codec)).catch(() => {});
  }

  #pump() {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const w = this.#idle.pop()!;
      const { id, task } = this.#queue.shift()!;
      this.#busy.set(w, id);
      w.ref();
      const own = task.src.byteOffset === 0 && task.src.byteLength === task.src.buffer.byteLength;
      w.postMessage({ id, task }, own ? [task.src.buffer as ArrayBuffer] : []);
    }
  }

  #fail(e: Error) {
    this.#failed ??= e;
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
    this.#queue.length = 0;
  }

  async close() {
    this.#failed ??= new Error('the codec pool is closed');
    await Promise.all(this.#all.map((w) => w.terminate()));
  }
}

export function createChunkPool(threads: number): ChunkPool {
  const entry = workerEntry(import.meta.url, './encode-worker.ts', 'encode-worker.js');
  return entry && threads > 0 ? new WorkerPool(threads, entry) : new InlinePool();
}
