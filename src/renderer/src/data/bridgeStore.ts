/**
 * The one zarrita store through which the viewer reads the bridge's Zarr faces. Requests in flight are capped
 * (the browser queues the rest here, where an abort drops them before they are sent: thousands of pending
 * fetches make Chromium fail with ERR_INSUFFICIENT_RESOURCES); metadata and shard indexes are kept (chunks are
 * kept decoded, in chunkCache.ts). zarrita's range coalescing is not used: it aborts a merged request when any one
 * of its callers aborts, which would fail chunks other tiles still wait for. Suffix
 * ranges are asked for directly (the bridge answers `bytes=-N`), saving a HEAD per shard.
 */
import * as zarr from 'zarrita';
import { abortError } from './chunkCache';

/** Fetches in flight at once: Chromium opens 6 connections per host over HTTP/1.1; a few more keep them busy. */
export const MAX_FETCHES = 12;

/** A counting semaphore whose waiters leave the queue when their signal aborts. */
export class FetchLimiter {
  #active = 0;
  #peak = 0;
  #started = 0;
  readonly #queue: { go: () => void; signal?: AbortSignal; drop: () => void }[] = [];

  constructor(readonly limit: number) {}

  /** Requests started so far and the most in flight at once (for tests and the bench). */
  get stats(): { started: number; peak: number; active: number; queued: number } {
    return { started: this.#started, peak: this.#peak, active: this.#active, queued: this.#queue.length };
  }

  async run<T>(signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    if (signal?.aborted) throw abortError();
    if (this.#active >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const entry = {
          signal,
          go: () => {
            signal?.removeEventListener('abort', entry.drop);
            resolve();
          },
          drop: () => {
            const i = this.#queue.indexOf(entry);
            if (i >= 0) this.#queue.splice(i, 1);
            reject(abortError());
          },
        };
        signal?.addEventListener('abort', entry.drop, { once: true });
        this.#queue.push(entry);
      });
    }
    this.#active += 1;
    this.#started += 1;
    this.#peak = Math.max(this.#peak, this.#active);
    try {
      return await task();
    } finally {
      this.#active -= 1;
      this.#queue.shift()?.go();
    }
  }
}

export const fetchLimiter = new FetchLimiter(MAX_FETCHES);

type RangeQuery = { offset: number; length: number } | { suffixLength: number };

/** A FetchStore whose requests go through the limiter. */
function limitedStore(url: string): zarr.AsyncReadable {
  const inner = new zarr.FetchStore(url, { useSuffixRequest: true });
  return {
    get: (key: zarr.AbsolutePath, opts?: RequestInit) =>
      fetchLimiter.run(opts?.signal ?? undefined, () => inner.get(key, opts)),
    getRange: (key: zarr.AbsolutePath, range: RangeQuery, opts?: RequestInit) =>
      fetchLimiter.run(opts?.signal ?? undefined, () => inner.getRange(key, range, opts)),
  };
}

/** Keep metadata documents and shard indexes (suffix reads); chunk bytes are kept decoded elsewhere. */
function cacheKey(path: string, range?: RangeQuery): string | undefined {
  if (range === undefined) return /\/(zarr\.json|\.zarray|\.zattrs|\.zgroup)$/.test(path) ? path : undefined;
  return 'suffixLength' in range ? `${path}\0s:${range.suffixLength}` : undefined;
}

/** A Map in insertion order is an LRU: re-insert on use, evict from the front. */
class SmallLru {
  readonly #map = new Map<string, Uint8Array | undefined>();
  constructor(private readonly max: number) {}
  has(key: string): boolean {
    return this.#map.has(key);
  }
  get(key: string): Uint8Array | undefined {
    const v = this.#map.get(key);
    if (this.#map.has(key)) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }
  set(key: string, value: Uint8Array | undefined): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.max) this.#map.delete(this.#map.keys().next().value as string);
  }
}

const roots = new Map<string, zarr.Location<zarr.Readable>>();

/** The root of one of the bridge's Zarr faces (`v3` by default); resolve URL-encoded catalog paths under it. */
export function bridgeRoot(face: 'v2' | 'v3' = 'v3'): zarr.Location<zarr.Readable> {
  let root = roots.get(face);
  if (!root) {
    const store = zarr.withByteCaching(limitedStore(`${window.location.origin}/zarr/${face}`), {
      cache: new SmallLru(4096),
      keyFor: cacheKey,
    });
    root = zarr.root(store);
    roots.set(face, root);
  }
  return root;
}
