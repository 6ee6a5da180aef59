/**
 * The bodies of the fixture's cutout responses: the raw C-order little-endian
 * voxels computed from the formula, then the two encodings BossDB offers,
 * `application/blosc` (see blosc-bossdb.ts) and `application/npygz`.
 */
import { zlibSync } from 'fflate';
import { findChannel } from './dataset.js';
import { voxelFn } from './voxel.js';

export const BYTES: Record<string, number> = { uint8: 1, uint16: 2, uint32: 4, uint64: 8 };

export type Range = [number, number];

/** Voxels of a cutout as BossDB lays them out: C order (t,)z,y,x, little-endian. */
export function cutoutBytes(path: string, res: number, t: Range, x: Range, y: Range, z: Range): Uint8Array {
  const ref = findChannel(path);
  if (!ref) throw new Error(`fixture has no channel ${path}`);
  const size = BYTES[ref.channel.datatype]!;
  const voxel = voxelFn(path);
  const n = (t[1] - t[0]) * (z[1] - z[0]) * (y[1] - y[0]) * (x[1] - x[0]);
  const out = new Uint8Array(n * size);
  const view = new DataView(out.buffer);
  let i = 0;
  for (let tt = t[0]; tt < t[1]; tt++)
    for (let zz = z[0]; zz < z[1]; zz++)
      for (let yy = y[0]; yy < y[1]; yy++)
        for (let xx = x[0]; xx < x[1]; xx++, i++) {
          const v = voxel(tt, res, xx, yy, zz);
          if (typeof v === 'bigint') view.setBigUint64(i * 8, v, true);
          else if (size === 1) out[i] = v;
          else if (size === 2) view.setUint16(i * 2, v, true);
          else view.setUint32(i * 4, v, true);
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
