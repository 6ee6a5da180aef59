/**
 * When a folder's metadata calls (realpath, open, fstat) may run synchronously
 * on the event loop. On a local disk they are answered from the kernel's
 * dentry and inode caches in microseconds, far less than a thread-pool round
 * trip costs (measured on the cold pass-through path: realpath alone on the
 * event loop took it from 3.6k to 4.8k requests/s). On a slow file system
 * (network, sleeping disk) they could stall every request, so the first call
 * slower than `slowMs` turns this folder back to the thread pool for good.
 * Data reads always go through the thread pool.
 */
export class SyncGuard {
  #allowed = true;
  readonly #slowMs: number;

  constructor(slowMs = 5) {
    this.#slowMs = slowMs;
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
      if (performance.now() - started > this.#slowMs) this.#allowed = false;
    }
  }
}
