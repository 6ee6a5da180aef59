/**
 * A KvStore over one folder the user opened, confined to it: keys with `..`,
 * `.`, backslashes, NUL or empty segments are refused, and a symlink may not
 * lead outside the folder (its real path is checked against the root's).
 */
import { createReadStream, read, realpathSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { BridgeError } from '../../errors.js';
import type { ByteRange, IoOptions, StoredObject } from '../../model/node.js';
import { LruCache } from '../../util/lru.js';
import { giveBuffer, releaserOf, takeBuffer, takeSharedBuffer, unfilledBuffer } from '../../util/read-buffers.js';
import { readThread } from '../../util/read-thread.js';
import { SecondReadAdmission } from './admission.js';
import { type KvStore, type RangeQuery, type ReadOptions, tooLarge } from './kv-store.js';
import { isMissingFile } from './missing.js';
import { OpenFiles } from './open-files.js';
import { SyncGuard } from './sync-guard.js';

const BAD_SEGMENT = /^\.{1,2}$|[\\\0:]/;

/** Reads up to this size are made in one go and sent from memory (one read, one write); larger ones stream. */
const SMALL_OBJECT = 4 * 2 ** 20;
/** Files up to this size are read whole and kept in the hot-object cache; larger ones are read by range. */
const HOT_OBJECT = 2 ** 20;
/** Total bytes of the hot-object cache, shared by all opened folders. */
const HOT_BYTES = 48 * 2 ** 20;
/** A cached object is served without touching the disk for this long, then revalidated with one stat. */
const HOT_FRESH_MS = 1_000;

interface HotObject {
  file: string;
  /** The whole file's size and mtime when read: what a stat must still say. */
  fileSize: number;
  mtimeMs: number;
  checked: number;
  object: StoredObject;
}

/**
 * Recently served chunk files (and TIFF tiles) of every opened folder, one budget for the
 * process however many folders are open. Their bytes were read after the key
 * passed the confinement check, so a hit can only ever return bytes from
 * inside the folder; freshness is rechecked with a stat after 1 s, and a
 * changed or vanished file drops the entry (and goes through the full check).
 * Serving from memory is what lets pass-through keep up with nginx.
 */
const HOT = new LruCache<string, HotObject>(HOT_BYTES, (h) => h.object.size + 256);
/** Files enter HOT on their second read within a cache's worth of reads (see admission.ts). */
const ADMISSION = new SecondReadAdmission(HOT_BYTES);

/** Bytes held by the hot-object cache of all folders (for `/health`). */
export const hotObjectBytes = (): number => HOT.weight;

export class FolderStore implements KvStore {
  /** The folder's real path (symlinks resolved), set by `open`. */
  readonly root: string;
  /** Handles of recently read files: a shard's inner chunks are then one positioned read each. */
  readonly #files = new OpenFiles((key) => this.resolve(key), {
    sync: { locate: (key) => this.resolveSync(key), guard: new SyncGuard() },
    pathOf: (key) => this.#joined(key),
  });
  /** Whether chunk files read once go to the read thread: until a few reads there were slow (a network mount). */
  readonly #fastReads = new SyncGuard();
  private constructor(root: string) {
    this.root = root;
  }

  /** This folder's keys in the process-wide hot-object cache. */
  #hotKey(key: string): string {
    return `${this.root}\0${key}`;
  }

  static async open(folder: string): Promise<FolderStore> {
    const root = await realpath(folder);
    const st = await stat(root);
    if (!st.isDirectory()) throw new BridgeError('BadRequest', `not a folder: ${folder}`);
    return new FolderStore(root);
  }

  /** The real file path for `key`, or undefined when it does not exist. Throws Forbidden on escape. */
  async resolve(key: string): Promise<string | undefined> {
    const joined = this.#joined(key);
    try {
      // A full realpath every time: a cached folder could be swapped for a symlink meanwhile.
      return this.#confined(key, await realpath(joined));
    } catch (e) {
      if (isMissingFile(e)) return undefined;
      throw e;
    }
  }

  /** `resolve` on the event loop (for the guard's fast path): the same checks. */
  resolveSync(key: string): string | undefined {
    const joined = this.#joined(key);
    try {
      return this.#confined(key, realpathSync.native(joined));
    } catch (e) {
      if (isMissingFile(e)) return undefined;
      throw e;
    }
  }

  #joined(key: string): string {
    const segments = key === '' ? [] : key.split('/');
    for (const s of segments) {
      if (s === '' || BAD_SEGMENT.test(s))
        throw new BridgeError('Forbidden', 'path outside the opened folder', { key });
    }
    return segments.length === 0 ? this.root : this.root + sep + segments.join(sep);
  }

  #confined(key: string, real: string): string {
    if (real !== this.root && !real.startsWith(this.root + sep)) {
      throw new BridgeError('Forbidden', 'path outside the opened folder', { key });
    }
    return real;
  }

  async get(key: string, opts: ReadOptions): Promise<Uint8Array | undefined> {
    const lease = await this.#files.acquire(key);
    if (!lease) return undefined;
    try {
      opts.signal?.throwIfAborted();
      const { fd, size } = lease.file;
      if (opts.maxBytes !== undefined && size > opts.maxBytes) throw tooLarge(key, size, opts.maxBytes);
      return await readAt(fd, 0, size);
    } finally {
      lease.release();
    }
  }

  async getRange(key: string, range: RangeQuery, opts: ReadOptions): Promise<Uint8Array | undefined> {
    const lease = await this.#files.acquire(key);
    if (!lease) return undefined;
    try {
      opts.signal?.throwIfAborted();
      const { fd, size } = lease.file;
      const [offset, length] =
        'suffixLength' in range
          ? [Math.max(0, size - range.suffixLength), Math.min(size, range.suffixLength)]
          : opts.upToEnd
            ? [range.offset, Math.max(0, Math.min(range.length, size - range.offset))]
            : [range.offset, range.length];
      // A shard index pointing past the end is damage, not an empty chunk.
      if (offset + length > size) {
        throw new BridgeError(
          'CorruptData',
          `${key}: bytes ${offset}–${offset + length} lie past its end (${size} bytes)`,
          {
            key,
          },
        );
      }
      if (opts.maxBytes !== undefined && length > opts.maxBytes)
        throw tooLarge(`${key} [${offset}+${length}]`, length, opts.maxBytes);
      return await readAt(fd, offset, length);
    } finally {
      lease.release();
    }
  }

  /** `_opts` unread: one read of at most a chunk file is not worth making a request's signal (client-gone.ts). */
  async object(key: string, _opts: IoOptions): Promise<StoredObject | undefined> {
    return this.#hotObject(key, undefined);
  }

  /**
   * Bytes `offset`..`offset + length` of `key` as a stored object (one tile of
   * a TIFF file, passed on unchanged): read, kept and revalidated as a small
   * file is. Shorter when the file ends first; undefined when it is missing.
   */
  async objectRange(
    key: string,
    range: { readonly offset: number; readonly length: number },
    _opts: IoOptions,
  ): Promise<StoredObject | undefined> {
    return this.#hotObject(key, range);
  }

  async #hotObject(
    key: string,
    range: { readonly offset: number; readonly length: number } | undefined,
  ): Promise<StoredObject | undefined> {
    const hotKey = range ? `${this.#hotKey(key)}\0${range.offset}+${range.length}` : this.#hotKey(key);
    const hot = HOT.get(hotKey);
    if (hot) {
      const now = Date.now();
      if (now - hot.checked < HOT_FRESH_MS) return hot.object;
      const st = await stat(hot.file).catch(() => undefined);
      if (st?.isFile() && st.size === hot.fileSize && st.mtimeMs === hot.mtimeMs) {
        hot.checked = now;
        return hot.object;
      }
      HOT.delete(hotKey);
    }
    const lease = await this.#files.acquire(key);
    if (!lease) return undefined;
    const { size: fileSize, mtimeMs, path } = lease.file;
    const fileVersion = versionOf(fileSize, mtimeMs);
    // A range is named by the file's version and where it starts (its length follows from the file).
    const offset = range ? Math.min(range.offset, fileSize) : 0;
    const size = range ? Math.max(0, Math.min(range.length, fileSize - offset)) : fileSize;
    const version = range ? `${fileVersion}-${offset.toString(36)}` : fileVersion;
    // Read once so far: sent from a reusable buffer and not kept (so not replayed: no `current`).
    const kept = size <= HOT_OBJECT && ADMISSION.admit(hotKey, size);
    let whole: Uint8Array;
    try {
      // No look at the caller's signal here: a request's signal is made only when asked for (http/client-gone.ts),
      // and a client gone since its request arrived costs one read of at most HOT_OBJECT bytes.
      // Larger objects (shards) are read by range, on a handle leased per read: a Range request
      // for one inner chunk then reads that chunk, not the whole shard.
      if (size > HOT_OBJECT) {
        return {
          size,
          version,
          exactVersion: true,
          read: (r, o) =>
            this.#readLeased(
              key,
              { offset: offset + (r?.offset ?? 0), length: r?.length ?? size - (r?.offset ?? 0) },
              o,
            ),
        };
      }
      // Chunks are small: one read now, sent from memory, beats a stream's open/read/read/close.
      whole = kept ? await readAt(lease.file.fd, offset, size) : await this.#readOnce(lease.file.fd, offset, size);
    } finally {
      lease.release();
    }
    const bytes = whole;
    const read: StoredObject['read'] = async (r) =>
      r ? bytes.subarray(r.offset, r.length === undefined ? undefined : r.offset + r.length) : bytes;
    // Shorter than its stat said: the file was cut while it was read. Half a chunk is never served as one.
    if (bytes.byteLength !== size) throw this.#changed(key, bytes.byteLength, size);
    // A range names bytes of the file as it was (a TIFF tile's offsets): once the file changed, reading the same
    // range again would be other bytes, so the caller must look the range up anew (undefined sends it back).
    const reread = range
      ? async () => {
          const again = await this.#hotObject(key, range);
          return again?.version === version ? again : undefined;
        }
      : () => this.#hotObject(key, undefined);
    if (!kept) {
      return { size, version, exactVersion: true, held: bytes, read, release: releaserOf(bytes), reread };
    }
    const entry: HotObject = {
      file: path,
      fileSize,
      mtimeMs,
      checked: Date.now(),
      object: {
        size,
        version,
        exactVersion: true,
        held: bytes,
        read,
        // Still cached and checked within the last second: exactly when a hit here would skip the disk.
        current: () => HOT.peek(hotKey) === entry && Date.now() - entry.checked < HOT_FRESH_MS,
        reread,
      },
    };
    HOT.set(hotKey, entry);
    return entry.object;
  }

  /** A range of a large file: in memory when small (one positioned read), else streamed from the leased handle. */
  async #readLeased(
    key: string,
    range: ByteRange | undefined,
    opts: IoOptions,
  ): Promise<NodeJS.ReadableStream | Uint8Array> {
    opts.signal?.throwIfAborted();
    const lease = await this.#files.acquire(key);
    if (!lease) throw new BridgeError('NotFound', `${key} disappeared while being read`, { key });
    const { fd, size } = lease.file;
    const offset = Math.min(range?.offset ?? 0, size);
    const length = Math.max(0, Math.min(range?.length ?? size - offset, size - offset));
    if (length <= SMALL_OBJECT) {
      let bytes: Uint8Array;
      try {
        bytes = await readAt(fd, offset, length);
      } finally {
        lease.release();
      }
      if (bytes.byteLength !== length) throw this.#changed(key, bytes.byteLength, length);
      return bytes;
    }
    // The path is ignored when `fd` is given; the descriptor stays ours (the lease closes it).
    const stream = createReadStream('', { fd, start: offset, end: offset + length - 1, autoClose: false });
    stream.once('close', () => lease.release());
    // Cut short (the file shrank): the response fails on its own, and the next read must not trust this handle.
    // Dropped at 'end', before the response fails, so a client that asks again sees the file as it is now.
    stream.once('end', () => {
      if (stream.bytesRead < length) this.#files.invalidate(key);
    });
    opts.signal?.addEventListener('abort', () => stream.destroy(), { once: true });
    return stream;
  }

  /**
   * Bytes read to be sent once and given back (`releaserOf`): on the read thread while this folder's reads
   * are fast and it can take them, else from libuv's pool into a reusable buffer.
   */
  async #readOnce(fd: number, offset: number, length: number): Promise<Uint8Array> {
    const into = this.#fastReads.allowed ? takeSharedBuffer(length) : undefined;
    const reading = into && readThread().read(fd, into, offset);
    if (!into || !reading) {
      if (into) giveBuffer(into);
      return readAt(fd, offset, length, true);
    }
    let read: Awaited<typeof reading>;
    try {
      read = await reading;
    } catch (e) {
      giveBuffer(into);
      throw e;
    }
    // The thread stopped before reading it: `into` may yet be written, so it is not given back.
    if (!read) return readAt(fd, offset, length, true);
    this.#fastReads.note(read.ms);
    if (read.bytesRead === length) return into;
    // Shorter (the file shrank, or a read stopped short): read again from the pool, which says how much is there.
    giveBuffer(into);
    return readAt(fd, offset, length, true);
  }

  /** The error for a file found shorter than its handle said; the handle is dropped, so the next read sees it anew. */
  #changed(key: string, got: number, expected: number): BridgeError {
    this.#files.invalidate(key);
    return new BridgeError('CorruptData', `${key} changed while it was read (${got} of ${expected} bytes)`, { key });
  }

  /** Size and mtime, from the kept-open handle (no I/O while it is fresh); null when absent. */
  async version(key: string): Promise<string | null> {
    const lease = await this.#files.acquire(key);
    if (!lease) return null;
    lease.release();
    return versionOf(lease.file.size, lease.file.mtimeMs);
  }

  /** Closes the file handles kept open for range reads. */
  close(): Promise<void> {
    return this.#files.close();
  }

  async list(prefix: string, opts: IoOptions): Promise<string[]> {
    const dir = await this.resolve(prefix);
    if (!dir) return [];
    opts.signal?.throwIfAborted();
    try {
      const entries = await readdir(dir, { withFileTypes: true });
      const names: string[] = [];
      for (const e of entries) {
        if (e.isDirectory()) names.push(e.name);
        else if (e.isSymbolicLink()) {
          // A symlinked folder counts only when it stays inside the root.
          try {
            const real = await this.resolve(prefix === '' ? e.name : `${prefix}/${e.name}`);
            if (real && (await stat(real)).isDirectory()) names.push(e.name);
          } catch {
            /* escaping or dangling links are not children */
          }
        }
      }
      return names.sort();
    } catch (e) {
      if (isMissingFile(e) || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw e;
    }
  }
}

/**
 * `length` bytes from `offset`, fewer only if the file is shorter; `reusable`: into a buffer from
 * read-buffers.ts (for bytes sent once, then given back).
 */
async function readAt(fd: number, offset: number, length: number, reusable = false): Promise<Uint8Array> {
  // The read overwrites it.
  const out = (reusable ? takeBuffer(length) : undefined) ?? unfilledBuffer(length);
  let done = 0;
  while (done < length) {
    const bytesRead = await readAsync(fd, out, done, length - done, offset + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  // A short read (the file shrank) is copied out, so no unwritten byte stays reachable through `.buffer`.
  return done === length ? out : out.slice(0, done);
}

const readAsync = (fd: number, into: Uint8Array, at: number, length: number, position: number): Promise<number> =>
  new Promise((resolve, reject) => read(fd, into, at, length, position, (e, n) => (e ? reject(e) : resolve(n))));

const versionOf = (size: number, mtimeMs: number): string => `${size.toString(36)}-${Math.floor(mtimeMs).toString(36)}`;
