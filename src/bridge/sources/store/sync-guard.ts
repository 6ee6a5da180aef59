/**
 * When a folder's metadata calls (realpath, open, fstat) may run synchronously
 * on the event loop. On a local disk they are answered from the kernel's
 * dentry and inode caches in microseconds, far less than a thread-pool round
 * trip costs (measured on the cold pass-through path: realpath alone on the
 * event loop took it from 3.6k to 4.8k requests/s). On a slow file system
 * (network, sleeping disk) they could stall every request, so a few slow
 * calls close together turn this folder back to the thread pool for good.
 * Slow calls far apart are not enough: a garbage collection that starts
 * inside a call (fstat allocates its Stats) or the machine preempting the
 * event loop makes a fast call look slow now and then (measured on the cold
 * bench: 3 calls of 6–18 ms among the first 1000, at the same call numbers
 * run after run, while a slow disk makes most calls slow). Data reads go
 * through a thread: libuv's pool, or the read thread (read-thread.ts) while a
 * guard of their own allows it.
 */
export class SyncGuard {
  #allowed = true;
  readonly #slowMs: number;
  readonly #slowCalls: number;
  readonly #window: number;
  #calls = 0;
  /** Call numbers of the latest slow calls, at most `slowCalls` of them. */
  readonly #slow: number[] = [];

  /** Gives up when `slowCalls` calls slower than `slowMs` fall within `window` consecutive calls. */
  constructor(slowMs = 5, slowCalls = 3, window = 20) {
    this.#slowMs = slowMs;
    this.#slowCalls = slowCalls;
    this.#window = window;
  }

  /** Whether synchronous metadata calls are still allowed for this folder. */
  get allowed(): boolean {
    return this.#allowed;
  }

  /** Runs a synchronous call, and gives up synchronous calls if it was slow. */
  run<T>(call: () => T): T {
    const started = performance.now();
    try {
      return call();
    } finally {
      this.note(performance.now() - started);
    }
  }

  /** Counts a call timed elsewhere (a read on the read thread), giving up if it was slow too often. */
  note(ms: number): void {
    const n = this.#calls++;
    if (ms <= this.#slowMs) return;
    this.#slow.push(n);
    if (this.#slow.length > this.#slowCalls) this.#slow.shift();
    if (this.#slow.length === this.#slowCalls && n - this.#slow[0] < this.#window) this.#allowed = false;
  }
}
