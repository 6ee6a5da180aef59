/**
 * Replies the server can replay without walking the catalog again, while
 * their source still vouches for them (`current()`, asked on every reuse):
 * stored objects that the source holds in memory, and chunks transcoded for
 * an earlier request from a decode the source still vouches for. Most
 * requests of a viewer are chunks it, or another viewer, fetched seconds
 * ago; for those, the route lookup is most of the work left.
 *
 * Stored objects are held weakly: the source's own cache decides what stays
 * in memory. Transcoded replies belong to no one else, so they are held
 * here, within a byte bound (while raw, their bytes are the source's cached
 * chunk itself).
 */
import type { StoredObject } from '../model/node.js';
import { LruCache } from '../util/lru.js';

export class HeldReplies {
  readonly #stored: LruCache<string, WeakRef<StoredObject>>;
  readonly #made: LruCache<string, StoredObject>;

  constructor(maxEntries = 20_000, madeBytes = 64 * 2 ** 20) {
    this.#stored = new LruCache(maxEntries);
    this.#made = new LruCache(madeBytes, (o) => o.size + 256);
  }

  /** The reply last served at `path`, if its source says it is still current. */
  lookup(path: string): StoredObject | undefined {
    const ref = this.#stored.peek(path);
    if (ref) {
      const object = ref.deref();
      if (object?.held && object.current?.()) return object;
      this.#stored.delete(path);
      return undefined;
    }
    const made = this.#made.get(path);
    if (!made) return undefined;
    if (made.current?.()) return made;
    this.#made.delete(path);
    return undefined;
  }

  /** Remembers a stored object served at `path`, when it can be replayed at all. */
  remember(path: string, object: StoredObject): void {
    if (!object.held || !object.current?.()) return;
    this.#made.delete(path);
    this.#stored.set(path, new WeakRef(object));
  }

  /** Keeps a reply made for `path` (held bytes, vouched for by `current`), while the byte bound allows. */
  keep(path: string, made: StoredObject): void {
    if (!made.held || !made.current?.()) return;
    this.#stored.delete(path);
    this.#made.set(path, made);
  }

  /** Bytes of made replies held (for `/health`). */
  get madeBytes(): number {
    return this.#made.weight;
  }
}
