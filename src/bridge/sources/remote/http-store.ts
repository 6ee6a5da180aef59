/**
 * A KvStore over a remote Zarr/N5 URL. 404 (and 403, which S3-style servers
 * send for missing keys) is "missing"; other failures are upstream errors,
 * retried with backoff and never taken for missing. Whole objects are cached
 * in a bounded byte LRU and concurrent reads of one key share one request.
 * No body is read past what the reader may take (an endless or oversized
 * body is cut off and reported); objects too large to hold whole (big shards)
 * are passed through by Range.
 */
import { BridgeError } from '../../errors.js';
import type { ByteRange, IoOptions, StoredObject } from '../../model/node.js';
import { LruCache } from '../../util/lru.js';
import { BodyTooLarge, readBody } from '../../util/read-body.js';
import { type KvStore, type RangeQuery, type ReadOptions, tooLarge } from '../store/kv-store.js';

/** The largest object read whole (to cache it, or pass it through); larger ones are read by Range only. */
export const WHOLE_OBJECT_MAX = 64 * 2 ** 20;

export interface HttpStoreOptions {
  timeoutMs?: number;
  retries?: number;
  cacheBytes?: number;
  fetch?: typeof fetch;
}

export class HttpStore implements KvStore {
  readonly #base: string;
  readonly #opts: Required<Omit<HttpStoreOptions, 'fetch'>>;
  readonly #fetch: typeof fetch;
  readonly #cache: LruCache<string, Uint8Array | null>;
  /** One upstream request per key, shared by its waiters and aborted when the last one leaves. */
  readonly #inflight = new Map<
    string,
    { promise: Promise<Uint8Array | undefined>; controller: AbortController; waiters: number }
  >();

  constructor(url: string, options: HttpStoreOptions = {}) {
    this.#base = url.replace(/\/+$/, '');
    this.#opts = {
      timeoutMs: options.timeoutMs ?? 30_000,
      retries: options.retries ?? 3,
      cacheBytes: options.cacheBytes ?? 64 << 20,
    };
    this.#fetch = options.fetch ?? fetch;
    this.#cache = new LruCache(this.#opts.cacheBytes, (v) => (v ? v.byteLength : 64) + 64);
  }

  #url(key: string): string {
    return `${this.#base}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  async get(key: string, opts: ReadOptions): Promise<Uint8Array | undefined> {
    const maxBytes = Math.min(opts.maxBytes ?? WHOLE_OBJECT_MAX, WHOLE_OBJECT_MAX);
    const cached = this.#cache.get(key);
    if (cached !== undefined) {
      if (cached && cached.byteLength > maxBytes) throw tooLarge(key, cached.byteLength, maxBytes);
      return cached ?? undefined;
    }
    let shared = this.#inflight.get(key);
    if (!shared) {
      const controller = new AbortController();
      const promise = this.#request(key, undefined, controller.signal, maxBytes).finally(() => {
        if (this.#inflight.get(key)?.controller === controller) this.#inflight.delete(key);
      });
      promise.catch(() => undefined);
      shared = { promise, controller, waiters: 0 };
      this.#inflight.set(key, shared);
    }
    const entry = shared;
    entry.waiters++;
    try {
      const bytes = await raceAbort(entry.promise, opts.signal);
      this.#cache.set(key, bytes ?? null);
      return bytes;
    } finally {
      // A client that went away stops the upstream request, unless another still waits for it.
      if (--entry.waiters === 0 && opts.signal?.aborted) {
        entry.controller.abort();
        if (this.#inflight.get(key) === entry) this.#inflight.delete(key);
      }
    }
  }

  async getRange(key: string, range: RangeQuery, opts: ReadOptions): Promise<Uint8Array | undefined> {
    const whole = this.#cache.get(key);
    if (whole) {
      return 'suffixLength' in range
        ? whole.subarray(Math.max(0, whole.length - range.suffixLength))
        : whole.subarray(range.offset, range.offset + range.length);
    }
    const length = 'suffixLength' in range ? range.suffixLength : range.length;
    const maxBytes = Math.min(opts.maxBytes ?? WHOLE_OBJECT_MAX, WHOLE_OBJECT_MAX);
    // A corrupt shard index can ask for petabytes: refused before anything is requested.
    if (length > maxBytes)
      throw tooLarge(`${key} [${'offset' in range ? `${range.offset}+` : '-'}${length}]`, length, maxBytes);
    const header =
      'suffixLength' in range
        ? `bytes=-${range.suffixLength}`
        : `bytes=${range.offset}-${range.offset + range.length - 1}`;
    const bytes = await this.#request(key, header, opts.signal, maxBytes);
    // Fewer bytes than asked for: the range lies (partly) past the object's end, as a damaged shard index says.
    if (bytes && 'offset' in range && bytes.byteLength !== range.length) {
      throw new BridgeError(
        'CorruptData',
        `${key}: bytes ${range.offset}–${range.offset + range.length} lie past its end`,
        {
          key,
        },
      );
    }
    return bytes;
  }

  async object(key: string, opts: IoOptions): Promise<StoredObject | undefined> {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.get(key, opts);
    } catch (e) {
      if (!(e instanceof BridgeError && e.cause instanceof BodyTooLarge)) throw e;
      return this.#rangedObject(key, opts);
    }
    if (!bytes) return undefined;
    const held = bytes;
    return {
      size: held.byteLength,
      version: `${held.byteLength.toString(36)}`,
      read: async (range) =>
        range
          ? held.subarray(range.offset, range.length === undefined ? undefined : range.offset + range.length)
          : held,
    };
  }

  /** An object too large to hold whole (a big shard): its size from a one-byte Range, its bytes read by Range. */
  async #rangedObject(key: string, opts: IoOptions): Promise<StoredObject | undefined> {
    const size = await this.#size(key, opts.signal);
    if (size === undefined) return undefined;
    return {
      size,
      version: `${size.toString(36)}-r`,
      read: async (range: ByteRange | undefined, o: IoOptions) => {
        const length = range ? (range.length ?? size - range.offset) : size;
        if (!range || length > WHOLE_OBJECT_MAX) {
          throw new BridgeError(
            'Upstream',
            `${this.#base}: ${key} is ${size} bytes; objects over ${WHOLE_OBJECT_MAX} bytes are passed on only in Range parts`,
            { key },
          );
        }
        const part = await this.getRange(key, { offset: range.offset, length }, o);
        if (!part || part.byteLength !== length) {
          throw new BridgeError('Upstream', `${this.#base}: short Range answer for ${key}`, { key });
        }
        return part;
      },
    };
  }

  /** The size of the object at `key` from `Content-Range` of a one-byte Range request; undefined when missing. */
  async #size(key: string, signal?: AbortSignal): Promise<number | undefined> {
    const combined = signal
      ? AbortSignal.any([signal, AbortSignal.timeout(this.#opts.timeoutMs)])
      : AbortSignal.timeout(this.#opts.timeoutMs);
    let res: Response;
    try {
      res = await this.#fetch(this.#url(key), { headers: { Range: 'bytes=0-0' }, signal: combined });
    } catch (e) {
      if (signal?.aborted) throw new BridgeError('Aborted', 'aborted', { cause: e });
      throw new BridgeError('Upstream', `${this.#base}: ${networkFailure(e)} for ${key}`, { key, cause: e });
    }
    await res.body?.cancel();
    if (res.status === 404 || res.status === 403) return undefined;
    const total = Number(/\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1]);
    if (res.status !== 206 || !Number.isSafeInteger(total)) {
      throw new BridgeError(
        'Upstream',
        `${this.#base}: ${key} is too large to proxy whole and the server does not answer Range requests`,
        { key },
      );
    }
    return total;
  }

  async #request(
    key: string,
    range: string | undefined,
    signal: AbortSignal | undefined,
    maxBytes: number,
  ): Promise<Uint8Array | undefined> {
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.#opts.retries; attempt++) {
      signal?.throwIfAborted();
      if (attempt > 0) await sleep(100 * 2 ** (attempt - 1), signal);
      const timeout = AbortSignal.timeout(this.#opts.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        const res = await this.#fetch(this.#url(key), { headers: range ? { Range: range } : {}, signal: combined });
        if (res.status === 404 || res.status === 403) {
          await res.body?.cancel();
          return undefined;
        }
        if (!res.ok) {
          await res.body?.cancel();
          lastError = new BridgeError('Upstream', `${this.#base}: HTTP ${res.status} for ${key}`, { key });
          if (res.status < 500 && res.status !== 429) throw lastError;
          continue;
        }
        // A server that ignores Range answers 200 with the whole object: the part asked for is cut from it.
        const whole = range !== undefined && res.status === 200;
        let bytes: Uint8Array;
        try {
          bytes = await readBody(res, whole ? WHOLE_OBJECT_MAX : maxBytes);
        } catch (e) {
          if (!(e instanceof BodyTooLarge)) throw e;
          lastError = new BridgeError('Upstream', `${this.#base}: ${key} ${e.message}`, { key, cause: e });
          throw lastError;
        }
        if (whole) bytes = partOf(bytes, range);
        const declared = whole ? null : res.headers.get('content-length');
        // A body shorter than announced is a broken transfer, not data.
        if (declared !== null && !res.headers.get('content-encoding') && Number(declared) !== bytes.byteLength) {
          lastError = new BridgeError('Upstream', `${this.#base}: truncated body for ${key}`, { key });
          continue;
        }
        return bytes;
      } catch (e) {
        if (signal?.aborted) throw new BridgeError('Aborted', 'aborted', { cause: e });
        if (e instanceof BridgeError && e.tag === 'Upstream' && lastError === e) throw e;
        lastError = timeout.aborted
          ? new BridgeError('UpstreamTimeout', `${this.#base}: no answer in ${this.#opts.timeoutMs} ms for ${key}`, {
              key,
            })
          : new BridgeError('Upstream', `${this.#base}: ${networkFailure(e)} for ${key}`, { key, cause: e });
      }
    }
    throw lastError;
  }
}

/** undici says only "fetch failed"; its cause says why, in words a person can act on. */
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed',
};

function networkFailure(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  if (code && NETWORK_CODES[code]) return `${NETWORK_CODES[code]} (${code})`;
  return cause?.message ?? (e as Error).message ?? String(e);
}

/** The part of a whole body that a `bytes=a-b` or `bytes=-n` header asked for. */
function partOf(bytes: Uint8Array, header: string): Uint8Array {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header);
  if (!m) return bytes;
  if (m[1] === '') return bytes.subarray(Math.max(0, bytes.length - Number(m[2])));
  return bytes.subarray(Number(m[1]), Number(m[2]) + 1);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new BridgeError('Aborted', 'aborted'));
      },
      { once: true },
    );
  });
}

function raceAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new BridgeError('Aborted', 'aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
