/**
 * `zarr-bridge convert` from TIFF: a folder of 2D slices written by tifffile (as `webknossos convert` takes them)
 * and an OME-TIFF file become OME-Zarr 0.5 whose level 0 equals the slices value for value (read back with
 * zarrita from disk), with the voxel size and unit given on the command line.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertHere, readJson, readWritten } from './support/convert.js';
import { missing, PYTHON } from './support/env.js';
import { runPython } from './support/python.js';

const tifffile = spawnSync(PYTHON, ['-c', 'import tifffile, numpy'], { stdio: 'ignore' }).status === 0;
const skip = missing('Debian python3-tifffile (/usr/bin/python3)', tifffile);

const [Z, Y, X] = [12, 300, 410];
const value = (z: number, y: number, x: number) => (x * 3 + y * 5 + z * 1000) % 65536;

describe.skipIf(skip)('convert: TIFF slices and OME-TIFF in, OME-Zarr 0.5 out', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zb-convert-tiff-'));
    mkdirSync(join(dir, 'slices'));
    const script = `
import numpy as np, tifffile, sys
d = sys.argv[1]
y, x = np.mgrid[0:${Y}, 0:${X}]
planes = [((x * 3 + y * 5 + z * 1000) % 65536).astype('uint16') for z in range(${Z})]
for z, p in enumerate(planes):
    tifffile.imwrite(f'{d}/slices/s_{z}.tif', p)   # unpadded names: natural order must put 10 after 9
tifffile.imwrite(f'{d}/stack.ome.tif', np.stack(planes), tile=(128, 128), compression='zlib',
                 metadata={'axes': 'ZYX', 'PhysicalSizeX': 0.5, 'PhysicalSizeY': 0.5, 'PhysicalSizeZ': 2.0})
`;
    const run = await runPython(['-c', script, dir]);
    if (run.status !== 0) throw new Error(run.stderr);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const input of ['slices', 'stack.ome.tif']) {
    it(`${input} → OME-Zarr 0.5, level 0 equal to the planes`, async () => {
      const out = join(dir, `${input}.out.ome.zarr`);
      const args = [join(dir, input), '-o', out, '--chunk', '64', '--shard', '2'];
      if (input === 'slices') args.push('--voxel-size', '40,4,4', '--unit', 'nanometer');
      const r = await convertHere(args);
      expect(r.code, r.stderr).toBe(0);
      const group = readJson(join(out, 'zarr.json')) as {
        attributes: {
          ome: {
            multiscales: {
              axes: { name: string; unit?: string }[];
              datasets: { coordinateTransformations: { scale: number[] }[] }[];
            }[];
          };
        };
      };
      const ms = group.attributes.ome.multiscales[0];
      expect(ms.axes.map((a) => a.name)).toEqual(['z', 'y', 'x']);
      const scale0 = ms.datasets[0].coordinateTransformations[0].scale;
      if (input === 'slices') {
        expect(scale0).toEqual([40, 4, 4]);
        expect(ms.axes[2].unit).toBe('nanometer');
      } else {
        expect(scale0).toEqual([2, 0.5, 0.5]);
        expect(ms.axes[2].unit).toBe('micrometer');
      }
      const level0 = await readWritten(out, '0');
      expect(level0.shape).toEqual([Z, Y, X]);
      let bad = 0;
      for (let z = 0; z < Z; z++)
        for (let y = 0; y < Y; y++)
          for (let x = 0; x < X; x++) if (Number(level0.data[(z * Y + y) * X + x]) !== value(z, y, x)) bad++;
      expect(bad).toBe(0);
    }, 120_000);
  }
});
