/**
 * Replies the server can give again without walking the catalog. Most
 * requests of a viewer are chunks it, or another viewer, fetched before; for
 * those, the route lookup is most of the work left.
 *
 * - Stored objects their source holds in memory and still vouches for
 *   (`current()`, asked on every reuse) are replayed with no await at all.
 *   These entries are weak: the source's own cache decides what stays in
 *   memory, so this map never keeps bytes alive that the source let go of.
 * - Otherwise, an object that can be read again straight from its source
 *   (`reread`) is: the same key of the same store, with every check the store
 *   makes (confinement, freshness), only without the walk.
 * - Chunks transcoded for an earlier request from a decode the source still
 *   vouches for belong to no one else, so they are held here, within a byte
 *   bound (while raw, their bytes are the source's cached chunk itself).
 */
import type { IoOptions, StoredObject } from '../model/node.js';
import { LruCache } from '../util/lru.js';

type Reread = (opts: IoOptions) => Promise<StoredObject | undefined>;

interface Held {
  replay?: WeakRef<StoredObject>;
  reread?: Reread;
}

export class HeldReplies {
  readonly #byPath: LruCache<string, Held>;
  readonly #made: LruCache<string, StoredObject>;

  constructor(maxEntries = 20_000, madeBytes = 64 * 2 ** 20) {
    this.#byPath = new LruCache(maxEntries);
    this.#made = new LruCache(madeBytes, (o) => o.size + 256);
  }

  /** The reply last served at `path`, if its source says it is still current. */
  lookup(path: string): StoredObject | undefined {
    const held = this.#byPath.peek(path);
    if (held?.replay) {
      const object = held.replay.deref();
      if (object?.held && object.current?.()) return object;
      // No longer vouched for (revalidation due, evicted): never replayed again; reading again stays possible.
      if (held.reread) held.replay = undefined;
      else this.#byPath.delete(path);
      return undefined;
    }
    const made = this.#made.get(path);
    if (!made) return undefined;
    if (made.current?.()) return made;
    this.#made.delete(path);
    return undefined;
  }

  /** How to read what `path` served again without the walk, if its source said how. */
  rereadOf(path: string): Reread | undefined {
    return this.#byPath.peek(path)?.reread;
  }

  /** Remembers a stored object served at `path`, when it can be replayed or read again at all. */
  remember(path: string, object: StoredObject): void {
    const replay = object.held && object.current?.() ? new WeakRef(object) : undefined;
    if (!replay && !object.reread) return;
    this.#made.delete(path);
    this.#byPath.set(path, { ...(replay ? { replay } : {}), ...(object.reread ? { reread: object.reread } : {}) });
  }

  /** Keeps a reply made for `path` (held bytes, vouched for by `current`), while the byte bound allows. */
  keep(path: string, made: StoredObject): void {
    if (!made.held || !made.current?.()) return;
    this.#byPath.delete(path);
    this.#made.set(path, made);
  }

  /** Forgets `path` (its object is gone): the next request walks the catalog. */
  forget(path: string): void {
    this.#byPath.delete(path);
    this.#made.delete(path);
  }

  /** Bytes of made replies held (for `/health`). */
  get madeBytes(): number {
    return this.#made.weight;
  }
}
