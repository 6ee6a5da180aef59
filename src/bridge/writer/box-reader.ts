/**
 * Reads a box of an ArrayNode as C-order bytes, assembled from the node's
 * chunks (`readChunk`, the catalog's only way to data). Decoded chunks are
 * kept in a byte-bounded LRU, because the written chunks rarely line up with
 * the input's: neighbouring output chunks reuse the same input chunk. Chunks
 * can be read ahead of need (`prefetch`), within a byte bound of their own.
 */
import { setMaxListeners } from 'node:events';
import { bytesPerElement, type DType } from '../model/dtype.js';
import type { ArrayNode, Chunk, IoOptions } from '../model/node.js';
import { LruCache } from '../util/lru.js';

export interface Box {
  start: readonly number[];
  shape: readonly number[];
}

/** Runs shorter than this many bytes are copied word by word (measured crossover with `set`: 128 bytes). */
const WORD_RUN_LIMIT = 128;

/** Copies the overlap of a C-order source block and a C-order target block (both placed in one index space). */
export function copyOverlap(src: Uint8Array, srcBox: Box, dst: Uint8Array, dstBox: Box, bpe: number): void {
  const rank = srcBox.shape.length;
  const lo = srcBox.start.map((s, i) => Math.max(s, dstBox.start[i]));
  const hi = srcBox.start.map((s, i) => Math.min(s + srcBox.shape[i], dstBox.start[i] + dstBox.shape[i]));
  if (lo.some((l, i) => l >= hi[i])) return;
  if (rank === 0) {
    dst.set(src.subarray(0, bpe));
    return;
  }
  const srcStride = new Array<number>(rank);
  const dstStride = new Array<number>(rank);
  srcStride[rank - 1] = bpe;
  dstStride[rank - 1] = bpe;
  for (let d = rank - 2; d >= 0; d--) {
    srcStride[d] = srcStride[d + 1] * srcBox.shape[d + 1];
    dstStride[d] = dstStride[d + 1] * dstBox.shape[d + 1];
  }
  // Trailing axes the overlap covers whole in both blocks are contiguous in both: one run spans them (a
  // 512²-row chunk into a box as wide is one copy per plane, or one copy, instead of one per row).
  let m = rank - 1;
  const whole = (d: number) =>
    lo[d] === srcBox.start[d] &&
    lo[d] === dstBox.start[d] &&
    hi[d] - lo[d] === srcBox.shape[d] &&
    hi[d] - lo[d] === dstBox.shape[d];
  while (m > 0 && whole(m)) m--;
  const runBytes = (hi[m] - lo[m]) * srcStride[m];
  const idx = lo.slice(0, m);
  const s0 = (lo[m] - srcBox.start[m]) * srcStride[m];
  const o0 = (lo[m] - dstBox.start[m]) * dstStride[m];
  // Short runs (a 64-voxel row of a uint8 chunk cut from a 512-wide BossDB cuboid: a million of them for a
  // 1024²×64 region) copy as 32-bit words: `set(subarray())` costs a view allocation and a call per row, 2.5×
  // the word loop at 64 bytes and garbage besides. Only when every row starts on a word in both buffers.
  const words =
    runBytes < WORD_RUN_LIMIT &&
    runBytes % 4 === 0 &&
    src.byteOffset % 4 === 0 &&
    dst.byteOffset % 4 === 0 &&
    s0 % 4 === 0 &&
    o0 % 4 === 0 &&
    srcStride.every((n, d) => d >= m || n % 4 === 0) &&
    dstStride.every((n, d) => d >= m || n % 4 === 0);
  const src32 = words ? new Int32Array(src.buffer, src.byteOffset, Math.floor(src.byteLength / 4)) : undefined;
  const dst32 = words ? new Int32Array(dst.buffer, dst.byteOffset, Math.floor(dst.byteLength / 4)) : undefined;
  const runWords = runBytes / 4;
  for (;;) {
    let s = s0;
    let o = o0;
    for (let d = 0; d < m; d++) {
      s += (idx[d] - srcBox.start[d]) * srcStride[d];
      o += (idx[d] - dstBox.start[d]) * dstStride[d];
    }
    if (src32 && dst32) {
      const sw = s / 4;
      const ow = o / 4;
      for (let i = 0; i < runWords; i++) dst32[ow + i] = src32[sw + i]!;
    } else dst.set(src.subarray(s, s + runBytes), o);
    let d = m - 1;
    for (; d >= 0; d--) {
      if (++idx[d] < hi[d]) break;
      idx[d] = lo[d];
    }
    if (d < 0) break;
  }
}

export class BoxReader {
  readonly #node: ArrayNode;
  readonly #bpe: number;
  readonly #chunkBytes: number;
  readonly #chunks: LruCache<string, Promise<Chunk>>;
  /** Chunks read ahead and not yet taken by a read, with the bytes they hold. */
  readonly #ahead = new Map<string, Promise<Chunk>>();
  readonly #aheadBytes: number;
  #aheadHeld = 0;
  /** Governs the reads ahead: linked to the first caller's signal, aborted by `close`. */
  #aheadControl: { controller: AbortController; unlink: () => void } | undefined;

  /**
   * `cacheBytes`: decoded input chunks kept for the next boxes (0: none). `aheadBytes`: chunks `prefetch` may
   * hold before a read takes them (0: no read-ahead).
   */
  constructor(node: ArrayNode, cacheBytes: number, aheadBytes = 0) {
    this.#node = node;
    this.#bpe = bytesPerElement(node.meta.dtype as DType);
    this.#chunkBytes = node.meta.chunkShape.reduce((a, b) => a * b, 1) * this.#bpe;
    const chunkBytes = this.#chunkBytes;
    // Entries are promises, so concurrent readers of one chunk share one read.
    this.#chunks = new LruCache(Math.max(0, cacheBytes), () => chunkBytes);
    this.#aheadBytes = Math.max(0, aheadBytes);
  }

  get node(): ArrayNode {
    return this.#node;
  }

  /** The box's bytes, in `into` when given (zero-filled, exactly the box's size). */
  async read(box: Box, opts: IoOptions, into?: Uint8Array): Promise<Uint8Array> {
    const bytes = box.shape.reduce((a, b) => a * b, 1) * this.#bpe;
    if (into && into.byteLength !== bytes) throw new RangeError(`a box of ${bytes} bytes read into ${into.byteLength}`);
    const out = into ?? new Uint8Array(bytes);
    if (out.byteLength === 0) return out;
    const { chunkShape } = this.#node.meta;
    await Promise.all(
      this.#coordsOf(box).map(async (c) => {
        const chunk = await this.#chunk(c, opts);
        const chunkBox = { start: c.map((v, i) => v * chunkShape[i]), shape: chunk.shape };
        copyOverlap(chunk.bytes, chunkBox, out, box, this.#bpe);
      }),
    );
    return out;
  }

  /**
   * Starts reading the chunks `box` needs that are neither cached nor being read, and holds them until a read
   * takes them: a source with latency (BossDB, a remote server) answers while the chunks before are encoded.
   * False once the read-ahead holds `aheadBytes`; the chunks that did not fit are not started.
   */
  prefetch(box: Box, opts: IoOptions): boolean {
    if (box.shape.some((n) => n <= 0)) return true;
    for (const c of this.#coordsOf(box)) {
      const key = c.join(',');
      if (this.#chunks.has(key) || this.#ahead.has(key)) continue;
      if (this.#aheadHeld + this.#chunkBytes > this.#aheadBytes) return false;
      const read = this.#node.readChunk(c, { signal: this.#aheadSignal(opts.signal), bulk: true });
      this.#ahead.set(key, read);
      this.#aheadHeld += this.#chunkBytes;
      // One that fails is dropped: the read that needs the chunk tries it again and reports its own error.
      read.catch(() => this.#take(key, read));
    }
    return true;
  }

  /** Bytes of chunks read ahead that no read has taken yet. */
  get aheadHeld(): number {
    return this.#aheadHeld;
  }

  /** Stops the reads ahead still running and lets go of what they hold. */
  close(): void {
    this.#aheadControl?.unlink();
    this.#aheadControl?.controller.abort(new DOMException('the read-ahead was closed', 'AbortError'));
    this.#aheadControl = undefined;
    this.#ahead.clear();
    this.#aheadHeld = 0;
  }

  #coordsOf(box: Box): number[][] {
    const { chunkShape } = this.#node.meta;
    const rank = box.shape.length;
    if (rank === 0) return [[]];
    const first = box.start.map((s, i) => Math.floor(s / chunkShape[i]));
    const last = box.start.map((s, i) => Math.floor((s + box.shape[i] - 1) / chunkShape[i]));
    const coords: number[][] = [];
    const idx = [...first];
    for (;;) {
      coords.push([...idx]);
      let d = rank - 1;
      for (; d >= 0; d--) {
        if (++idx[d] <= last[d]) break;
        idx[d] = first[d];
      }
      if (d < 0) return coords;
    }
  }

  /**
   * The signal of the reads ahead: they outlive the call that started them, so they are not tied to its signal
   * alone, and a level's worth of them waiting on one source would trip Node's listener-leak warning on a
   * shared signal. One listener links this controller to the caller's.
   */
  #aheadSignal(caller: AbortSignal | undefined): AbortSignal {
    if (!this.#aheadControl) {
      const controller = new AbortController();
      setMaxListeners(0, controller.signal);
      const onAbort = () => controller.abort(caller?.reason);
      caller?.addEventListener('abort', onAbort, { once: true });
      if (caller?.aborted) onAbort();
      this.#aheadControl = { controller, unlink: () => caller?.removeEventListener('abort', onAbort) };
    }
    return this.#aheadControl.controller.signal;
  }

  #take(key: string, read: Promise<Chunk>): boolean {
    if (this.#ahead.get(key) !== read) return false;
    this.#ahead.delete(key);
    this.#aheadHeld -= this.#chunkBytes;
    return true;
  }

  #chunk(coords: number[], caller: IoOptions): Promise<Chunk> {
    // A conversion's reads are bulk: where a source queues reads (BossDB), a viewer's go first.
    const opts = { signal: caller.signal, bulk: true };
    const key = coords.join(',');
    const hit = this.#chunks.get(key);
    if (hit) return hit;
    const early = this.#ahead.get(key);
    let read: Promise<Chunk>;
    if (early && this.#take(key, early)) {
      // Taken from the read-ahead: a failed one is tried once more, under this read's own signal.
      read = early.catch(() => this.#node.readChunk(coords, opts));
    } else read = this.#node.readChunk(coords, opts);
    this.#chunks.set(key, read);
    read.catch(() => this.#chunks.delete(key));
    return read;
  }
}
