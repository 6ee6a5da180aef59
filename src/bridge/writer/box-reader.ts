/**
 * Reads a box of an ArrayNode as C-order bytes, assembled from the node's
 * chunks (`readChunk`, the catalog's only way to data). Decoded chunks are
 * kept in a byte-bounded LRU, because the written chunks rarely line up with
 * the input's: neighbouring output chunks reuse the same input chunk.
 */
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
  readonly #chunks: LruCache<string, Promise<Chunk>>;

  /** `cacheBytes`: decoded input chunks kept for the next boxes (0: none). */
  constructor(node: ArrayNode, cacheBytes: number) {
    this.#node = node;
    this.#bpe = bytesPerElement(node.meta.dtype as DType);
    const chunkBytes = node.meta.chunkShape.reduce((a, b) => a * b, 1) * this.#bpe;
    // Entries are promises, so concurrent readers of one chunk share one read.
    this.#chunks = new LruCache(Math.max(0, cacheBytes), () => chunkBytes);
  }

  get node(): ArrayNode {
    return this.#node;
  }

  /** The box's bytes, in `into` when given (zero-filled, exactly the box's size). */
  async read(box: Box, opts: IoOptions, into?: Uint8Array): Promise<Uint8Array> {
    const { chunkShape } = this.#node.meta;
    const rank = box.shape.length;
    const bytes = box.shape.reduce((a, b) => a * b, 1) * this.#bpe;
    if (into && into.byteLength !== bytes) throw new RangeError(`a box of ${bytes} bytes read into ${into.byteLength}`);
    const out = into ?? new Uint8Array(bytes);
    if (out.byteLength === 0) return out;
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
      if (d < 0) break;
    }
    if (rank === 0) coords.splice(1);
    await Promise.all(
      coords.map(async (c) => {
        const chunk = await this.#chunk(c, opts);
        const chunkBox = { start: c.map((v, i) => v * chunkShape[i]), shape: chunk.shape };
        copyOverlap(chunk.bytes, chunkBox, out, box, this.#bpe);
      }),
    );
    return out;
  }

  #chunk(coords: number[], opts: IoOptions): Promise<Chunk> {
    const key = coords.join(',');
    const hit = this.#chunks.get(key);
    if (hit) return hit;
    const read = this.#node.readChunk(coords, opts);
    this.#chunks.set(key, read);
    read.catch(() => this.#chunks.delete(key));
    return read;
  }
}
