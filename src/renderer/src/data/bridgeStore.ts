/**
 * zarrita stores for what the viewer reads from the bridge's `/zarr/v3`
 * face, one per image, sharing one bounded in-memory byte cache: the overview, viv's
 * low-resolution background and moving back to a z plane reuse bytes already
 * fetched, and shard indexes are read once. Suffix ranges are asked for
 * directly (the bridge answers `bytes=-N`), saving a HEAD per shard.
 */
import * as zarr from 'zarrita';
import { encodePath } from './catalogClient';

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

/** Every store shares one byte budget; entries are keyed by the node's catalog path too. */
const cache = new ByteLru();
const roots = new Map<string, zarr.Location<zarr.Readable>>();

/**
 * The root of one catalog node on the bridge's Zarr v3 face. The node's own
 * URL is built here, each segment percent-encoded (as every URL of the
 * bridge is), and zarrita resolves only the keys below it (levels, chunk
 * keys): zarrita's `Location.resolve` goes through `new URL` and decodes, so a
 * folder named `Zellkern #1.ome.zarr` would lose everything after `#` if the
 * catalog path were resolved by zarrita itself.
 */
export function nodeRoot(catalogPath: string): zarr.Location<zarr.Readable> {
  let root = roots.get(catalogPath);
  if (!root) {
    const encoded = encodePath(catalogPath);
    const fetchStore = new zarr.FetchStore(`${window.location.origin}/zarr/v3/${encoded}`, { useSuffixRequest: true });
    const store = zarr.withByteCaching(fetchStore, {
      cache,
      keyFor: (key, range) =>
        `${encoded}${key}${range === undefined ? '' : 'suffixLength' in range ? `#-${range.suffixLength}` : `#${range.offset}+${range.length}`}`,
    });
    root = zarr.root(store);
    roots.set(catalogPath, root);
  }
  return root;
}
