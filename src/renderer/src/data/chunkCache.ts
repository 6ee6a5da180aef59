/**
 * Decoded chunks kept in the page, shared by tiles, the overview, contrast samples and the hover readout, so a
 * chunk is fetched and decoded once however many tiles it spans (zarrita's `get` decodes a whole chunk per call).
 * Requests for a chunk already in flight share it; the fetch is aborted only when every caller has gone away.
 */

/** A decoded chunk as zarrita returns it, its data normalised to a numeric typed array. */
export interface DecodedChunk {
  readonly data: NumericArray;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
}

export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

interface Flight {
  promise: Promise<DecodedChunk>;
  controller: AbortController;
  waiters: number;
}

export class ChunkCache {
  readonly #entries = new Map<string, DecodedChunk>();
  readonly #flights = new Map<string, Flight>();
  #bytes = 0;

  constructor(private readonly limitBytes: number) {}

  get bytes(): number {
    return this.#bytes;
  }

  /** The chunk if it is here (refreshing its place in the LRU), without fetching. */
  peek(key: string): DecodedChunk | undefined {
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  /** The chunk, fetched with `load` unless cached or already in flight. */
  get(key: string, load: (signal: AbortSignal) => Promise<DecodedChunk>, signal?: AbortSignal): Promise<DecodedChunk> {
    const hit = this.peek(key);
    if (hit) return Promise.resolve(hit);
    if (signal?.aborted) return Promise.reject(abortError());
    let flight = this.#flights.get(key);
    if (!flight) {
      const controller = new AbortController();
      const attempt = (retries: number): Promise<DecodedChunk> =>
        load(controller.signal).catch((e: unknown) => {
          // An abort this flight did not ask for: a request it shared with a reader that went away. Ask again.
          if (retries > 0 && !controller.signal.aborted && isAbort(e)) return attempt(retries - 1);
          throw e;
        });
      const promise = attempt(2).then((chunk) => {
        if (this.#flights.get(key) === flight) {
          this.#flights.delete(key);
          this.#store(key, chunk);
        }
        return chunk;
      });
      promise.catch(() => {
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
      });
      flight = { promise, controller, waiters: 0 };
      this.#flights.set(key, flight);
    }
    const own = flight;
    own.waiters += 1;
    if (!signal) return own.promise;
    return new Promise<DecodedChunk>((resolve, reject) => {
      const leave = () => {
        own.waiters -= 1;
        if (own.waiters === 0) {
          own.controller.abort();
          if (this.#flights.get(key) === own) this.#flights.delete(key);
        }
        reject(abortError());
      };
      signal.addEventListener('abort', leave, { once: true });
      own.promise.then(
        (c) => {
          signal.removeEventListener('abort', leave);
          resolve(c);
        },
        (e) => {
          signal.removeEventListener('abort', leave);
          reject(e);
        },
      );
    });
  }

  #store(key: string, chunk: DecodedChunk): void {
    const size = chunk.data.byteLength;
    // One huge chunk must not flush everything else.
    if (size > this.limitBytes / 4) return;
    this.#entries.set(key, chunk);
    this.#bytes += size;
    for (const [k, v] of this.#entries) {
      if (this.#bytes <= this.limitBytes) break;
      this.#entries.delete(k);
      this.#bytes -= v.data.byteLength;
    }
  }
}

const isAbort = (e: unknown): boolean => (e as { name?: unknown } | null)?.name === 'AbortError';

export function abortError(): DOMException {
  return new DOMException('The operation was aborted.', 'AbortError');
}

/** Decoded chunks of every open array (256 MiB: a few screens of 16-bit tiles for several channels). */
export const chunkCache = new ChunkCache(256 * 2 ** 20);
