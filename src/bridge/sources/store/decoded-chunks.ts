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

interface Entry {
  readonly chunk: Chunk;
  /** Each key read by the decode, with its version then (null: it was absent). */
  readonly sources: readonly (readonly [key: string, version: string | null])[];
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
    return entry.chunk;
  }

  /** Caches a chunk decoded from `reads` (the keys its decode read), when the store can vouch for them. */
  async set(kv: KvStore, id: string, chunk: Chunk, reads: readonly string[], opts: IoOptions): Promise<void> {
    // No reads: nothing to re-check against later (zarrita answered from its own index cache).
    if (!kv.version || reads.length === 0) return;
    const sources: [string, string | null][] = [];
    for (const key of new Set(reads)) {
      const version = await kv.version(key, opts);
      if (version === undefined) return;
      sources.push([key, version]);
    }
    // A view into a much larger buffer (zlib's output block) is copied out, so the cache holds what it counts.
    const tight =
      chunk.bytes.buffer.byteLength > chunk.bytes.byteLength * 1.25 ? { ...chunk, bytes: chunk.bytes.slice() } : chunk;
    this.#entries.set(id, { chunk: tight, sources });
  }
}
