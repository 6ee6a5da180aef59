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

  constructor(maxEntries = 20_000) {
    this.#byPath = new LruCache(maxEntries);
  }

  /** The object last served at `path`, if its source says it is still current. */
  lookup(path: string): StoredObject | undefined {
    const held = this.#byPath.peek(path);
    if (!held?.replay) return undefined;
    const object = held.replay.deref();
    if (object?.held && object.current?.()) return object;
    // No longer vouched for (revalidation due, evicted): never replayed again; reading again stays possible.
    if (held.reread) held.replay = undefined;
    else this.#byPath.delete(path);
    return undefined;
  }

  /** How to read what `path` served again without the walk, if its source said how. */
  rereadOf(path: string): Reread | undefined {
    return this.#byPath.peek(path)?.reread;
  }

  /** Remembers what was served at `path`, when it can be replayed or read again at all. */
  remember(path: string, object: StoredObject): void {
    const replay = object.held && object.current?.() ? new WeakRef(object) : undefined;
    if (!replay && !object.reread) return;
    this.#byPath.set(path, { ...(replay ? { replay } : {}), ...(object.reread ? { reread: object.reread } : {}) });
  }

  /** Forgets `path` (its object is gone): the next request walks the catalog. */
  forget(path: string): void {
    this.#byPath.delete(path);
  }
}
