/**
 * BossDB as a catalog source. The plain client does the HTTP; efficiency is
 * stacked around the one upstream call, outermost first:
 *
 *   cache (byte-bounded LRU of decoded blocks)
 *   → coalesce (one fetch per block, however many readers wait on it)
 *   → retry (5xx, timeouts, resets, truncation; backoff, bounded)
 *   → limit (at most `concurrency` cutouts in flight, a viewer's before an export's; a backoff holds no slot)
 *   → cutout
 */
import type { GroupNode } from '../../model/node.js';
import { LruCache } from '../../util/lru.js';
import { withCache } from './cache.js';
import { rootGroup } from './catalog.js';
import type { Tiling } from './channel-image.js';
import { BossdbClient, type CutoutEncoding } from './client.js';
import { withCoalescing } from './coalesce.js';
import { type BoxData, boxVoxels } from './geometry.js';
import type { BlockKey, BlockLoad } from './level-array.js';
import { withConcurrencyLimit } from './limit.js';
import { Memo } from './memo.js';
import type { Xyz } from './payloads.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from './retry.js';

/** BossDB's storage cuboid (spdb CUBOIDSIZE, x,y,z, every level). */
export const CUBOID: Xyz = [512, 512, 16];

/**
 * Served chunk, x,y,z. 256×256 tiles are what 2-D viewers fetch comfortably
 * (1 MiB of uint8), and four of them make one cuboid, so a chunk never needs
 * two upstream blocks; z = 16 = the cuboid depth, so a chunk never spans two
 * cuboid layers either. A cuboid-aligned 1024×1024×16 view is then 16 chunks
 * from 4 cutouts, with no voxel fetched that was not shown.
 */
export const DEFAULT_CHUNK: Xyz = [256, 256, 16];

/** BossDB refuses cutouts over 520 MiB uncompressed. */
const CUTOUT_MAX_BYTES = 520 * 1024 * 1024;

export interface BossdbSourceOptions {
  /** BossDB base URL, e.g. `https://api.bossdb.io`. */
  url: string;
  /** API token; omit for public data. Only ever sent in the Authorization header. */
  token?: string;
  /** Catalog path the tree is mounted at (default `bossdb`). */
  mountPath?: string;
  /** Bytes of decoded blocks kept (default 256 MiB). */
  cacheBytes?: number;
  /** Upstream cutouts in flight at once (default 4). */
  concurrency?: number;
  /** Per-request timeout in ms, body included (default 60 000). */
  timeoutMs?: number;
  /** Retries after a retryable failure (default 4). */
  retries?: number;
  /** First retry backoff in ms (default 200, doubled each time, ≤ 5 s each). */
  retryBaseDelayMs?: number;
  /** Total backoff allowed per request in ms (default 15 000). */
  retryBudgetMs?: number;
  /** Cutout encoding asked for (default blosc). */
  encoding?: CutoutEncoding;
  /** Served chunk size, x,y,z (default 256×256×16). */
  chunk?: Xyz;
  /** Cuboids per upstream block, x,y,z (default 1×1×1: one 512×512×16 cuboid per cutout). */
  blockCuboids?: Xyz;
  /** How long listings and channel metadata are reused, ms (default 5 min). */
  metadataTtlMs?: number;
}

export interface BossdbSourceStats {
  /** Cutout requests sent to BossDB, every attempt included. */
  upstreamCutouts: number;
  /** Of those, the ones that failed. */
  upstreamFailures: number;
  /** Voxels received in successful cutouts. */
  upstreamVoxels: number;
  /** Decoded bytes received in successful cutouts. */
  upstreamBytes: number;
  /** Retries (cutouts and metadata). */
  retries: number;
  /** Block lookups answered by the cache / not. */
  cacheHits: number;
  cacheMisses: number;
  /** Block reads that joined a fetch already under way. */
  coalesced: number;
  /** Bytes and blocks held by the cache now, and its bound. */
  cacheBytes: number;
  cacheEntries: number;
  cacheCapacity: number;
  /** Cutouts in flight now, and the most at once. */
  inFlight: number;
  peakInFlight: number;
  /** Cutouts waiting for one of the `concurrency` slots now. */
  waiting: number;
}

export interface BossdbSource {
  /** The `bossdb` group: collections → experiments → channels (OME images) → levels. */
  readonly root: GroupNode;
  readonly client: BossdbClient;
  stats(): BossdbSourceStats;
  /** Drop cached blocks and metadata (e.g. after the token changed). */
  clearCache(): void;
}

export function createBossdbSource(options: BossdbSourceOptions): BossdbSource {
  const client = new BossdbClient({ url: options.url, token: options.token, timeoutMs: options.timeoutMs });
  const encoding = options.encoding ?? 'blosc';
  const cuboids = options.blockCuboids ?? [1, 1, 1];
  const block: Xyz = [CUBOID[0] * cuboids[0], CUBOID[1] * cuboids[1], CUBOID[2] * cuboids[2]];
  if (block[0] * block[1] * block[2] * 8 > CUTOUT_MAX_BYTES) {
    throw new RangeError(`blockCuboids ${cuboids.join('×')} would exceed BossDB's 520 MiB cutout limit`);
  }
  const tiling: Tiling = { chunk: options.chunk ?? DEFAULT_CHUNK, block };
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY,
    retries: options.retries ?? DEFAULT_RETRY.retries,
    baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    budgetMs: options.retryBudgetMs ?? DEFAULT_RETRY.budgetMs,
  };

  const counts = {
    upstreamCutouts: 0,
    upstreamFailures: 0,
    upstreamVoxels: 0,
    upstreamBytes: 0,
    retries: 0,
    cacheHits: 0,
    cacheMisses: 0,
    coalesced: 0,
    inFlight: 0,
    peakInFlight: 0,
    waiting: 0,
  };
  const capacity = options.cacheBytes ?? 256 * 1024 * 1024;
  const cache = new LruCache<string, BoxData>(capacity, (b) => b.bytes.byteLength);

  const upstream: BlockLoad = async (key: BlockKey, opts) => {
    counts.upstreamCutouts++;
    try {
      // `bulk` read when the frame waits for a decode worker: a viewer may have joined this load since.
      const cut = await client.cutout(key.req, {
        signal: opts.signal,
        encoding,
        get bulk() {
          return opts.bulk;
        },
      });
      counts.upstreamVoxels += boxVoxels(key.box);
      counts.upstreamBytes += cut.bytes.byteLength;
      return { box: key.box, bytes: cut.bytes };
    } catch (e) {
      counts.upstreamFailures++;
      throw e;
    }
  };
  const onRetry = (): void => {
    counts.retries++;
  };
  const limited = withConcurrencyLimit(upstream, options.concurrency ?? 4, {
    onStart: () => {
      counts.inFlight++;
      counts.peakInFlight = Math.max(counts.peakInFlight, counts.inFlight);
    },
    onEnd: () => {
      counts.inFlight--;
    },
    onWaiting: (waiting) => {
      counts.waiting = waiting;
    },
  });
  const loadBlock = withCache(
    withCoalescing(withRetry(limited, policy, { onRetry }), { onJoin: () => void counts.coalesced++ }),
    cache,
    { onHit: () => void counts.cacheHits++, onMiss: () => void counts.cacheMisses++ },
  );

  const memo = new Memo(options.metadataTtlMs ?? 5 * 60_000);
  const root = rootGroup(
    { client, memo, retry: policy, onRetry, tiling, loadBlock, encoding },
    options.mountPath ?? 'bossdb',
  );

  return {
    root,
    client,
    stats: () => ({ ...counts, cacheBytes: cache.weight, cacheEntries: cache.size, cacheCapacity: capacity }),
    clearCache() {
      cache.clear();
      memo.clear();
    },
  };
}
