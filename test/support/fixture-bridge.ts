/** A bridge with every shared fixture folder opened, as a user would with `--open`. */
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { type Bridge, type BridgeOptions, startBridge } from '../../src/bridge/bridge.js';
import { FIXTURES } from './env.js';

/** Fixture folders, relative to ../shared/fixtures, each opened as one local mount. */
export const FIXTURE_FOLDERS = [
  'generated/image_blosc.ome.zarr',
  'generated/image_gzip.ome.zarr',
  'generated/image_sharded.ome.zarr',
  'generated/plate.ome.zarr',
  'generated/bf2raw.ome.zarr',
  'generated/data.n5',
  'zarrita/v2/data.zarr',
  'zarrita/v3/data.zarr',
  'neuroglancer/zarr/zarr_v2/from_zarr-python/data.zarr',
  'neuroglancer/zarr/zarr_v3/from_zarrita/data.zarr',
  'neuroglancer/zarr/zarr_v3/examples/single_res',
  'neuroglancer/zarr/ome_zarr/simple_0.4',
  'neuroglancer/zarr/ome_zarr/simple_0.5',
  'zarr_implementations/examples/zarr.zr',
  'zarr_implementations/examples/z5py.n5',
];

export interface FixtureBridge {
  bridge: Bridge;
  /** Catalog mount path (`local/data.zarr-2`) of a fixture folder. */
  mountOf(folder: string): string;
  dirOf(folder: string): string;
}

export async function startFixtureBridge(
  folders = FIXTURE_FOLDERS,
  extra: Partial<BridgeOptions> = {},
): Promise<FixtureBridge> {
  const dirs = folders.map((f) => join(FIXTURES, f));
  const bridge = await startBridge({ port: 0, open: dirs, ...extra });
  const byOrigin = new Map(bridge.catalog.mounts().map((m) => [m.origin, m.path]));
  return {
    bridge,
    dirOf: (folder) => join(FIXTURES, folder),
    mountOf(folder) {
      const path = byOrigin.get(realpathSync(join(FIXTURES, folder)));
      if (!path) throw new Error(`not mounted: ${folder}`);
      return path;
    },
  };
}

/** URL-encode each segment of a catalog path. */
export const urlPath = (path: string): string =>
  path
    .split('/')
    .filter((s) => s !== '')
    .map(encodeURIComponent)
    .join('/');
