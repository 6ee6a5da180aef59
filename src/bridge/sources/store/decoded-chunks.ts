/**
 * A bounded cache of decoded chunks, for transcoding: a chunk asked for again
 * (another viewer, another face, a reload) skips the read and the decode.
 *
 * An entry remembers the version of every stored object its decode read
 * (the shard or the chunk file) and is used only while all of them still
 * have that version. The store answers versions cheaply (a kept-open handle,
 * re-checked after 1 s), and a store that cannot answer (plain HTTP) is not
 * cached here at all.
 */
import type { Chunk, IoOptions } from '../../model/node.js';
import { LruCache } from '../../util/lru.js';
import type { KvStore } from './kv-store.js';

/** How long a chunk whose sources were just checked vouches for itself (as the hot-object cache does). */
const FRESH_MS = 1_000;

interface Entry {
  /** The cached chunk; its `current()` answers for this entry. */
  readonly chunk: Chunk;
  /** Each key read by the decode, with its version then (null: it was absent). */
  readonly sources: readonly (readonly [key: string, version: string | null])[];
  /** When the sources last had their versions (ms). */
  checked: number;
}

export class DecodedChunks {
  readonly #entries: LruCache<string, Entry>;

  constructor(capacityBytes: number) {
    // Count the whole buffer held, not only the view.
    this.#entries = new LruCache(capacityBytes, (e) => e.chunk.bytes.buffer.byteLength + 256);
  }

  get bytes(): number {
    return this.#entries.weight;
  }

  /** The chunk cached under `id`, if every object it was decoded from is unchanged. */
  async get(kv: KvStore, id: string, opts: IoOptions): Promise<Chunk | undefined> {
    const entry = this.#entries.get(id);
    if (!entry || !kv.version) return undefined;
    for (const [key, version] of entry.sources) {
      if ((await kv.version(key, opts)) !== version) {
        this.#entries.delete(id);
        return undefined;
      }
    }
    entry.checked = Date.now();
    return entry.chunk;
  }

  /**
   * Caches a chunk decoded from `reads` (the keys its decode read), when the
   * store can vouch for them. Returns the chunk as cached (with `current()`),
   * or `chunk` itself when it was not cached.
   */
  async set(kv: KvStore, id: string, chunk: Chunk, reads: readonly string[], opts: IoOptions): Promise<Chunk> {
    // No reads: nothing to re-check against later (zarrita answered from its own index cache).
    if (!kv.version || reads.length === 0) return chunk;
    const checked = Date.now();
    const sources: [string, string | null][] = [];
    for (const key of new Set(reads)) {
      const version = await kv.version(key, opts);
      if (version === undefined) return chunk;
      sources.push([key, version]);
    }
    // A view into a much larger buffer (zlib's output block) is copied out, so the cache holds what it counts.
    const bytes = chunk.bytes.buffer.byteLength > chunk.bytes.byteLength * 1.25 ? chunk.bytes.slice() : chunk.bytes;
    const entries = this.#entries;
    const entry: Entry = {
      chunk: {
        shape: chunk.shape,
        bytes,
        // Still cached, and its sources checked within the last second: what a `get` now would answer unasked.
        current: () => entries.peek(id) === entry && Date.now() - entry.checked < FRESH_MS,
      },
      sources,
      checked,
    };
    entries.set(id, entry);
    return entry.chunk;
  }
}
