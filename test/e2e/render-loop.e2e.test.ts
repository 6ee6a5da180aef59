/**
 * deck.gl's render loop parks while nothing on screen changes (src/renderer/src/viewer/idleLoop.ts), and a parked
 * viewer still shows every change: a plane chosen with the keyboard, chunks that arrive only after the loop has
 * parked again, and a zoom with the wheel. Chunk answers are held back by the page's own request routing until
 * the loop is seen parked, so the late arrival happens on every machine, fast or slow.
 */
import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  centres,
  checkPrerequisites,
  expectPixels,
  grey,
  type Harness,
  openViewer,
  type Rgb,
  samplePixels,
  startHarness,
  waitFor,
  waitForPixels,
} from './harness.js';

const ready = checkPrerequisites();
/** image_gzip.ome.zarr (t, c, z, y, x = 1, 2, 8, 120, 136): value c·10000 + z·1000 + 7y + x. */
const value = (c: number, z: number, x: number, y: number) => c * 10000 + z * 1000 + 7 * Math.floor(y) + Math.floor(x);
/** Channel 1 drawn white over [LO, HI]; channel 0 off (the first field of each `ch` entry). */
const LO = 14_000;
const HI = 16_000;
const POINTS = centres([
  [60, 50],
  [75, 70],
  [40, 80],
  [100, 30],
]);
const want = (z: number): Rgb[] =>
  POINTS.map(([x, y]) => {
    const g = grey(value(1, z, x, y), LO, HI);
    return [g, g, g];
  });

describe.skipIf(!ready)('the render loop parks when idle', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(['image_gzip.ome.zarr']);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('parks, then draws a new plane whose chunks arrive while parked, and a wheel zoom', async () => {
    const { page, pageErrors } = await openViewer(
      h,
      `?source=local/image_gzip.ome.zarr&sel=t:0,z:4&view=68,60,2&ch=0,00ff00,0,1;1,ffffff,${LO},${HI}`,
    );
    const parked = async () => (await page.evaluate('window.__zarrBridge.renderLoopParked()')) as boolean;
    expectPixels(await waitForPixels(page, POINTS, want(4), 1), want(4), 1);
    await waitFor(parked, 'the render loop to park on an unchanging view');
    // Parked, the canvas keeps its last frame.
    expectPixels(await samplePixels(page, POINTS), want(4), 1);

    // Hold every chunk answer from here on: z = 5 is asked for, and its chunks come only once the loop has parked.
    const held: Route[] = [];
    let holding = true;
    await page.route(
      (url) =>
        url.pathname.includes('/image_gzip.ome.zarr/') && !/\.z(array|attrs|group)$|zarr\.json$/.test(url.pathname),
      (route) => {
        if (holding) held.push(route);
        else void route.continue();
      },
    );
    await page.focus('[data-testid="axis-z"]');
    await page.keyboard.press('ArrowRight');
    await waitFor(async () => held.length > 0, 'the viewer to ask for the chunks of z = 5');
    await waitFor(parked, 'the render loop to park while the chunks are held');
    holding = false;
    for (const route of held.splice(0)) await route.continue();
    expectPixels(await waitForPixels(page, POINTS, want(5), 1), want(5), 1);
    await waitFor(parked, 'the render loop to park again once z = 5 is drawn');

    // A wheel zoom on the parked canvas: deck.gl's controller moves the view, and the new view is drawn.
    const box = await page.locator('.viewer').boundingBox();
    if (!box) throw new Error('no viewer');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 200);
    await waitFor(
      async () => Number(/view=[\d.]+,[\d.]+,([-\d.]+)/.exec(await page.evaluate('location.search'))?.[1]) < 2,
      'the wheel to zoom out',
    );
    expectPixels(await waitForPixels(page, POINTS, want(5), 1), want(5), 1);
    await waitFor(parked, 'the render loop to park after the zoom');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
