/** Adapts a KvStore to zarrita's store shape (absolute `/` keys). */
import type { AbsolutePath, AsyncReadable, RangeQuery as ZRange } from '@zarrita/storage';
import type { KvStore } from './kv-store.js';

export function asZarritaStore(kv: KvStore): AsyncReadable {
  return {
    get: (key: AbsolutePath, opts?: { signal?: AbortSignal }) => kv.get(key.slice(1), opts ?? {}),
    getRange: (key: AbsolutePath, range: ZRange, opts?: { signal?: AbortSignal }) =>
      kv.getRange(key.slice(1), range, opts ?? {}),
  };
}
