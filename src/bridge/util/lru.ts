/**
 * A bounded LRU map. Capacity is counted in "weight" (entries by default, or
 * bytes when a weigher is given), so a cache of decoded chunks stays within
 * its configured size.
 */
export class LruCache<K, V> {
  readonly #map = new Map<K, { value: V; weight: number }>();
  readonly #capacity: number;
  readonly #weigh: (v: V) => number;
  #total = 0;

  constructor(capacity: number, weigh: (v: V) => number = () => 1) {
    this.#capacity = capacity;
    this.#weigh = weigh;
  }

  get(key: K): V | undefined {
    const hit = this.#map.get(key);
    if (!hit) return undefined;
    this.#map.delete(key);
    this.#map.set(key, hit);
    return hit.value;
  }

  /** The value without making it recently used. */
  peek(key: K): V | undefined {
    return this.#map.get(key)?.value;
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  set(key: K, value: V): void {
    const weight = this.#weigh(value);
    this.delete(key);
    if (weight > this.#capacity) return;
    this.#map.set(key, { value, weight });
    this.#total += weight;
    for (const [k, v] of this.#map) {
      if (this.#total <= this.#capacity) break;
      this.#map.delete(k);
      this.#total -= v.weight;
    }
  }

  delete(key: K): void {
    const old = this.#map.get(key);
    if (old) {
      this.#map.delete(key);
      this.#total -= old.weight;
    }
  }

  clear(): void {
    this.#map.clear();
    this.#total = 0;
  }

  /** Total weight held (bytes, when a byte weigher was given). */
  get weight(): number {
    return this.#total;
  }

  get size(): number {
    return this.#map.size;
  }
}
