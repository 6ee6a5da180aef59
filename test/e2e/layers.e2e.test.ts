/**
 * Several images as layers: a plate field (0.5 µm voxels) added from the catalog over image_gzip (0.25 µm)
 * is drawn in physical units (one field voxel covers 2×2 base pixels, and ends at base x = 128), adding its
 * light to the base's (layers blend additively, as channels do); hiding, restoring from the URL and removing
 * a layer change the drawn pixels exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  checkPrerequisites,
  expectPixels,
  grey,
  type Harness,
  openViewer,
  type Rgb,
  startHarness,
  waitForPixels,
} from './harness.js';

const ready = checkPrerequisites();
const TOL = 3;
const FIELD = 'local/plate.ome.zarr/B/2/0';

// Base points: three field-voxel centres (base = 2·field + 1) and one beyond the field's right edge.
const fieldVoxels: [number, number][] = [
  [5, 5],
  [30, 20],
  [60, 50],
];
const pts: [number, number][] = [
  ...fieldVoxels.map(([x, y]) => [2 * x + 1, 2 * y + 1] as [number, number]),
  [131.5, 60.5],
];

/** image_gzip, z=4, channel 0 white over [3000, 6000]: (t*20000 + c*10000 + z*1000 + y*7 + x). */
const gzip = ([x, y]: [number, number]): Rgb => {
  const g = grey(4000 + Math.floor(y) * 7 + Math.floor(x), 3000, 6000);
  return [g, g, g];
};
/** The B/2 field 0 with its omero defaults: DAPI (c0) blue, GFP (c1) yellow, both over [0, 65535]. */
const field = ([x, y]: [number, number]): Rgb => {
  const v0 = 30000 + y * 11 + x;
  const [b, yl] = [grey(v0, 0, 65535), grey(v0 + 1000, 0, 65535)];
  return [yl, yl, b];
};
/** Additive blending: the layers' colours add up, clamped at 255. */
const add = (a: Rgb, b: Rgb): Rgb => [0, 1, 2].map((k) => Math.min(255, a[k] + b[k])) as Rgb;
const withField: Rgb[] = [...fieldVoxels.map((v, i) => add(field(v), gzip(pts[i]))), gzip(pts[3])];
const withoutField: Rgb[] = pts.map(gzip);

describe.skipIf(!ready)('layers end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(['image_gzip.ome.zarr', 'plate.ome.zarr']);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('adds a layer from the catalog in physical units; hide, URL round trip, remove', async () => {
    const { page, pageErrors } = await openViewer(
      h,
      '?source=local/image_gzip.ome.zarr&sel=t:0,z:4&view=68,60,2&ch=1,ffffff,3000,6000;0,00ff00,0,65535',
    );
    expectPixels(await waitForPixels(page, pts, withoutField, TOL), withoutField, TOL);
    expect(await page.locator('[data-testid^="layer-"][data-testid$="-select"]').count()).toBe(1);

    // Browse to the field and choose "+ layer" (the name itself would replace the image).
    await page.click('[data-testid="tree-local"]');
    await page.click('.tree-row:has([data-testid="tree-local/plate.ome.zarr"]) .twisty');
    await page.click('[data-testid="tree-local/plate.ome.zarr/B"]');
    await page.click('[data-testid="tree-local/plate.ome.zarr/B/2"]');
    await page.click(`[data-testid="add-layer-${FIELD}"]`);
    await page.waitForSelector('[data-testid="layer-1"]');
    // The new layer is selected: the panel shows its name and channels.
    await expect.poll(() => page.textContent('.controls h2')).toBe('0');
    expect(await page.textContent('[data-testid="channel-0"]')).toContain('DAPI');
    expectPixels(await waitForPixels(page, pts, withField, TOL), withField, TOL);
    await page.screenshot({ path: `${ARTIFACTS}/layers-two.png` });

    // Hide the field: exactly the base image again, everywhere.
    await page.click('[data-testid="layer-1-visible"]');
    expectPixels(await waitForPixels(page, pts, withoutField, TOL), withoutField, TOL);
    await expect.poll(() => page.evaluate('location.search')).toContain('layer=source%3Dlocal/plate.ome.zarr/B/2/0');
    await expect.poll(() => page.evaluate('location.search')).toContain('vis%3D0');

    // The URL keeps both layers and the hidden state: reload it.
    const url = String(await page.evaluate('location.href'));
    await page.goto(url);
    await page.waitForSelector('[data-testid="layer-1"]');
    expect(await page.isChecked('[data-testid="layer-1-visible"]')).toBe(false);
    expect(await page.isChecked('[data-testid="layer-0-visible"]')).toBe(true);
    expectPixels(await waitForPixels(page, pts, withoutField, TOL), withoutField, TOL);
    await page.click('[data-testid="layer-1-visible"]');
    expectPixels(await waitForPixels(page, pts, withField, TOL), withField, TOL);

    // Selecting the base layer shows its panel; hiding the base leaves the field alone (black beyond it).
    await page.click('[data-testid="layer-0-select"]');
    await expect.poll(() => page.textContent('.controls h2')).toBe('image_gzip.ome.zarr');
    await page.click('[data-testid="layer-0-visible"]');
    const fieldOnly: Rgb[] = [...fieldVoxels.map(field), [0, 0, 0]];
    expectPixels(await waitForPixels(page, pts, fieldOnly, TOL), fieldOnly, TOL);
    await page.click('[data-testid="layer-0-visible"]');

    // Remove the field: one layer, base pixels, and no `layer=` in the URL.
    await page.click('[data-testid="layer-1-remove"]');
    expect(await page.locator('[data-testid="layer-1"]').count()).toBe(0);
    expectPixels(await waitForPixels(page, pts, withoutField, TOL), withoutField, TOL);
    await expect.poll(() => page.evaluate('location.search')).not.toContain('layer=');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
