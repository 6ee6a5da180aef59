/**
 * The plan of one written image: its levels (extent, factor, scale,
 * translation), each level's chunk and shard grid, and which part of a
 * cluster conversion writes which shard. Pure arithmetic, no I/O.
 */
import type { OmeAxis } from '../model/ome.js';
import { WriterError } from './errors.js';
import { DEFAULT_CHUNK, type DownsampleMethod, type WriteOptions } from './options.js';

export interface LevelPlan {
  /** 0, 1, … (also the array's path inside the image). */
  index: number;
  shape: number[];
  /** Factor from the level before (1s for level 0). */
  factor: number[];
  /** Factor from level 0. */
  cumulative: number[];
  scale: number[];
  translation: number[];
  /** Inner chunk. */
  chunk: number[];
  /** Shard (a multiple of `chunk`): one file when sharded, else a block of chunk files written together. */
  shard: number[];
  /** Shards per axis. */
  grid: number[];
}

export interface ImageGeometry {
  axes: readonly OmeAxis[];
  /** Level-0 extent, after the region cut. */
  shape: readonly number[];
  scale: readonly number[];
  translation: readonly number[];
}

const isSpace = (a: OmeAxis) => a.type === 'space' || (a.type === undefined && ['x', 'y', 'z'].includes(a.name));

/** Per-axis chunk of level 0: `--chunk` for the trailing axes, 64 for other spatial axes, 1 for t and c. */
export function baseChunk(axes: readonly OmeAxis[], chunk: WriteOptions['chunk']): number[] {
  const rank = axes.length;
  if (Array.isArray(chunk)) {
    const list = chunk as readonly number[];
    if (list.length > rank) throw new WriterError('Usage', `--chunk has ${list.length} sizes for ${rank} axes`);
    return axes.map((a, i) => {
      const j = i - (rank - list.length);
      return j >= 0 ? list[j] : isSpace(a) ? DEFAULT_CHUNK : 1;
    });
  }
  const n = (chunk as number | undefined) ?? DEFAULT_CHUNK;
  return axes.map((a) => (isSpace(a) ? n : 1));
}

/**
 * Factors for the next level: 2 on each spatial axis, except an axis whose
 * voxel is already ≥ 2× the smallest spatial voxel (anisotropic EM keeps z
 * until x and y catch up) and an axis of extent 1.
 */
export function nextFactor(axes: readonly OmeAxis[], shape: readonly number[], scale: readonly number[]): number[] {
  const spatial = axes.map(isSpace);
  const smallest = Math.min(...scale.filter((_, i) => spatial[i] && shape[i] > 1));
  return axes.map((_, i) => (!spatial[i] || shape[i] <= 1 || scale[i] >= 2 * smallest ? 1 : 2));
}

/** Where a downsampled voxel's centre lies: the middle of its block, except for `nearest` (its first voxel). */
const centreShift = (method: DownsampleMethod, cumulative: number, scale0: number): number =>
  method === 'nearest' ? 0 : ((cumulative - 1) / 2) * scale0;

export function planLevels(
  image: ImageGeometry,
  options: Pick<WriteOptions, 'chunk' | 'shard' | 'levels' | 'ome'>,
  method: DownsampleMethod,
): LevelPlan[] {
  const { axes } = image;
  const rank = axes.length;
  if (image.shape.some((s) => s < 1)) throw new WriterError('Input', `empty image: shape ${image.shape.join('×')}`);
  const chunk0 = baseChunk(axes, options.chunk);
  if (chunk0.some((c) => !Number.isInteger(c) || c < 1)) {
    throw new WriterError('Usage', `--chunk must be positive integers, not ${chunk0.join(',')}`);
  }
  const spatial = axes.map(isSpace);
  // 0.4 (and --shard 1) writes one file per chunk; the shard box is then just the unit of work.
  const shardCount = options.shard;
  const levels: LevelPlan[] = [];
  let shape = [...image.shape];
  let cumulative = new Array<number>(rank).fill(1);
  let factor = new Array<number>(rank).fill(1);
  const wanted = options.levels;
  for (let k = 0; ; k++) {
    const scale = image.scale.map((s, i) => s * cumulative[i]);
    const translation = image.translation.map((t, i) => t + centreShift(method, cumulative[i], image.scale[i]));
    // A chunk never larger than the level: no padded chunks of mostly nothing.
    const chunk = chunk0.map((c, i) => Math.min(c, shape[i]));
    const shard = chunk.map((c, i) =>
      spatial[i] ? c * Math.max(1, Math.min(shardCount, Math.ceil(shape[i] / c))) : c,
    );
    const grid = shape.map((s, i) => Math.ceil(s / shard[i]));
    levels.push({ index: k, shape, factor, cumulative, scale, translation, chunk, shard, grid });
    const next = nextFactor(axes, shape, scale);
    const fitsOneChunk = shape.every((s, i) => !spatial[i] || s <= chunk0[i]);
    const done = wanted === 'auto' ? fitsOneChunk : levels.length >= wanted;
    if (done || next.every((f) => f === 1)) break;
    factor = next;
    cumulative = cumulative.map((c, i) => c * next[i]);
    shape = shape.map((s, i) => Math.ceil(s / next[i]));
  }
  return levels;
}

/** Shard coordinates of a level, in C order. */
export function* shardCoords(level: LevelPlan): Generator<number[]> {
  const rank = level.grid.length;
  const total = level.grid.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(rank).fill(0);
  for (let n = 0; n < total; n++) {
    yield [...idx];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < level.grid[d]) break;
      idx[d] = 0;
    }
  }
}

/** The box a shard covers in its level's voxels, clipped to the level. */
export function shardBox(level: LevelPlan, coords: readonly number[]): { start: number[]; shape: number[] } {
  const start = coords.map((c, i) => c * level.shard[i]);
  const shape = start.map((s, i) => Math.min(level.shard[i], level.shape[i] - s));
  return { start, shape };
}

/**
 * Which part of `count` writes a shard: level-0 shards are split into
 * `count` runs in C order; a lower level's shard belongs to a part when every
 * level-0 shard under it does, and otherwise to `--finalize` (-1).
 */
export function partOf(levels: readonly LevelPlan[], level: number, coords: readonly number[], count: number): number {
  const l0 = levels[0];
  const total = l0.grid.reduce((a, b) => a * b, 1);
  const partOfLinear = (n: number) => Math.floor((n * count) / total);
  const linear = (c: readonly number[]) => c.reduce((acc, v, i) => acc * l0.grid[i] + v, 0);
  const box = shardBox(levels[level], coords);
  const cum = levels[level].cumulative;
  const first = box.start.map((s, i) => Math.floor((s * cum[i]) / l0.shard[i]));
  const last = box.start.map((s, i) =>
    Math.min(l0.grid[i] - 1, Math.floor(((s + box.shape[i]) * cum[i] - 1) / l0.shard[i])),
  );
  const a = partOfLinear(linear(first));
  return a === partOfLinear(linear(last)) ? a : -1;
}
