/**
/**
 * zarrita stores through which the viewer reads the bridge's Zarr faces, one per image and face. Requests in
 * flight are capped by one limiter for the page (the browser queues the rest here, where an abort drops them before
 * they are sent: thousands of pending fetches make Chromium fail with ERR_INSUFFICIENT_RESOURCES); metadata and
 * shard indexes are kept in one small cache for all of them (chunks are kept decoded, in chunkCache.ts). zarrita's
 * range coalescing is not used: it aborts a merged request when any one of its callers aborts, which would fail
 * chunks other tiles still wait for. Suffix ranges are asked for directly (the bridge answers `bytes=-N`), saving a
 * HEAD per shard.
 */
import * as zarr from 'zarrita';
import { abortError } from './chunkCache';
import { encodePath } from './encodePath';

/** Fetches in flight at once: Chromium opens 6 connections per host over HTTP/1.1; a few more keep them busy. */
export const MAX_FETCHES = 12;

/** A counting semaphore whose waiters leave the queue when their signal aborts. */
export class FetchLimiter {
  #active = 0;
  #peak = 0;
  #started = 0;
  readonly #queue: { go: () => void; signal?: AbortSignal; drop: () => void }[] = [];
  /** What each started request asked for, in the order they started (kept only once `record` is called). */
  #log?: string[];

  constructor(readonly limit: number) {}

  /** Keeps, from now on, what each request asks for (`run`'s `what`): for tests, off otherwise. */
  record(): void {
    this.#log ??= [];
  }

  /** What the requests started since `record` asked for, in order. */
  get started(): readonly string[] {
    return this.#log ?? [];
  }

  /** Requests started so far and the most in flight at once (for tests and the bench). */
  get stats(): { started: number; peak: number; active: number; queued: number } {
    return { started: this.#started, peak: this.#peak, active: this.#active, queued: this.#queue.length };
  }

  async run<T>(signal: AbortSignal | undefined, task: () => Promise<T>, what = ''): Promise<T> {
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
    this.#log?.push(what);
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

/**
 * A FetchStore whose requests go through the limiter. A shard's index (its suffix) is read once for every chunk
 * of the shard: zarrita shares that one read among them, started with the signal of whichever chunk asked first.
 * Aborting it when that chunk's tile leaves the screen would fail the chunks other tiles still wait for (they
 * would draw nothing, and never ask again), so index reads are not abortable; they are a few hundred bytes.
 */
export function limitedStore(url: string): zarr.AsyncReadable {
  const inner = new zarr.FetchStore(url, { useSuffixRequest: true });
  return {
    get: (key: zarr.AbsolutePath, opts?: RequestInit) =>
      fetchLimiter.run(opts?.signal ?? undefined, () => inner.get(key, opts), `${url}${key}`),
    getRange: (key: zarr.AbsolutePath, range: RangeQuery, opts?: RequestInit) => {
      const shared = 'suffixLength' in range;
      const signal = shared ? undefined : (opts?.signal ?? undefined);
      return fetchLimiter.run(signal, () => inner.getRange(key, range, { ...opts, signal }), `${url}${key}`);
    },
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

/** Metadata and shard indexes of every store, keyed by face and node too. */
const cache = new SmallLru(4096);
const roots = new Map<string, zarr.Location<zarr.Readable>>();

/** The URL path of a catalog node on one of the bridge's Zarr faces, each segment percent-encoded. */
export function faceUrlPath(catalogPath: string, face: 'v2' | 'v3' = 'v3'): string {
  const encoded = encodePath(catalogPath);
  return encoded ? `/zarr/${face}/${encoded}` : `/zarr/${face}`;
}

/**
 * The root of one catalog node on one of the bridge's Zarr faces (`v3` by
 * default). The node's own URL is built here, each segment percent-encoded (as
 * every URL of the bridge is), and zarrita resolves only the keys below it
 * (levels, chunk keys): zarrita's `Location.resolve` goes through `new URL`
 * and decodes, so a folder named `Zellkern #1.ome.zarr` would lose everything
 * after `#` if the catalog path were resolved by zarrita itself.
 */
export function nodeRoot(catalogPath: string, face: 'v2' | 'v3' = 'v3'): zarr.Location<zarr.Readable> {
  const url = faceUrlPath(catalogPath, face);
  let root = roots.get(url);
  if (!root) {
    const store = zarr.withByteCaching(limitedStore(`${window.location.origin}${url}`), {
      cache,
      keyFor: (key, range) => {
        const k = cacheKey(key, range);
        return k === undefined ? undefined : `${url}${k}`;
      },
    });
    root = zarr.root(store);
    roots.set(url, root);
  }
  return root;
}
