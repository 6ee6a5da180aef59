/**
 * Adapts a KvStore to zarrita's store shape (absolute `/` keys), with a
 * ceiling on every read: metadata documents and chunks (whole, or as shard
 * index ranges) larger than their metadata allows are refused, not read.
 */
import type { AbsolutePath, AsyncReadable, RangeQuery as ZRange } from '@zarrita/storage';
import { METADATA_MAX_BYTES } from '../../util/metadata-json.js';
import type { KvStore, NotedReadOptions } from './kv-store.js';
import { checkShardIndex, type ShardIndexLayout } from './shard-index.js';

const METADATA = /(^|\/)(zarr\.json|\.zarray|\.zattrs|\.zgroup|\.zmetadata)$/;

/**
 * zarrita hands each read the options given to `getChunk`: keys read are noted there when asked for.
 * `maxChunkBytes`: the most one stored chunk (or inner chunk of a shard) may take;
 * `shardIndex`: how to check the shard indexes zarrita reads (suffix reads).
 */
export function asZarritaStore(
  kv: KvStore,
  maxChunkBytes = Number.POSITIVE_INFINITY,
  shardIndex?: ShardIndexLayout,
): AsyncReadable {
  const limit = (key: string) => (METADATA.test(key) ? METADATA_MAX_BYTES : maxChunkBytes);
  return {
    get: (key: AbsolutePath, opts?: NotedReadOptions) => {
      const k = key.slice(1);
      opts?.reads?.push(k);
      return kv.get(k, { ...opts, maxBytes: limit(k) });
    },
    getRange: async (key: AbsolutePath, range: ZRange, opts?: NotedReadOptions) => {
      const k = key.slice(1);
      opts?.reads?.push(k);
      const bytes = await kv.getRange(k, range, { ...opts, maxBytes: limit(k) });
      // zarrita reads a shard's index, and only its index, as a suffix.
      if (bytes && shardIndex && 'suffixLength' in range) checkShardIndex(k, bytes, shardIndex);
      return bytes;
    },
  };
}
