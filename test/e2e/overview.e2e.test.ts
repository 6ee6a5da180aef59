/**
 * The overview (minimap) of the base layer with the main view's rectangle, the voxel size in the info panel,
 * and a plate's field / acquisition choice changing the well thumbnails to the chosen field's values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  canvasPixel,
  checkPrerequisites,
  type Harness,
  newPage,
  openViewer,
  startHarness,
  waitFor,
} from './harness.js';

const ready = checkPrerequisites();
const OVERVIEW = '[data-testid="overview"] canvas';

describe.skipIf(!ready)('overview, voxel size and plate fields end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(['image_gzip.ome.zarr', 'plate.ome.zarr']);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('overview: lowest level with the current window and plane, the view rectangle, click to centre', async () => {
    const { page, pageErrors } = await openViewer(
      h,
      '?source=local/image_gzip.ome.zarr&sel=t:0,z:4&view=68,60,2&ch=1,ffffff,3000,6000;0,00ff00,0,65535',
    );
    expect(await page.textContent('[data-testid="voxel-size"]')).toMatch(
      /^Voxel: 0\.25 × 0\.25 × [\d.]+ micrometer \(x × y × z\)$/,
    );
    // Level 2 (34×30) is level 0 at (4x, 4y): value 4000 + 28y + 4x at z=4, grey over [3000, 6000].
    const g = (v: number) => Math.round(((v - 3000) / 3000) * 255);
    const at = async (x: number, y: number) => (await canvasPixel(page, OVERVIEW, x, y))?.slice(0, 3);
    await waitFor(async () => (await at(0, 0))?.[0] === g(4000), 'the overview to be drawn');
    expect(await at(10, 5)).toEqual([g(4180), g(4180), g(4180)]);
    await page.focus('[data-testid="axis-z"]');
    await page.keyboard.press('ArrowRight');
    await waitFor(async () => (await at(0, 0))?.[0] === g(5000), 'the overview to follow z');
    expect(await at(10, 5)).toEqual([g(5180), g(5180), g(5180)]);

    // The rectangle is the part of the image the main view shows (in level-0 pixels).
    const box = await page.locator('[data-testid="viewer"]').boundingBox();
    if (!box) throw new Error('no viewer box');
    const half = [box.width / 2 / 4, box.height / 2 / 4];
    const rect = String(await page.getAttribute('[data-testid="overview-viewport"]', 'data-rect'))
      .split(',')
      .map(Number);
    const want = [68 - half[0], 60 - half[1], 68 + half[0], 60 + half[1]];
    for (const [i, v] of rect.entries()) expect(Math.abs(v - want[i])).toBeLessThanOrEqual(0.1);

    // A click on the overview centres the main view there (overview scale: 140 px for 120 rows).
    const k = 140 / 120;
    await page.click('[data-testid="overview"] .overview-map', { position: { x: 100 * k, y: 30 * k } });
    await waitFor(
      async () => /view=(99|100)(\.\d+)?,(29|30)(\.\d+)?,2/.test(String(await page.evaluate('location.search'))),
      'the view to move',
    );
    await page.screenshot({ path: `${ARTIFACTS}/overview.png` });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('plate: choosing field 2 shows each well’s second field; a well then opens that field', async () => {
    const { page, pageErrors } = await newPage(h);
    await page.goto(`${h.origin}/?source=local/plate.ome.zarr&test=1`);
    await page.waitForSelector('[data-testid="plate"]');
    expect(await page.textContent('[data-testid="plate-acquisition"]')).toContain('acq0');
    // value = row*20000 + col*10000 + field*5000 + c*1000 + y*11 + x; DAPI (c0) blue, GFP (c1) yellow, drawn
    // with the plate's window (sampled from its wells; shown in the plate contrast controls).
    await page.getByTestId('plate-contrast').waitFor({ timeout: 30_000 });
    const win = async () =>
      Promise.all(
        [0, 1].map(async (c) => [
          Number(await page.getByTestId(`plate-min-${c}`).inputValue()),
          Number(await page.getByTestId(`plate-max-${c}`).inputValue()),
        ]),
      );
    let w = await win();
    const thumb = (row: number, col: number, field: number) => {
      const v0 = row * 20000 + col * 10000 + field * 5000;
      const [b, y] = [v0, v0 + 1000].map((v, c) =>
        Math.round(Math.max(0, Math.min(1, (v - w[c][0]) / (w[c][1] - w[c][0]))) * 255),
      );
      return [y, y, b, 255];
    };
    const well = (p: string) => `[data-testid="well-local/plate.ome.zarr/${p}"] canvas`;
    const shows = async (p: string, want: number[]) =>
      JSON.stringify(await canvasPixel(page, well(p), 0, 0)) === JSON.stringify(want);
    await waitFor(
      async () => (await shows('B/2', thumb(1, 1, 0))) && shows('A/1', thumb(0, 0, 0)),
      'field 1 thumbnails',
    );

    // By value (0-based); the labels are 1-based.
    await page.selectOption('[data-testid="plate-field"]', { value: '1' });
    // A new field is a new sample, so a new window: read it again on every try.
    await waitFor(async () => {
      w = await win().catch(() => w);
      return (await shows('B/2', thumb(1, 1, 1))) && shows('A/1', thumb(0, 0, 1));
    }, 'field 2 thumbnails');
    expect(await canvasPixel(page, well('B/2'), 0, 0)).toEqual(thumb(1, 1, 1));
    expect(await canvasPixel(page, well('A/1'), 0, 0)).toEqual(thumb(0, 0, 1));
    await page.screenshot({ path: `${ARTIFACTS}/plate-field2.png` });

    await page.click('[data-testid="well-local/plate.ome.zarr/B/2"]');
    await waitFor(
      async () => String(await page.evaluate('location.search')).includes('source=local/plate.ome.zarr/B/2/1'),
      'field 2 of B/2 to open',
    );
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
