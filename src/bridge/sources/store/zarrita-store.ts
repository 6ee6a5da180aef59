/** Adapts a KvStore to zarrita's store shape (absolute `/` keys). */
import type { AbsolutePath, AsyncReadable, RangeQuery as ZRange } from '@zarrita/storage';
import type { KvStore, NotedReadOptions } from './kv-store.js';

/** zarrita hands each read the options given to `getChunk`: keys read are noted there when asked for. */
export function asZarritaStore(kv: KvStore): AsyncReadable {
  return {
    get: (key: AbsolutePath, opts?: NotedReadOptions) => {
      opts?.reads?.push(key.slice(1));
      return kv.get(key.slice(1), opts ?? {});
    },
    getRange: (key: AbsolutePath, range: ZRange, opts?: NotedReadOptions) => {
      opts?.reads?.push(key.slice(1));
      return kv.getRange(key.slice(1), range, opts ?? {});
    },
  };
}
