/** The BossDB fixture: server, synthetic catalog, and the voxel formula tests check against. */

export { pythonBossdbBlosc } from './blosc-python.js';
export { CUTOUT_MAX_BYTES } from './cutout.js';
export { type ChannelRef, COLLECTIONS, FIXTURE_TOKEN, FRAMES, findChannel, PUBLIC_TOKEN } from './dataset.js';
export { CUBOID_SIZE, levels } from './downsample.js';
export type { FixtureCounters, FixtureSettings } from './faults.js';
export { type BossdbFixture, type FixtureOptions, type FixtureRequestLog, startBossdbFixture } from './server.js';
export { dataBox, expectedVoxel, type VoxelFn, voxelFn } from './voxel.js';
