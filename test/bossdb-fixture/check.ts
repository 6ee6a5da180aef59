/**
 * Test helper: compare a served chunk (C order, little-endian, full chunk
 * shape, array axes (t,)z,y,x) with the formula, voxel by voxel. Knows the
 * fixture, not the code under test.
 */
import { findChannel } from './dataset.js';
import { voxelFn } from './voxel.js';

export interface ChunkLike {
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

const SIZE: Record<string, number> = { uint8: 1, uint16: 2, uint32: 4, uint64: 8 };

/**
 * Mismatches between `chunk` at `chunkCoords` of level `res` and
 * `expectedVoxel`; voxels past the level `shape` must be 0 (padding).
 * Returns the first few mismatches as text (empty = all equal).
 */
export function chunkMismatches(
  path: string,
  res: number,
  chunkCoords: readonly number[],
  chunk: ChunkLike,
  limit = 5,
): string[] {
  const ref = findChannel(path);
  if (!ref) throw new Error(`fixture has no channel ${path}`);
  const size = SIZE[ref.channel.datatype]!;
  const voxel = voxelFn(path);
  const hasTime = chunk.shape.length === 4;
  const [ct, cz, cy, cx] = hasTime ? chunk.shape : [1, ...chunk.shape];
  const [it, iz, iy, ix] = hasTime ? chunkCoords : [0, ...chunkCoords];
  const view = new DataView(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength);
  const out: string[] = [];
  if (chunk.bytes.length !== ct! * cz! * cy! * cx! * size) return [`chunk has ${chunk.bytes.length} bytes`];
  let i = 0;
  for (let t = 0; t < ct!; t++)
    for (let z = 0; z < cz!; z++)
      for (let y = 0; y < cy!; y++)
        for (let x = 0; x < cx!; x++, i++) {
          const at = [it! * ct! + t, iz! * cz! + z, iy! * cy! + y, ix! * cx! + x] as const;
          const want = voxel(hasTime ? at[0] : ref.channel.default_time_sample, res, at[3], at[2], at[1]);
          const got =
            size === 1
              ? chunk.bytes[i]!
              : size === 2
                ? view.getUint16(i * 2, true)
                : size === 4
                  ? view.getUint32(i * 4, true)
                  : view.getBigUint64(i * 8, true);
          if (got !== want && out.length < limit) {
            out.push(`t=${at[0]} z=${at[1]} y=${at[2]} x=${at[3]}: got ${got}, want ${want}`);
          }
        }
  return out;
}
