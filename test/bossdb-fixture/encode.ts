/**
 * The bodies of the fixture's cutout responses: the raw C-order little-endian
 * voxels computed from the formula, then the two encodings BossDB offers,
 * `application/blosc` (see blosc-bossdb.ts) and `application/npygz`.
 */
import { zlibSync } from 'fflate';
import { findChannel } from './dataset.js';
import { channelSeed, dataBox, HIGH_SEED_XOR, voxelHash } from './voxel.js';

export const BYTES: Record<string, number> = { uint8: 1, uint16: 2, uint32: 4, uint64: 8 };

export type Range = [number, number];

/**
 * Voxels of a cutout as BossDB lays them out: C order (t,)z,y,x, little-endian. The same values as
 * `expectedVoxel` voxel by voxel, computed a row at a time: one hash per 8-voxel patch run and two 32-bit
 * writes per 64-bit voxel, so whole-brain-sized test volumes cost milliseconds per cuboid, not seconds.
 */
export function cutoutBytes(path: string, res: number, t: Range, x: Range, y: Range, z: Range): Uint8Array {
  const ref = findChannel(path);
  if (!ref) throw new Error(`fixture has no channel ${path}`);
  const size = BYTES[ref.channel.datatype]!;
  const seed = channelSeed(path);
  const box = dataBox(ref, res);
  const nt = ref.experiment.num_time_samples;
  const nx = x[1] - x[0];
  const n = (t[1] - t[0]) * (z[1] - z[0]) * (y[1] - y[0]) * nx;
  const out = new Uint8Array(n * size);
  const u16 = size === 2 ? new Uint16Array(out.buffer) : undefined;
  const u32 = size >= 4 ? new Uint32Array(out.buffer) : undefined;
  const mask = size === 1 ? 0xc0 : size === 2 ? 0xffc0 : ~0x3f;
  let row = 0;
  for (let tt = t[0]; tt < t[1]; tt++)
    for (let zz = z[0]; zz < z[1]; zz++)
      for (let yy = y[0]; yy < y[1]; yy++, row++) {
        const inRow = box && tt >= 0 && tt < nt && yy >= box.y0 && yy < box.y1 && zz >= box.z0 && zz < box.z1;
        if (!inRow) continue; // zeros, as allocated
        const xs = Math.max(x[0], box.x0);
        const xe = Math.min(x[1], box.x1);
        let h = 0;
        let hi = 0;
        for (let xx = xs; xx < xe; xx++) {
          if (xx === xs || (xx & 7) === 0) {
            h = voxelHash(seed, tt, res, xx >> 3, yy >> 3, zz);
            if (size === 8) hi = voxelHash(seed ^ HIGH_SEED_XOR, tt, res, xx >> 3, yy >> 3, zz);
          }
          const v = ((h & mask) | (xx & 7) | ((yy & 7) << 3)) >>> 0;
          const i = row * nx + (xx - x[0]);
          if (size === 1) out[i] = v;
          else if (u16) u16[i] = v;
          else if (size === 4) u32![i] = v;
          else {
            u32![2 * i] = v;
            u32![2 * i + 1] = hi;
          }
        }
      }
  return out;
}

/** numpy `descr` for a BossDB datatype. */
const DESCR: Record<string, string> = { uint8: '|u1', uint16: '<u2', uint32: '<u4', uint64: '<u8' };

/**
 * `application/npygz`: `zlib.compress(np.save(arr))` — a zlib stream (78 9c),
 * not gzip, around a .npy v1.0 file whose header is padded to 64 bytes as
 * current numpy writes it.
 */
export function encodeNpygz(raw: Uint8Array, datatype: string, shape: number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${DESCR[datatype]}', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + header.length + 1;
  header += `${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const npy = new Uint8Array(10 + header.length + raw.length);
  npy.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]); // \x93NUMPY v1.0
  new DataView(npy.buffer).setUint16(8, header.length, true);
  npy.set(new TextEncoder().encode(header), 10);
  npy.set(raw, 10 + header.length);
  return zlibSync(npy, { level: 6 }); // Python's zlib.compress default
}
