/**
 * Plates and series as a user moves through them: the grid fills the view (wells resize with the window),
 * every well is painted with one plate window sampled from the wells (checked pixel by pixel against the
 * fixture's formula, and after editing the window), field and acquisition are kept in the URL, opening a
 * well adds a history entry so Back returns to the plate and Forward to the well; a bioformats2raw
 * container gets a series picker whose choice is the URL's source and draws that series' values.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  canvasPixel,
  centres,
  checkPrerequisites,
  expectPixels,
  grey,
  type Harness,
  newPage,
  type Rgb,
  startHarness,
  viewportLoads,
  waitFor,
  waitForPixels,
} from './harness.js';

const ready = checkPrerequisites();
const PLATE = 'local/plate.ome.zarr';

/** MANIFEST: level 0 value = row*20000 + col*10000 + field*5000 + c*1000 + y*11 + x; level 1 = level 0[::2, ::2]. */
const plateValue = (row: number, col: number, field: number, c: number, y: number, x: number) =>
  row * 20000 + col * 10000 + field * 5000 + c * 1000 + 2 * y * 11 + 2 * x;

async function search(page: Page): Promise<string> {
  return decodeURIComponent(String(await page.evaluate('location.search')));
}

/** The plate window the page shows, per channel. */
async function windows(page: Page): Promise<[number, number][]> {
  const read = async (id: string) => Number(await page.getByTestId(id).inputValue());
  return [
    [await read('plate-min-0'), await read('plate-max-0')],
    [await read('plate-min-1'), await read('plate-max-1')],
  ];
}

/** RGBA a thumbnail pixel must show: DAPI (c0) blue and GFP (c1) yellow, added. */
function expectedThumb(w: [number, number][], row: number, col: number, field: number, x: number, y: number) {
  const f = (c: number) => grey(plateValue(row, col, field, c, y, x), w[c][0], w[c][1]);
  return [f(1), f(1), f(0), 255];
}

async function wellsShow(page: Page, field: number, w: [number, number][]): Promise<boolean> {
  for (const [well, row, col] of [
    ['A/1', 0, 0],
    ['B/2', 1, 1],
  ] as const) {
    for (const [x, y] of [
      [0, 0],
      [13, 5],
      [31, 31],
    ]) {
      const got = await canvasPixel(page, `[data-testid="well-${PLATE}/${well}"] canvas`, x, y);
      const want = expectedThumb(w, row, col, field, x, y);
      if (!got || got.some((v, i) => Math.abs(v - want[i]) > 1)) return false;
    }
  }
  return true;
}

describe.skipIf(!ready)('plates and series end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(['plate.ome.zarr', 'bf2raw.ome.zarr']);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('fills the view, paints wells with the plate window, keeps the field in the URL, and Back returns to the plate', async () => {
    const { page, pageErrors } = await newPage(h);
    await page.goto(`${h.origin}/?source=${PLATE}&test=1`);
    await page.getByTestId('plate-contrast').waitFor({ timeout: 30_000 });

    // The grid fills the area: it fits, and one side is nearly all of it.
    const fits = async () => {
      const area = await page.locator('.plate-area').boundingBox();
      const table = await page.locator('.plate-area table').boundingBox();
      if (!area || !table) throw new Error('no plate area');
      return { area, table, well: (await page.getByTestId(`well-${PLATE}/A/1`).boundingBox())?.width ?? 0 };
    };
    // Laid out again after the contrast controls appeared above the grid (the area shrank).
    const fitted = async () => {
      const f = await fits();
      return f.table.width <= f.area.width + 1 && f.table.height <= f.area.height + 1;
    };
    await waitFor(fitted, 'the grid to fit its area');
    const big = await fits();
    expect(big.table.width).toBeLessThanOrEqual(big.area.width + 1);
    expect(big.table.height).toBeLessThanOrEqual(big.area.height + 1);
    expect(Math.max(big.table.width / big.area.width, big.table.height / big.area.height)).toBeGreaterThan(0.85);
    expect(big.well).toBeGreaterThan(150);
    await page.setViewportSize({ width: 900, height: 480 });
    await expect.poll(async () => (await fits()).well, { timeout: 10_000 }).toBeLessThan(big.well);
    await waitFor(fitted, 'the grid to fit the smaller area');
    const small = await fits();
    expect(small.table.height).toBeLessThanOrEqual(small.area.height + 1);
    await page.setViewportSize({ width: 1200, height: 700 });

    // One window for the whole plate, sampled from its wells: it spans A1 (≈0–1.7k) and B2 (≈30k–32k).
    const w = await windows(page);
    expect(w[0][0]).toBeLessThan(800);
    expect(w[0][1]).toBeGreaterThan(30_000);
    expect(w[1][0]).toBeLessThan(1800);
    expect(w[1][1]).toBeGreaterThan(31_000);
    expect(await page.getByTestId('plate-sample').textContent()).toContain('sampled from 2 of 2 wells');
    await waitFor(() => wellsShow(page, 0, w), 'wells painted with the plate window');
    await page.screenshot({ path: `${ARTIFACTS}/plate-window.png` });

    // The control changes every well; Auto brings the sampled window back.
    await page.getByTestId('plate-max-0').fill('10000');
    await waitFor(() => wellsShow(page, 0, [[w[0][0], 10000], w[1]]), 'wells repainted with the edited window');
    await page.getByTestId('plate-auto').click();
    await waitFor(() => wellsShow(page, 0, w), 'the sampled window again');

    // Field 2 is in the URL (1-based), and survives a reload.
    await page.selectOption('[data-testid="plate-field"]', { value: '1' });
    await expect.poll(() => search(page), { timeout: 10_000 }).toContain(`source=${PLATE}&field=2`);
    await page.reload();
    await page.getByTestId('plate-contrast').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('plate-field').inputValue()).toBe('1');
    await waitFor(async () => wellsShow(page, 1, await windows(page)), 'field 2 thumbnails after a reload');

    // Choosing an acquisition keeps it in the URL and starts at its first field.
    await page.selectOption('[data-testid="plate-acquisition"]', { value: '0' });
    await expect.poll(() => search(page), { timeout: 10_000 }).toContain(`source=${PLATE}&field=1&acq=0`);
    await page.selectOption('[data-testid="plate-field"]', { value: '1' });
    await expect.poll(() => search(page), { timeout: 10_000 }).toContain(`source=${PLATE}&field=2&acq=0`);

    // A well opens as a new history entry; Back returns to the plate at field 2, Forward to the well.
    const before = (await page.evaluate('history.length')) as number;
    await page.getByRole('button', { name: 'Open Well B2, field 2' }).click();
    await waitFor(async () => (await viewportLoads(page)) > 0, 'the well image to render');
    await expect.poll(() => search(page), { timeout: 10_000 }).toContain(`source=${PLATE}/B/2/1`);
    expect(await page.evaluate('history.length')).toBe(before + 1);
    await page.goBack();
    await page.getByTestId('plate-contrast').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('plate-field').inputValue()).toBe('1');
    await expect
      .poll(() => search(page), { timeout: 10_000 })
      .toMatch(new RegExp(`source=${PLATE}&field=2&acq=0(&|$)`));
    await page.goForward();
    await expect.poll(() => search(page), { timeout: 10_000 }).toContain(`source=${PLATE}/B/2/1`);
    await page.locator('.viewer canvas').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('plate').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 180_000);

  it('bioformats2raw: a series picker; the chosen series is the URL source and draws its values', async () => {
    const { page, pageErrors } = await newPage(h);
    await page.goto(`${h.origin}/?source=local/bf2raw.ome.zarr&test=1`);
    const picker = page.getByTestId('series-picker');
    await picker.waitFor({ timeout: 30_000 });
    expect(await picker.inputValue()).toBe('local/bf2raw.ome.zarr/0');
    expect(await picker.locator('option').allTextContents()).toEqual(['1 of 2 · 1×1×1×32×48', '2 of 2 · 1×1×1×32×48']);
    await expect.poll(() => search(page), { timeout: 10_000 }).toContain('source=local/bf2raw.ome.zarr/0');

    await picker.selectOption('local/bf2raw.ome.zarr/1');
    await expect.poll(() => search(page), { timeout: 10_000 }).toContain('source=local/bf2raw.ome.zarr/1');

    // Reload with a fixed window: series 2 (value = y*48 + x + 5000) is drawn and still chosen.
    const url = `${h.origin}/?source=local/bf2raw.ome.zarr/1&ch=1,ffffff,5000,6535&view=24,16,2&test=1`;
    await page.goto(url);
    await page.getByTestId('series-picker').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('series-picker').inputValue()).toBe('local/bf2raw.ome.zarr/1');
    const points: [number, number][] = [
      [0, 0],
      [47, 0],
      [10, 20],
      [47, 31],
    ];
    const expected = points.map(([x, y]): Rgb => {
      const g = grey(y * 48 + x + 5000, 5000, 6535);
      return [g, g, g];
    });
    expectPixels(await waitForPixels(page, centres(points), expected, 2), expected, 2);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);
});
