/**
 * BossDB's resolution hierarchy as its /v1/downsample endpoint reports it
 * (spdb math, research §2.9): level 0 extent is the frame's *stop* (not
 * stop−start); each level halves x,y (and z when isotropic) rounding up, and
 * doubles the voxel size the same way.
 */
import type { FixtureExperiment, FixtureFrame } from './dataset.js';

export const CUBOID_SIZE: [number, number, number] = [512, 512, 16];

export interface LevelInfo {
  /** [x, y, z] voxels, counted from 0. */
  extent: [number, number, number];
  /** [x, y, z] in the frame's voxel_unit. */
  voxelSize: [number, number, number];
}

export function levels(exp: FixtureExperiment, frame: FixtureFrame): LevelInfo[] {
  const iso = exp.hierarchy_method === 'isotropic';
  const out: LevelInfo[] = [];
  let extent: [number, number, number] = [frame.x_stop, frame.y_stop, frame.z_stop];
  let voxelSize: [number, number, number] = [frame.x_voxel_size, frame.y_voxel_size, frame.z_voxel_size];
  for (let r = 0; r < exp.num_hierarchy_levels; r++) {
    out.push({ extent, voxelSize });
    extent = [Math.ceil(extent[0] / 2), Math.ceil(extent[1] / 2), iso ? Math.ceil(extent[2] / 2) : extent[2]];
    voxelSize = [voxelSize[0] * 2, voxelSize[1] * 2, iso ? voxelSize[2] * 2 : voxelSize[2]];
  }
  return out;
}

/** The /v1/downsample/<c>/<e>/<ch>/ payload. */
export function downsamplePayload(
  exp: FixtureExperiment,
  frame: FixtureFrame,
  status: string,
): Record<string, unknown> {
  const ls = levels(exp, frame);
  const byLevel = <T>(f: (l: LevelInfo) => T): Record<string, T> =>
    Object.fromEntries(ls.map((l, r) => [String(r), f(l)]));
  return {
    status,
    num_hierarchy_levels: exp.num_hierarchy_levels,
    cuboid_size: byLevel(() => CUBOID_SIZE),
    extent: byLevel((l) => l.extent),
    voxel_size: byLevel((l) => l.voxelSize),
  };
}
