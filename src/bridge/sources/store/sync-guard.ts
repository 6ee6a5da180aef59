/**
 * When a folder's metadata calls (realpath, open, fstat) may run synchronously
 * on the event loop. On a local disk they are answered from the kernel's
 * dentry and inode caches in microseconds, far less than a thread-pool round
 * trip costs (measured on the cold pass-through path: realpath alone on the
 * event loop took it from 3.6k to 4.8k requests/s). On a slow file system
 * (network, sleeping disk) they could stall every request, so a few calls
 * slower than `slowMs` turn this folder back to the thread pool for good.
 * One slow call is not enough: on a busy machine the event loop is itself
 * preempted now and then, and a fast call can look slow. Data reads always
 * go through the thread pool.
 */
export class SyncGuard {
  #allowed = true;
  readonly #slowMs: number;
  readonly #slowCalls: number;
  #calls = 0;
  #slow = 0;

  /** Gives up at the `slowCalls`-th call slower than `slowMs` within a window of 1000 calls. */
  constructor(slowMs = 5, slowCalls = 3) {
    this.#slowMs = slowMs;
    this.#slowCalls = slowCalls;
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
      if (performance.now() - started > this.#slowMs && ++this.#slow >= this.#slowCalls) this.#allowed = false;
      if (++this.#calls === 1000) {
        this.#calls = 0;
        this.#slow = 0;
      }
    }
  }
}
