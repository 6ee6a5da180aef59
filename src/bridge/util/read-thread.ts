/**
 * One thread of our own for reading chunk files that are read once and sent
 * once (the cold path), instead of libuv's thread pool.
 *
 * Why: handing a read to libuv's pool wakes one of its idle threads every
 * time (a futex wake, an inter-processor interrupt under a hypervisor), and
 * with four threads one is nearly always idle. On 2 cores that wake cost the
 * event loop more than the read itself (profile of `npm run bench -- cold`:
 * 24 % of the event loop's busy time in submitting reads; with
 * UV_THREADPOOL_SIZE=1 it fell to 6 %, but that would put every DNS lookup
 * and zlib job behind one slow read). This thread takes requests from a ring
 * in shared memory and is woken only when it sleeps; while it is reading,
 * further requests cost two stores. It wakes the event loop once per burst of
 * finished reads. Its reads land in the shared arena of read-buffers.ts,
 * the only memory it can write.
 *
 * It is for fast reads only. A read still outstanding after 100 ms (a
 * hung network mount) sends new reads to libuv's pool until it returns, and
 * a full ring or a stopped thread does too: `read` then answers undefined.
 */
import type { readSync } from 'node:fs';
import { getSystemErrorName } from 'node:util';
import { Worker } from 'node:worker_threads';
import { sharedArena } from './read-buffers.js';

/** Reads in flight at most; beyond them, libuv's pool takes the overflow. */
const SLOTS = 256;
/** A read outstanding this long means the thread is stuck behind a slow file system. */
const PATIENCE_MS = 100;

/** Indices of the control words (Int32) the two threads share. */
const AT = { awake: 0, head: 1, done: 2, signalled: 3, stop: 4 } as const;

interface LoopData {
  control: SharedArrayBuffer;
  /** Per slot: fd, offset in the arena, length, file position (Float64). */
  requests: SharedArrayBuffer;
  /** Per slot: bytes read or a negative errno, the read's milliseconds, and `Date.now()` when it ended (Float64). */
  results: SharedArrayBuffer;
  arena: SharedArrayBuffer;
  slots: number;
  at: typeof AT;
}

/**
 * The thread's whole program, run from its source text (so it needs no bundle of its own): it may use only
 * its arguments. It reads requests in order, publishes each result with `done`, and posts a message only
 * when the event loop has not been told yet since it last looked.
 */
function readLoop(data: LoopData, tell: () => void, read: typeof readSync, now: () => number): void {
  const { slots, at } = data;
  const control = new Int32Array(data.control);
  const requests = new Float64Array(data.requests);
  const results = new Float64Array(data.results);
  const arena = new Uint8Array(data.arena);
  let tail = 0;
  for (;;) {
    if (Atomics.load(control, at.stop) === 1) return;
    if (Atomics.load(control, at.head) === tail) {
      // Asleep from here: the event loop wakes it when it next adds a request. Looked at once more after
      // saying so, so a request added in between is not left waiting.
      Atomics.store(control, at.awake, 0);
      if (Atomics.load(control, at.head) === tail) Atomics.wait(control, at.awake, 0, 10_000);
      Atomics.store(control, at.awake, 1);
      continue;
    }
    const slot = tail % slots;
    const r = slot * 4;
    const started = now();
    let got: number;
    try {
      got = read(requests[r], arena, requests[r + 1], requests[r + 2], requests[r + 3]);
    } catch (e) {
      const errno = (e as { errno?: unknown }).errno;
      got = typeof errno === 'number' && errno < 0 ? errno : -5;
    }
    const finished = now();
    results[slot * 3] = got;
    results[slot * 3 + 1] = finished - started;
    results[slot * 3 + 2] = Date.now();
    tail++;
    Atomics.store(control, at.done, tail);
    if (Atomics.exchange(control, at.signalled, 1) === 0) tell();
  }
}

const PROGRAM = `
const { workerData, parentPort } = require('node:worker_threads');
const { readSync } = require('node:fs');
(${readLoop.toString()})(workerData, () => parentPort.postMessage(0), readSync, () => performance.now());
`;

export interface ThreadRead {
  bytesRead: number;
  /** How long the read itself took on the thread. */
  ms: number;
}

interface Waiting {
  resolve: (r: ThreadRead | undefined) => void;
  reject: (e: unknown) => void;
  /** `Date.now()` when asked for (the thread's clock for `performance.now()` has another origin). */
  submitted: number;
}

export class ReadThread {
  readonly #control = new Int32Array(new SharedArrayBuffer(8 * 4));
  readonly #requests = new Float64Array(new SharedArrayBuffer(SLOTS * 4 * 8));
  readonly #results = new Float64Array(new SharedArrayBuffer(SLOTS * 3 * 8));
  readonly #waiting: (Waiting | undefined)[] = new Array(SLOTS);
  readonly #arena = sharedArena();
  #worker?: Worker;
  #stopped = false;
  /** How long the read the thread is on may take before new reads go elsewhere (ms). */
  patienceMs = PATIENCE_MS;
  #head = 0;
  #drained = 0;

  /**
   * Reads up to `into.length` bytes of `fd` from `position` (-1: from the current one) into `into`, a view
   * of the shared arena (from `takeSharedBuffer`). Undefined when the thread cannot take it now (stopped,
   * full or stuck): read elsewhere. The promise answers undefined if the thread stops before reading it
   * (then `into` may still be written, and must not be given back for reuse), and rejects with the read's
   * error (with its `code`, as fs does).
   */
  read(fd: number, into: Uint8Array, position: number): Promise<ThreadRead | undefined> | undefined {
    if (this.#stopped || into.buffer !== this.#arena || this.#head - this.#drained >= SLOTS) return undefined;
    if (this.#stuck()) return undefined;
    this.#worker ??= this.#start();
    const slot = this.#head % SLOTS;
    const r = slot * 4;
    this.#requests[r] = fd;
    this.#requests[r + 1] = into.byteOffset;
    this.#requests[r + 2] = into.byteLength;
    this.#requests[r + 3] = position;
    const promise = new Promise<ThreadRead | undefined>((resolve, reject) => {
      this.#waiting[slot] = { resolve, reject, submitted: Date.now() };
    });
    Atomics.store(this.#control, AT.head, ++this.#head);
    if (Atomics.load(this.#control, AT.awake) === 0) {
      Atomics.store(this.#control, AT.awake, 1);
      Atomics.notify(this.#control, AT.awake);
    }
    return promise;
  }

  /** Reads it has taken so far. */
  get taken(): number {
    return this.#head;
  }

  /** Stops the thread; reads not yet made answer undefined. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    Atomics.store(this.#control, AT.stop, 1);
    Atomics.notify(this.#control, AT.awake);
    void this.#worker?.terminate();
    this.#drain();
    for (let i = this.#drained; i < this.#head; i++) this.#settle(i)?.resolve(undefined);
    this.#drained = this.#head;
  }

  #start(): Worker {
    const data: LoopData = {
      control: this.#control.buffer as SharedArrayBuffer,
      requests: this.#requests.buffer as SharedArrayBuffer,
      results: this.#results.buffer as SharedArrayBuffer,
      arena: this.#arena,
      slots: SLOTS,
      at: AT,
    };
    const worker = new Worker(PROGRAM, { eval: true, workerData: data });
    // It never keeps the process alive; the bridge's server does while it listens.
    worker.unref();
    worker.on('message', () => this.#drain());
    worker.on('error', () => this.stop());
    worker.on('exit', () => this.stop());
    return worker;
  }

  /**
   * Whether the read the thread is on has taken longer than `patienceMs`. It began when it was asked for, or
   * when the read before it ended if that was later (reads queued behind a slow one are not slow themselves).
   */
  #stuck(): boolean {
    const done = Atomics.load(this.#control, AT.done);
    const oldest = done < this.#head ? this.#waiting[done % SLOTS] : undefined;
    if (!oldest) return false;
    // Written before `done` moved past it, so read safely after loading `done`.
    const before = done > 0 ? this.#results[((done - 1) % SLOTS) * 3 + 2] : 0;
    return Date.now() - Math.max(oldest.submitted, before) > this.patienceMs;
  }

  /** Settles every read the thread has finished. */
  #drain(): void {
    // Cleared before looking, so a read finished after the look posts again.
    Atomics.store(this.#control, AT.signalled, 0);
    const done = Atomics.load(this.#control, AT.done);
    while (this.#drained < done) {
      const slot = this.#drained % SLOTS;
      const got = this.#results[slot * 3];
      const ms = this.#results[slot * 3 + 1];
      const waiting = this.#settle(this.#drained++);
      if (got >= 0) waiting?.resolve({ bytesRead: got, ms });
      else waiting?.reject(readError(got));
    }
  }

  #settle(index: number): Waiting | undefined {
    const slot = index % SLOTS;
    const waiting = this.#waiting[slot];
    this.#waiting[slot] = undefined;
    return waiting;
  }
}

function readError(errno: number): NodeJS.ErrnoException {
  let code: string;
  try {
    code = getSystemErrorName(errno);
  } catch {
    code = 'EIO';
  }
  return Object.assign(new Error(`${code}: read failed`), { errno, code, syscall: 'read' });
}

let shared: ReadThread | undefined;

/** The process's read thread, started at its first read. */
export const readThread = (): ReadThread => {
  shared ??= new ReadThread();
  return shared;
};
