/**
 * Which files earn a place in the hot-object cache: those read a second time
 * while still remembered from their first read (a "doorkeeper", as TinyLFU
 * has). Browsing a volume larger than the cache reads each chunk once: letting
 * every one in would evict, just before its reuse, what a viewer reads again
 * (a cyclic scan defeats an LRU), and each evicted buffer, having lived long
 * enough to reach V8's old generation, would cost a full collection to free
 * (measured: the cold path tripled in requests/s once single reads stayed out).
 */
import { LruCache } from '../../util/lru.js';

export class SecondReadAdmission {
  /** Keys read once, weighed by size: "recently" means within one cache's worth of reads. */
  readonly #seen: LruCache<string, number>;

  constructor(bytes: number) {
    this.#seen = new LruCache(bytes, (size) => size + 256);
  }

  /** True on the second read of `key` within the window (and forgets it); false on a first read (and notes it). */
  admit(key: string, size: number): boolean {
    if (this.#seen.has(key)) {
      this.#seen.delete(key);
      return true;
    }
    this.#seen.set(key, size);
    return false;
  }
}
