/**
 * A KvStore over a remote Zarr/N5 URL. 404 (and 403, which S3-style servers
 * send for missing keys) is "missing"; other failures are upstream errors,
 * retried with backoff and never taken for missing. Whole objects are cached
 * in a bounded byte LRU and concurrent reads of one key share one request.
 */
import { BridgeError } from '../../errors.js';
import type { IoOptions, StoredObject } from '../../model/node.js';
import { LruCache } from '../../util/lru.js';
import type { KvStore, RangeQuery } from '../store/kv-store.js';

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

  async get(key: string, opts: IoOptions): Promise<Uint8Array | undefined> {
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let shared = this.#inflight.get(key);
    if (!shared) {
      const controller = new AbortController();
      const promise = this.#request(key, undefined, controller.signal).finally(() => {
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

  async getRange(key: string, range: RangeQuery, opts: IoOptions): Promise<Uint8Array | undefined> {
    const whole = this.#cache.get(key);
    if (whole) {
      return 'suffixLength' in range
        ? whole.subarray(Math.max(0, whole.length - range.suffixLength))
        : whole.subarray(range.offset, range.offset + range.length);
    }
    const header =
      'suffixLength' in range
        ? `bytes=-${range.suffixLength}`
        : `bytes=${range.offset}-${range.offset + range.length - 1}`;
    return this.#request(key, header, opts.signal);
  }

  async object(key: string, opts: IoOptions): Promise<StoredObject | undefined> {
    const bytes = await this.get(key, opts);
    if (!bytes) return undefined;
    return {
      size: bytes.byteLength,
      version: `${bytes.byteLength.toString(36)}`,
      read: async (range) =>
        range
          ? bytes.subarray(range.offset, range.length === undefined ? undefined : range.offset + range.length)
          : bytes,
    };
  }

  async #request(key: string, range: string | undefined, signal?: AbortSignal): Promise<Uint8Array | undefined> {
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
        const bytes = new Uint8Array(await res.arrayBuffer());
        const declared = res.headers.get('content-length');
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
