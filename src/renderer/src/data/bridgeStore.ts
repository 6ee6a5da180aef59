/**
 * One zarrita store for everything the viewer reads from the bridge's
 * `/zarr/v3` face, with a bounded in-memory byte cache: the overview, viv's
 * low-resolution background and moving back to a z plane reuse bytes already
 * fetched, and shard indexes are read once. Suffix ranges are asked for
 * directly (the bridge answers `bytes=-N`), saving a HEAD per shard.
 */
import * as zarr from 'zarrita';
import './zstdCodec'; // zstd without eval (convert writes zstd by default)

const LIMIT_BYTES = 192 * 2 ** 20;

/** A Map in insertion order is an LRU: re-insert on use, evict from the front. */
class ByteLru {
  readonly #map = new Map<string, Uint8Array | undefined>();
  #bytes = 0;

  has(key: string): boolean {
    return this.#map.has(key);
  }

  get(key: string): Uint8Array | undefined {
    const v = this.#map.get(key);
    if (this.#map.has(key)) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  set(key: string, value: Uint8Array | undefined): void {
    const size = value?.byteLength ?? 0;
    if (size > LIMIT_BYTES / 4) return; // one huge object must not flush everything else
    if (this.#map.has(key)) this.#bytes -= this.#map.get(key)?.byteLength ?? 0;
    this.#map.delete(key);
    this.#map.set(key, value);
    this.#bytes += size;
    for (const [k, v] of this.#map) {
      if (this.#bytes <= LIMIT_BYTES) break;
      this.#map.delete(k);
      this.#bytes -= v?.byteLength ?? 0;
    }
  }
}

let shared: zarr.Location<zarr.Readable> | undefined;

/** The root of the bridge's Zarr v3 face; resolve catalog paths (URL-encoded segments) under it. */
export function bridgeRoot(): zarr.Location<zarr.Readable> {
  if (!shared) {
    const fetchStore = new zarr.FetchStore(`${window.location.origin}/zarr/v3`, { useSuffixRequest: true });
    shared = zarr.root(zarr.withByteCaching(fetchStore, { cache: new ByteLru() }));
  }
  return shared;
}
