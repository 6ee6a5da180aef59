/**
 * An OME-TIFF (written by tifffile: 10 × 300 × 400 uint16, zlib tiles, 0.25 × 0.25 × 1.5 µm) and a folder of PNG
 * slices, opened in the built-in Neuroglancer through each face a user would paste — `zarr3://` (/zarr/v3),
 * `zarr2://` (/zarr/v2) and `n5://` (/n5) — with no dimensions given: Neuroglancer takes the voxel size and unit
 * from what the bridge serves, and the values it reports under the mouse are tifffile's. The viewer shows the
 * same TIFF with its voxel size.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPython } from '../support/python.js';
import {
  expectPixels,
  grey,
  HANG_MS,
  type Harness,
  LAPTOP,
  openViewer,
  startHarness,
  waitForPixels,
} from './harness.js';
import { layerErrors, NEUROGLANCER_DIR, neuroglancerReady, openNeuroglancer } from './neuroglancer-page.js';

const ready = neuroglancerReady();

const scanValue = (z: number, y: number, x: number) => (z * 1000 + y * 7 + x) % 65536;
const sliceValue = (z: number, y: number, x: number) => (z * 17 + y + 2 * x) % 256;

/**
 * Neuroglancer's value for its layer with the mouse over voxel (x, y) of the current z (global dims by name).
 * `centred`: OME-Zarr puts voxel centres on whole coordinates (voxel i spans i ± 0.5); N5 puts its corners there.
 */
async function valueAt(page: Page, x: number, y: number, centred: boolean): Promise<string> {
  const c = centred ? 0 : 0.5;
  // Where voxel (x, y) is on screen now; the mouse goes there again on every try, as a user's hand would, since
  // Neuroglancer works out what is under the mouse when it moves (a move made before the new position was drawn
  // would otherwise stay on the old one).
  const moveThere = async (nudge: number) => {
    const at = (await page.evaluate(`(() => {
    const v = window.viewer;
    const names = v.coordinateSpace.value.names;
    const r = document.querySelector('.neuroglancer-rendered-data-panel').getBoundingClientRect();
    const p = v.position.value;
    const s = v.crossSectionScale.value;
    return [r.left + r.width / 2 + (${x + c} - p[names.indexOf('x')]) / s, r.top + r.height / 2 + (${y + c} - p[names.indexOf('y')]) / s];
  })()`)) as [number, number];
    await page.mouse.move(at[0] + nudge, at[1]);
  };
  await moveThere(0);
  // A hang detector, not a verdict: a busy CI machine may take long to load the plane's chunks.
  const deadline = Date.now() + HANG_MS;
  let tries = 0;
  for (;;) {
    const got = (await page.evaluate(`(() => {
      const v = window.viewer;
      if (!v.mouseState.active) return undefined;
      const names = v.coordinateSpace.value.names;
      const m = v.mouseState.position;
      const voxel = (q) => Math.floor(q + ${0.5 - c});
      if (voxel(m[names.indexOf('x')]) !== ${x} || voxel(m[names.indexOf('y')]) !== ${y}) return undefined;
      const s = Object.values(v.layerSelectedValues.toJSON())[0];
      return s && s.value !== undefined ? String(s.value) : undefined;
    })()`)) as string | undefined;
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`no value under the mouse at (${x}, ${y})`);
    await page.waitForTimeout(100);
    // A quarter of a screen pixel (a voxel is one here): the same voxel, but a move Neuroglancer sees.
    tries += 1;
    await moveThere(tries % 2 === 0 ? 0 : 0.25);
  }
}

describe.skipIf(!ready)('TIFF sources in Neuroglancer and the viewer', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zb-tiff-ng-'));
    mkdirSync(join(dir, 'slices'));
    const script = `
import numpy as np, tifffile, sys
from PIL import Image
d = sys.argv[1]
z, y, x = np.mgrid[0:10, 0:300, 0:400]
scan = ((z * 1000 + y * 7 + x) % 65536).astype('uint16')
tifffile.imwrite(f'{d}/scan.ome.tif', scan, tile=(128, 128), compression='zlib',
                 metadata={'axes': 'ZYX', 'PhysicalSizeX': 0.25, 'PhysicalSizeY': 0.25, 'PhysicalSizeZ': 1.5,
                           'PhysicalSizeXUnit': 'µm', 'PhysicalSizeYUnit': 'µm', 'PhysicalSizeZUnit': 'µm'})
yy, xx = np.mgrid[0:200, 0:250]
for k in range(6):
    Image.fromarray(((k * 17 + yy + 2 * xx) % 256).astype('uint8')).save(f'{d}/slices/section_{k}.png')
`;
    const run = await runPython(['-c', script, dir]);
    if (run.status !== 0) throw new Error(run.stderr);
    h = await startHarness([join(dir, 'scan.ome.tif'), join(dir, 'slices')], { neuroglancerDir: NEUROGLANCER_DIR });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [face, prefix] of [
    ['zarr3', '/zarr/v3'],
    ['zarr2', '/zarr/v2'],
    ['n5', '/n5'],
  ] as const) {
    it(`${face}://: Neuroglancer takes the voxel size from the bridge and shows tifffile's values`, async () => {
      const state = {
        layers: [{ type: 'image', name: 'scan', source: `${face}://${h.origin}${prefix}/local/scan.ome.tif` }],
        layout: 'xy',
      };
      const { page, problems } = await openNeuroglancer(
        h,
        `${h.origin}/neuroglancer/#!${encodeURIComponent(JSON.stringify(state))}`,
      );
      expect(await layerErrors(page)).toBe('{}');
      const space = JSON.parse(
        (await page.evaluate(
          'JSON.stringify({ names: window.viewer.coordinateSpace.value.names, scales: Array.from(window.viewer.coordinateSpace.value.scales), units: window.viewer.coordinateSpace.value.units })',
        )) as string,
      ) as { names: string[]; scales: number[]; units: string[] };
      const scale = (name: string) => space.scales[space.names.indexOf(name)];
      expect([...space.names].sort()).toEqual(['x', 'y', 'z']);
      expect(space.units).toEqual(['m', 'm', 'm']);
      expect(scale('x')).toBeCloseTo(0.25e-6, 12);
      expect(scale('y')).toBeCloseTo(0.25e-6, 12);
      expect(scale('z')).toBeCloseTo(1.5e-6, 12);
      // z = 7, around (200, 150), a screen pixel per voxel (the centre of voxel z = 7 in each convention).
      const centred = face !== 'n5';
      const mid = centred ? 0 : 0.5;
      // OME sources list z, y, x: show x across and y down, as a user would set it.
      await page.evaluate(`window.viewer.displayDimensions.restoreState(['x', 'y', 'z'])`);
      await page.evaluate(`(() => {
        const v = window.viewer; const names = v.coordinateSpace.value.names; const p = Float32Array.from(v.position.value);
        p[names.indexOf('x')] = ${200 + mid}; p[names.indexOf('y')] = ${150 + mid}; p[names.indexOf('z')] = ${7 + mid};
        v.position.value = p; v.crossSectionScale.value = 1;
      })()`);
      for (const [x, y] of [
        [200, 150],
        [127, 127],
        [128, 128],
        [250, 100],
      ])
        expect(await valueAt(page, x, y, centred), `voxel ${x}, ${y}`).toBe(String(scanValue(7, y, x)));
      expect(problems).toEqual([]);
      await page.close();
    }, 180_000);
  }

  it('the viewer shows the OME-TIFF and the PNG slices, with the voxel size', async () => {
    const scan = await openViewer(h, '?source=local/scan.ome.tif&sel=z:7&view=200,150,2&ch=1,ffffff,0,10000', LAPTOP);
    expect(await scan.page.textContent('[data-testid="voxel-size"]')).toBe(
      'Voxel: 0.25 × 0.25 × 1.5 micrometer (x × y × z)',
    );
    const pts: [number, number][] = [
      [200.5, 150.5],
      [190.5, 140.5],
    ];
    let want = pts.map(([x, y]) => {
      const g = grey(scanValue(7, Math.floor(y), Math.floor(x)), 0, 10000);
      return [g, g, g] as [number, number, number];
    });
    expectPixels(await waitForPixels(scan.page, pts, want, 2), want, 2);
    expect(scan.pageErrors).toEqual([]);
    await scan.page.close();

    const slices = await openViewer(h, '?source=local/slices&sel=z:3&view=125,100,2&ch=1,ffffff,0,255', LAPTOP);
    const slicePts: [number, number][] = pts.map(([x, y]) => [x - 75, y - 50]);
    want = slicePts.map(([x, y]) => {
      const g = grey(sliceValue(3, Math.floor(y), Math.floor(x)), 0, 255);
      return [g, g, g] as [number, number, number];
    });
    expectPixels(await waitForPixels(slices.page, slicePts, want, 2), want, 2);
    expect(slices.pageErrors).toEqual([]);
    await slices.page.close();
  }, 120_000);
});
