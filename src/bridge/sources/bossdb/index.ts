/** BossDB source: the REST client, and the catalog source built on it. */

export type { BossdbClientOptions, Cutout, CutoutEncoding, CutoutOptions, CutoutRequest } from './client.js';
export { BossdbClient } from './client.js';
export { BossdbError, type BossdbFailure, isBossdbError } from './errors.js';
export type {
  BossChannel,
  BossCollection,
  BossCoordFrame,
  BossDatatype,
  BossDownsample,
  BossExperiment,
} from './payloads.js';
export type { BossdbSource, BossdbSourceOptions, BossdbSourceStats } from './source.js';
export { CUBOID, createBossdbSource, DEFAULT_CHUNK } from './source.js';
