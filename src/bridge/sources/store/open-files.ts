/**
 * Open handles on recently read files, so that reading an inner chunk of a
 * shard is one positioned read instead of realpath + open + read + close
 * (four thread-pool trips, each a wake-up on a 2-core machine).
 *
 * A handle is opened only for a path that `locate` has just confined to the
 * folder, and it keeps pointing at that file even if the path is later
 * swapped for a symlink, so it can never read outside. Freshness follows the
 * hot-object cache: a handle older than 1 s is re-checked (locate again, same
 * file identity, size and mtime) before use, and a changed file is reopened.
 * Handles are counted by lease and closed when evicted and no longer in use.
 */
import { type FileHandle, open, stat } from 'node:fs/promises';

export interface OpenFile {
  /** The real path it was opened at (inside the folder). */
  readonly path: string;
  readonly handle: FileHandle;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface Lease {
  readonly file: OpenFile;
  /** Must be called once the handle is no longer read (later calls do nothing). */
  release(): void;
}

type Identified = OpenFile & { readonly dev: number; readonly ino: number };

interface Entry {
  readonly opening: Promise<Identified | undefined>;
  file?: Identified;
  leases: number;
  checked: number;
  /** Last acquired (ms), for closing handles left idle. */
  used: number;
  retired: boolean;
  closed: boolean;
  /** One re-check at a time; concurrent users wait for it. */
  checking?: Promise<boolean>;
}

export class OpenFiles {
  readonly #entries = new Map<string, Entry>();
  readonly #locate: (key: string) => Promise<string | undefined>;
  readonly #max: number;
  readonly #freshMs: number;
  readonly #idleMs: number;
  #sweeper?: NodeJS.Timeout;

  /**
   * `locate` maps a key to its confined real path (throwing on escape), or
   * undefined when missing. At most `max` handles are kept, and none left
   * unused for `idleMs`: a folder nobody reads holds no descriptors.
   */
  constructor(locate: (key: string) => Promise<string | undefined>, max = 64, freshMs = 1_000, idleMs = 30_000) {
    this.#locate = locate;
    this.#max = max;
    this.#freshMs = freshMs;
    this.#idleMs = idleMs;
  }

  /** An open handle on the regular file at `key`, or undefined when there is none. */
  async acquire(key: string): Promise<Lease | undefined> {
    let entry = this.#entries.get(key);
    if (entry) {
      // Pinned before any await, so an eviction meanwhile cannot close it under us.
      entry.leases++;
      if (await this.#stillCurrent(key, entry)) {
        this.#touch(key, entry);
      } else {
        this.#release(entry);
        entry = undefined;
      }
    }
    if (!entry) {
      entry = this.#open(key);
      entry.leases++;
    }
    entry.used = Date.now();
    const held = entry;
    let file: OpenFile | undefined;
    try {
      file = await held.opening;
    } catch (e) {
      this.#release(held);
      throw e;
    }
    if (!file) {
      this.#release(held);
      return undefined;
    }
    let released = false;
    return {
      file,
      release: () => {
        if (released) return;
        released = true;
        this.#release(held);
      },
    };
  }

  /** Closes every handle now not in use, and the others when their last lease ends. */
  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    for (const e of entries) this.#retire(e);
    await Promise.all(entries.map((e) => e.opening.catch(() => undefined)));
  }

  #open(key: string): Entry {
    const entry: Entry = {
      leases: 0,
      checked: Date.now(),
      used: Date.now(),
      retired: false,
      closed: false,
      opening: this.#locate(key)
        .then((real) => (real ? openRegularFile(real) : undefined))
        .then((file) => {
          entry.file = file;
          return file;
        }),
    };
    this.#entries.set(key, entry);
    // Failures and misses are not remembered: the next read looks again.
    entry.opening.then(
      (file) => {
        if (!file) this.#forget(key, entry);
      },
      () => this.#forget(key, entry),
    );
    this.#evict();
    // Unref'd: it never keeps the process alive.
    this.#sweeper ??= setInterval(() => this.#closeIdle(), Math.max(10, this.#idleMs / 3)).unref();
    return entry;
  }

  #closeIdle(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (entry.leases === 0 && now - entry.used >= this.#idleMs) this.#forget(key, entry);
    }
    if (this.#entries.size === 0) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }

  /** Most recently used last, so eviction takes the least recently used first. */
  #touch(key: string, entry: Entry): void {
    if (this.#entries.get(key) !== entry) return;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
  }

  /** Whether `entry` may be used as is, re-checking it once it is older than the freshness window. */
  async #stillCurrent(key: string, entry: Entry): Promise<boolean> {
    if (entry.retired) return false;
    if (Date.now() - entry.checked < this.#freshMs) return true;
    entry.checking ??= (async () => {
      const file = await entry.opening.catch(() => undefined);
      const real = await this.#locate(key).catch(() => undefined);
      const st = real ? await stat(real).catch(() => undefined) : undefined;
      const same =
        !!file &&
        !!st &&
        st.dev === file.dev &&
        st.ino === file.ino &&
        st.size === file.size &&
        st.mtimeMs === file.mtimeMs;
      if (same) entry.checked = Date.now();
      else this.#forget(key, entry);
      return same;
    })().finally(() => {
      entry.checking = undefined;
    });
    return entry.checking;
  }

  #forget(key: string, entry: Entry): void {
    if (this.#entries.get(key) === entry) this.#entries.delete(key);
    this.#retire(entry);
  }

  #evict(): void {
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.#max) break;
      this.#forget(key, entry);
    }
  }

  #retire(entry: Entry): void {
    entry.retired = true;
    if (entry.leases === 0) void closeWhenOpen(entry);
  }

  #release(entry: Entry): void {
    entry.leases--;
    if (entry.retired && entry.leases === 0) void closeWhenOpen(entry);
  }
}

/** The regular file at a real path, opened; undefined when it is missing or not a file. */
async function openRegularFile(real: string): Promise<Identified | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(real, 'r');
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
  try {
    const st = await handle.stat();
    if (st.isFile()) return { path: real, handle, size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino };
  } catch (e) {
    await handle.close().catch(() => undefined);
    throw e;
  }
  await handle.close().catch(() => undefined);
  return undefined;
}

/** Closes a retired entry's handle once it is open and its last lease has ended (once only). */
async function closeWhenOpen(entry: Entry): Promise<void> {
  const file = await entry.opening.catch(() => undefined);
  if (!file || entry.closed || entry.leases > 0) return;
  entry.closed = true;
  await file.handle.close().catch(() => undefined);
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
