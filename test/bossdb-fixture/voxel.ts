/**
 * The closed-form synthetic volume. Every voxel the fixture serves, and every
 * voxel a correct bridge presents, is a function of (channel, t, res, x, y, z)
 * alone, so tests check values without trusting the code under test.
 * See README.md for the formula in words.
 */
import { type ChannelRef, findChannel } from './dataset.js';
import { levels } from './downsample.js';

/** Murmur3's 32-bit finaliser: every input bit flips about half the output bits. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of the channel path: the per-channel seed. */
export function channelSeed(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The 32-bit hash behind every voxel value. */
export function voxelHash(seed: number, t: number, res: number, x: number, y: number, z: number): number {
  return fmix32(
    seed ^
      Math.imul(x, 0x9e3779b1) ^
      Math.imul(y, 0x85ebca77) ^
      Math.imul(z, 0xc2b2ae3d) ^
      Math.imul(t, 0x27d4eb2f) ^
      Math.imul(res, 0x165667b1),
  );
}

/** Second seed for the high 32 bits of 64-bit voxels. */
export const HIGH_SEED_XOR = 0x5bd1e995;

/**
 * The raw formula value for a datatype, ignoring frame bounds. The hash is of
 * the 8×8 xy patch (x>>3, y>>3) so that blocks compress (exercising real,
 * shuffled blosc frames rather than stored-raw ones); the low 6 bits carry
 * the position inside the patch, so every misplaced voxel still changes value.
 */
export function formulaValue(
  datatype: string,
  seed: number,
  t: number,
  res: number,
  x: number,
  y: number,
  z: number,
): number | bigint {
  const h = voxelHash(seed, t, res, x >> 3, y >> 3, z);
  const inPatch = (x & 7) | ((y & 7) << 3);
  switch (datatype) {
    case 'uint8':
      return (h & 0xc0) | inPatch;
    case 'uint16':
      return (h & 0xffc0) | inPatch;
    case 'uint32':
      return ((h & ~0x3f) | inPatch) >>> 0;
    default: {
      const hi = voxelHash(seed ^ HIGH_SEED_XOR, t, res, x >> 3, y >> 3, z);
      return (BigInt(hi) << 32n) | BigInt(((h & ~0x3f) | inPatch) >>> 0);
    }
  }
}

/** Half-open box [x0,x1)×[y0,y1)×[z0,z1) of level `res` where BossDB holds data. */
export interface DataBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  z0: number;
  z1: number;
}

/**
 * Where BossDB holds data at level `res`: from the BASE frame's start (BossDB
 * validates every level against it) to the level's extent; undefined when
 * there is none (no such level, or a never-downsampled channel above level 0).
 */
export function dataBox(ref: ChannelRef, res: number): DataBox | undefined {
  const { frame, experiment, channel } = ref;
  if (res > 0 && channel.downsample_status !== 'DOWNSAMPLED') return undefined;
  const level = levels(experiment, frame)[res];
  if (!level) return undefined;
  const [x1, y1, z1] = level.extent;
  return { x0: frame.x_start, x1, y0: frame.y_start, y1, z0: frame.z_start, z1 };
}

export type VoxelFn = (t: number, res: number, x: number, y: number, z: number) => number | bigint;

const fns = new Map<string, VoxelFn>();

/** `expectedVoxel` bound to one channel, with its lookups done once (for per-voxel loops). */
export function voxelFn(path: string): VoxelFn {
  const known = fns.get(path);
  if (known) return known;
  const ref = findChannel(path);
  if (!ref) throw new Error(`fixture has no channel ${path}`);
  const seed = channelSeed(path);
  const { datatype } = ref.channel;
  const zero = datatype === 'uint64' ? 0n : 0;
  const boxes = Array.from({ length: ref.experiment.num_hierarchy_levels }, (_, r) => dataBox(ref, r));
  const nt = ref.experiment.num_time_samples;
  const fn: VoxelFn = (t, res, x, y, z) => {
    const b = boxes[res];
    const inside = b && t >= 0 && t < nt && x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1 && z >= b.z0 && z < b.z1;
    return inside ? formulaValue(datatype, seed, t, res, x, y, z) : zero;
  };
  fns.set(path, fn);
  return fn;
}

/**
 * The value of voxel (t, x, y, z) at level `res` of channel `path`
 * (`collection/experiment/channel`), in BossDB's absolute level coordinates.
 * Zero outside the data (below the frame start, which BossDB validates
 * against the BASE frame at every level, or past the level's extent).
 * A number for ≤32-bit types, a bigint for uint64.
 */
export function expectedVoxel(path: string, t: number, res: number, x: number, y: number, z: number): number | bigint {
  return voxelFn(path)(t, res, x, y, z);
}
