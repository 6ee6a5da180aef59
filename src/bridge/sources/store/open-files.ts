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
 * With a `SyncGuard` allowing it, opening (locate, open, fstat) and closing
 * run on the event loop; reads never do.
 */
import { close, closeSync, fstat, fstatSync, open, openSync, readFileSync, type Stats, stat, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { isMissingFile } from './missing.js';
import type { SyncGuard } from './sync-guard.js';

/**
 * Descriptors all folders together may keep open: a quarter of the process's
 * limit (Node raises the soft limit to the hard one), at most 4096. Serving a
 * file from a kept descriptor is one read; opening it costs a realpath, an
 * open, an fstat and, later, a close.
 */
export const DESCRIPTOR_BUDGET = descriptorBudget();
let descriptorsOpen = 0;

function descriptorBudget(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    if (Number.isFinite(soft) && soft > 0) return Math.max(64, Math.min(4096, Math.floor(soft / 4)));
  } catch {
    /* not Linux: a budget every system's default limit allows */
  }
  return 1024;
}

const openAsync = promisify(open);
const fstatAsync = promisify(fstat);
const statAsync = promisify(stat);

export interface OpenFile {
  /** The real path it was opened at (inside the folder). */
  readonly path: string;
  /** A file descriptor, open while the lease is held. */
  readonly fd: number;
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
  readonly #sync?: { locate: (key: string) => string | undefined; guard: SyncGuard };
  readonly #pathOf?: (key: string) => string;
  readonly #max: number;
  readonly #freshMs: number;
  readonly #idleMs: number;
  #sweeper?: NodeJS.Timeout;
  #descriptors = 0;

  /**
   * `locate` maps a key to its confined real path (throwing on escape), or
   * undefined when missing. At most `max` handles are kept, and none left
   * unused for `idleMs`: a folder nobody reads holds no descriptors.
   */
  constructor(
    locate: (key: string) => Promise<string | undefined>,
    options: {
      max?: number;
      freshMs?: number;
      idleMs?: number;
      /** `locate` on the event loop, used while `guard` allows synchronous calls. */
      sync?: { locate: (key: string) => string | undefined; guard: SyncGuard };
      /**
       * The key's path before symlinks are resolved. Given, a kept handle is re-checked with one stat of
       * it: the same file (device, inode), size and mtime as the handle's means the path still names this
       * file, confined when it was opened. Otherwise `locate` (a full realpath) and a stat.
       */
      pathOf?: (key: string) => string;
    } = {},
  ) {
    const { max = DESCRIPTOR_BUDGET, freshMs = 1_000, idleMs = 30_000, sync, pathOf } = options;
    this.#locate = locate;
    this.#sync = sync;
    this.#pathOf = pathOf;
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

  /** Drops the handle kept for `key` (its file was seen to change): the next read opens the file again. */
  invalidate(key: string): void {
    const entry = this.#entries.get(key);
    if (entry) this.#forget(key, entry);
  }

  /** Descriptors open right now (in use or kept). */
  get openDescriptors(): number {
    return this.#descriptors;
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
      opening: this.#openFile(key).then((file) => {
        entry.file = file;
        if (file) {
          this.#descriptors++;
          descriptorsOpen++;
        }
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

  /** The confined file at `key`, opened: on the event loop while the guard allows it, else on the thread pool. */
  async #openFile(key: string): Promise<Identified | undefined> {
    const sync = this.#sync;
    if (sync?.guard.allowed) {
      const opened = sync.guard.run(() => {
        const real = sync.locate(key);
        return real ? openRegularFileSync(real) : undefined;
      });
      return opened;
    }
    const real = await this.#locate(key);
    return real ? openRegularFile(real) : undefined;
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
      const sync = this.#sync;
      const pathOf = this.#pathOf;
      // One stat of the path when it can say the handle is still that file; on the event loop while the
      // guard allows it (as opening is), else on the thread pool.
      const st = pathOf
        ? sync?.guard.allowed
          ? sync.guard.run(() => statQuietly(pathOf(key)))
          : await statAsync(pathOf(key)).catch(() => undefined)
        : sync?.guard.allowed
          ? sync.guard.run(() => {
              try {
                const real = sync.locate(key);
                return real ? statSync(real) : undefined;
              } catch {
                return undefined;
              }
            })
          : await this.#locate(key)
              .then((real) => (real ? statAsync(real) : undefined))
              .catch(() => undefined);
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

  /** Least recently used first, down to this folder's maximum and within the process's budget. */
  #evict(): void {
    for (const [key, entry] of this.#entries) {
      const over = this.#entries.size > this.#max || (descriptorsOpen >= DESCRIPTOR_BUDGET && this.#entries.size > 1);
      if (!over) break;
      this.#forget(key, entry);
    }
  }

  #retire(entry: Entry): void {
    entry.retired = true;
    if (entry.leases === 0) void this.#closeWhenOpen(entry);
  }

  #release(entry: Entry): void {
    entry.leases--;
    if (entry.retired && entry.leases === 0) void this.#closeWhenOpen(entry);
  }

  /** Closes a retired entry's descriptor once it is open and its last lease has ended (once only). */
  async #closeWhenOpen(entry: Entry): Promise<void> {
    const file = await entry.opening.catch(() => undefined);
    if (!file || entry.closed || entry.leases > 0) return;
    entry.closed = true;
    this.#descriptors--;
    descriptorsOpen--;
    // Closing a file opened for reading flushes nothing: on the event loop too, while the guard allows it.
    const sync = this.#sync;
    if (sync?.guard.allowed) sync.guard.run(() => closeQuietly(file.fd));
    else close(file.fd, () => undefined);
  }
}

/** The regular file at a real path, opened; undefined when it is missing or not a file. */
async function openRegularFile(real: string): Promise<Identified | undefined> {
  let fd: number;
  try {
    fd = await openAsync(real, 'r');
  } catch (e) {
    if (isMissingFile(e)) return undefined;
    throw e;
  }
  let st: Stats;
  try {
    st = await fstatAsync(fd);
  } catch (e) {
    close(fd, () => undefined);
    throw e;
  }
  return identified(real, fd, st);
}

/** The same, on the event loop. */
function openRegularFileSync(real: string): Identified | undefined {
  let fd: number;
  try {
    fd = openSync(real, 'r');
  } catch (e) {
    if (isMissingFile(e)) return undefined;
    throw e;
  }
  let st: Stats;
  try {
    st = fstatSync(fd);
  } catch (e) {
    close(fd, () => undefined);
    throw e;
  }
  return identified(real, fd, st);
}

function identified(real: string, fd: number, st: Stats): Identified | undefined {
  if (st.isFile()) return { path: real, fd, size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino };
  close(fd, () => undefined);
  return undefined;
}

function statQuietly(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* already closed: nothing to release */
  }
}
