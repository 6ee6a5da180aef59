/**
 * Replies the server can replay without walking the catalog again: stored
 * objects that their source holds in memory and still vouches for
 * (`current()`, asked on every reuse). Most requests of a viewer are chunks
 * it, or another viewer, fetched seconds ago; for those, the route lookup is
 * most of the work left.
 *
 * Entries are weak: the source's own cache decides what stays in memory, so
 * this map never keeps bytes alive that the source has let go of.
 */
import type { StoredObject } from '../model/node.js';
import { LruCache } from '../util/lru.js';

export class HeldReplies {
  readonly #byPath: LruCache<string, WeakRef<StoredObject>>;

  constructor(maxEntries = 20_000) {
    this.#byPath = new LruCache(maxEntries);
  }

  /** The object last served at `path`, if its source says it is still current. */
  lookup(path: string): StoredObject | undefined {
    const ref = this.#byPath.peek(path);
    if (!ref) return undefined;
    const object = ref.deref();
    if (object?.held && object.current?.()) return object;
    this.#byPath.delete(path);
    return undefined;
  }

  /** Remembers what was served at `path`, when it can be replayed at all. */
  remember(path: string, object: StoredObject): void {
    if (object.held && object.current?.()) this.#byPath.set(path, new WeakRef(object));
  }
}
