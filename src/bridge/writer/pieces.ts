/**
 * The next level, piece by piece, while a level is written: each written
 * chunk comes back from its codec worker also downsampled (a piece of the
 * next level, made while its voxels are at hand, as WEBKNOSSOS and
 * ngff-zarr's dask build a pyramid), and the next level's chunks are
 * assembled from pieces instead of reading the level just written back from
 * disk and decoding it again. Byte-bounded: a piece that does not fit is not
 * kept, and a chunk that lacks one of its pieces reads the written level back
 * as before (so do chunks after `--resume`, or over shards another part
 * wrote). Either way it gets the same voxels: a piece is the exact downsample
 * of its chunk, because chunks start on multiples of the factor.
 */
import type { Box } from './box-reader.js';
import { downsampledShape } from './downsample.js';
import type { LevelPlan } from './plan.js';

/** A piece's voxels (C order), or 'fill' when they are all the fill value. */
export type Piece = Uint8Array | 'fill';

export class LevelPieces {
  readonly #capacity: number;
  readonly #pieces = new Map<string, Piece>();
  /** Bytes held and promised to pieces being made. */
  #bytes = 0;

  constructor(capacityBytes: number) {
    this.#capacity = capacityBytes;
  }

  /** Promises room for a piece of `bytes`; false when there is none (the piece is then not made). */
  reserve(bytes: number): boolean {
    if (this.#bytes + bytes > this.#capacity) return false;
    this.#bytes += bytes;
    return true;
  }

  /** Keeps a piece made under a reservation of `reserved` bytes. */
  put(key: string, piece: Piece, reserved: number): void {
    this.#bytes += (piece === 'fill' ? 0 : piece.byteLength) - reserved;
    this.#pieces.set(key, piece);
  }

  /** Gives back a reservation whose piece was not made. */
  release(reserved: number): void {
    this.#bytes -= reserved;
  }

  get(key: string): Piece | undefined {
    return this.#pieces.get(key);
  }

  delete(key: string): void {
    const piece = this.#pieces.get(key);
    if (piece === undefined) return;
    this.#bytes -= piece === 'fill' ? 0 : piece.byteLength;
    this.#pieces.delete(key);
  }

  /** Drops every piece whose key starts with `prefix` (a level done: leftovers are never needed). */
  dropLevel(prefix: string): void {
    for (const key of [...this.#pieces.keys()]) if (key.startsWith(prefix)) this.delete(key);
  }

  get bytes(): number {
    return this.#bytes;
  }
}

const chunkGrid = (level: LevelPlan) => level.shape.map((s, d) => Math.ceil(s / level.chunk[d]));

/**
 * Whether `level`'s chunks can be made from pieces of the level before: every
 * chunk of the level before must start on a multiple of the factor (or be the
 * only chunk along that axis), so that its piece is exact.
 */
export function piecesFit(before: LevelPlan, level: LevelPlan): boolean {
  const grid = chunkGrid(before);
  return before.chunk.every((c, d) => grid[d] === 1 || c % level.factor[d] === 0);
}

/** The bytes of the piece a chunk of `before` at `coords` makes for `level`. */
export function pieceBytes(before: LevelPlan, level: LevelPlan, coords: readonly number[], bpe: number): number {
  const valid = coords.map((c, d) => Math.min(before.chunk[d], before.shape[d] - c * before.chunk[d]));
  return downsampledShape(valid, level.factor).reduce((a, b) => a * b, 1) * bpe;
}

export interface PieceRef {
  /** The chunk of the level before that makes it. */
  coords: number[];
  /** Where the piece lies, in `level`'s voxels. */
  box: Box;
}

/** The pieces a chunk of `level` at `coords` is made of: the chunks of `before` under it. */
export function piecesOf(before: LevelPlan, level: LevelPlan, coords: readonly number[]): PieceRef[] {
  const f = level.factor;
  const first = coords.map((c, d) => Math.floor((c * level.chunk[d] * f[d]) / before.chunk[d]));
  const last = coords.map((c, d) => {
    const end = Math.min(before.shape[d], (c + 1) * level.chunk[d] * f[d]);
    return Math.floor((end - 1) / before.chunk[d]);
  });
  const refs: PieceRef[] = [];
  const idx = [...first];
  for (;;) {
    const start = idx.map((j, d) => (j * before.chunk[d]) / f[d]);
    const valid = idx.map((j, d) => Math.min(before.chunk[d], before.shape[d] - j * before.chunk[d]));
    refs.push({ coords: [...idx], box: { start, shape: downsampledShape(valid, f) } });
    let d = idx.length - 1;
    for (; d >= 0; d--) {
      if (++idx[d] <= last[d]) break;
      idx[d] = first[d];
    }
    if (d < 0) break;
  }
  return refs;
}
