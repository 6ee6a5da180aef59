/** A BossDB fixture channel's level as the fixture's formula gives it, in a raw file readers compare with. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findChannel, levels, voxelFn } from '../bossdb-fixture/index.js';

export interface Level {
  channel: string;
  level: number;
  /** Zarr order: [z, y, x] or [t, z, y, x]. */
  shape: number[];
  dtype: 'uint8' | 'uint16' | 'uint64';
  file: string;
}

export const NUMPY = { uint8: '|u1', uint16: '<u2', uint64: '<u8' } as const;

/** The expected level, computed from the fixture's formula and its /downsample extents. */
export function expectedLevel(channel: string, level: number, dir: string): Level {
  const ref = findChannel(channel)!;
  const [X, Y, Z] = levels(ref.experiment, ref.frame)[level].extent;
  const T = ref.experiment.num_time_samples;
  const shape = T > 1 ? [T, Z, Y, X] : [Z, Y, X];
  const dtype = ref.channel.datatype as Level['dtype'];
  const n = shape.reduce((a, b) => a * b, 1);
  const out = dtype === 'uint64' ? new BigUint64Array(n) : dtype === 'uint16' ? new Uint16Array(n) : new Uint8Array(n);
  const voxel = voxelFn(channel);
  let i = 0;
  for (let t = 0; t < (T > 1 ? T : 1); t++) {
    const tt = T > 1 ? t : ref.channel.default_time_sample;
    for (let z = 0; z < Z; z++)
      for (let y = 0; y < Y; y++)
        for (let x = 0; x < X; x++) {
          const v = voxel(tt, level, x, y, z);
          if (out instanceof BigUint64Array) out[i++] = BigInt(v);
          else out[i++] = Number(v);
        }
  }
  const file = join(dir, `${channel.replaceAll('/', '_')}-${level}.bin`);
  writeFileSync(file, new Uint8Array(out.buffer));
  return { channel, level, shape, dtype, file };
}
