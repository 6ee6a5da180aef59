/**
 * Decorator: keep loaded values in a bounded LRU (byte-weighted when the
 * cache was built with a weigher). Only successes are stored: a failed load
 * rejects and leaves nothing behind.
 */
import type { IoOptions } from '../../model/node.js';
import type { LruCache } from '../../util/lru.js';
import type { Keyed, Load } from './load.js';

export interface CacheEvents {
  onHit?(): void;
  onMiss?(): void;
}

export function withCache<K extends Keyed, V>(
  load: Load<K, V>,
  cache: LruCache<string, V>,
  events: CacheEvents = {},
): Load<K, V> {
  return async (key: K, opts: IoOptions): Promise<V> => {
    const hit = cache.get(key.id);
    if (hit !== undefined) {
      events.onHit?.();
      return hit;
    }
    events.onMiss?.();
    const value = await load(key, opts);
    // Coalesced callers all arrive here with the same value: store it once.
    if (!cache.has(key.id)) cache.set(key.id, value);
    return value;
  };
}
