/**
 * The viewer in a real Chromium, reading through the bridge: rendered pixel values are checked against
 * the fixtures' closed-form voxel formulas (MANIFEST.json), for OME 0.4 (Zarr v2 gzip),
 * OME 0.5 sharded, and N5 (a pyramid downsampled along z), and a folder with a Unicode name.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  centres,
  checkPrerequisites,
  expectPixels,
  FIXTURES,
  grey,
  HANG_MS,
  type Harness,
  openViewer,
  type Rgb,
  startHarness,
  waitForPixels,
} from './harness.js';

const ready = checkPrerequisites();
const TOL = 3;
const white = (g: number): Rgb => [g, g, g];

/** A folder name with a space, an umlaut, CJK and `#`: kept as it is, percent-encoded in every URL. */
const NAME = 'Zellkern ü 細胞 #1.ome.zarr';

describe.skipIf(!ready)('viewer end to end', () => {
  let h: Harness;
  let work: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zb-e2e-names-'));
    cpSync(join(FIXTURES, 'image_gzip.ome.zarr'), join(work, NAME), { recursive: true });
    h = await startHarness([
      'image_gzip.ome.zarr',
      'image_sharded.ome.zarr',
      'data.n5',
      'plate.ome.zarr',
      join(work, NAME),
    ]);
  });
  afterAll(async () => {
    await h?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('OME 0.4 t,c,z,y,x: pixel values, z slider, channel toggle, URL state, copy URLs', async () => {
    // value = t*20000 + c*10000 + z*1000 + y*7 + x; channel 0 white with window [3000, 6000], channel 1 off.
    const { page, pageErrors } = await openViewer(
      h,
      '?source=local/image_gzip.ome.zarr&sel=t:0,z:4&view=68,60,2&ch=1,ffffff,3000,6000;0,00ff00,0,65535',
    );
    const pts = centres([
      [10, 10],
      [100, 50],
      [130, 110],
    ]);
    const at = (z: number, c: number) => pts.map(([x, y]) => c * 10000 + z * 1000 + Math.floor(y) * 7 + Math.floor(x));

    let expected = at(4, 0).map((v) => white(grey(v, 3000, 6000)));
    expectPixels(await waitForPixels(page, pts, expected, TOL), expected, TOL);
    await page.screenshot({ path: `${ARTIFACTS}/gzip-z4.png` });
    // Loaded: no loading indicator; scale bar in physical units (0.25 µm/px at zoom 2 → a 5 µm bar of 80 px).
    await expect.poll(() => page.locator('[data-testid="loading"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="scale-bar"]')).toBe('5 µm');
    expect(await page.evaluate(`document.querySelector('.scale-bar-line').getBoundingClientRect().width`)).toBe(80);

    // One keyboard step on the z slider: +1000 in every voxel, nothing else.
    await page.focus('[data-testid="axis-z"]');
    await page.keyboard.press('ArrowRight');
    expected = at(5, 0).map((v) => white(grey(v, 3000, 6000)));
    expectPixels(await waitForPixels(page, pts, expected, TOL), expected, TOL);
    await page.screenshot({ path: `${ARTIFACTS}/gzip-z5.png` });
    await expect.poll(() => page.evaluate('location.search')).toContain('sel=t:0,z:5');

    // Channel 0 off → black; channel 1 on (green, [0, 65535]) → only the green component, from c=1's values.
    await page.click('[data-testid="channel-0-visible"]');
    expected = pts.map(() => white(0));
    expectPixels(await waitForPixels(page, pts, expected, 0), expected, 0);
    await page.click('[data-testid="channel-1-visible"]');
    expected = at(5, 1).map((v) => [0, grey(v, 0, 65535), 0]);
    expectPixels(await waitForPixels(page, pts, expected, TOL), expected, TOL);
    await page.screenshot({ path: `${ARTIFACTS}/gzip-c1.png` });
    await expect.poll(() => page.evaluate('location.search')).toContain('ch=0,ffffff,3000,6000;1,00ff00,0,65535');

    // Zooming with the wheel is kept in the URL.
    const box = await page.locator('[data-testid="viewer"]').boundingBox();
    if (!box) throw new Error('no viewer box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 400);
    await expect
      .poll(async () => Number(/view=[^&]*,([-\d.]+)(&|$)/.exec(String(await page.evaluate('location.search')))?.[1]))
      .toBeLessThan(2);

    // Every copy-URL that names an http resource answers 200.
    const probes = (await page.evaluate(
      `Array.from(document.querySelectorAll('[data-testid="copy-url"]')).map((e) => e.dataset.probe).filter(Boolean)`,
    )) as string[];
    expect(probes.length).toBeGreaterThanOrEqual(4);
    for (const url of probes) {
      const res = await fetch(url);
      expect(res.status, url).toBe(200);
    }
    const texts = (await page.evaluate(
      `Array.from(document.querySelectorAll('[data-testid="copy-url"]')).map((e) => e.textContent)`,
    )) as string[];
    expect(texts).toContain(`zarr3://${h.origin}/zarr/v3/local/image_gzip.ome.zarr`);
    expect(texts).toContain(`zarr2://${h.origin}/zarr/v2/local/image_gzip.ome.zarr`);
    expect(texts).toContain(`n5://${h.origin}/n5/local/image_gzip.ome.zarr`);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('labels overlay: image-label colours, label 0 transparent, t moves the labels, opacity blends', async () => {
    // labels/cells = 0 at the 4-px border, else 1 + (y//30)*5 + (x//30) + 100*t; colours from image-label.
    const { page, pageErrors } = await openViewer(
      h,
      '?source=local/image_gzip.ome.zarr&sel=t:0,z:4&view=68,60,2&ch=0,ffffff,0,65535;0,ffffff,0,65535&labels=cells:1',
    );
    const pts = centres([
      [45, 45],
      [15, 75],
      [1, 1],
    ]);
    let expected: Rgb[] = [
      [3, 125, 115], // label 7
      [151, 233, 71], // label 11
      [0, 0, 0], // label 0: transparent over a black, all-channels-off image
    ];
    expectPixels(await waitForPixels(page, pts, expected, TOL), expected, TOL);
    await page.screenshot({ path: `${ARTIFACTS}/labels-t0.png` });

    await page.focus('[data-testid="axis-t"]');
    await page.keyboard.press('ArrowRight');
    expected = [
      [119, 9, 39], // label 107
      [11, 117, 251], // label 111
      [0, 0, 0],
    ];
    expectPixels(await waitForPixels(page, pts, expected, TOL), expected, TOL);
    await expect.poll(() => page.evaluate('location.search')).toContain('labels=cells:1');
    expect(pageErrors).toEqual([]);
    await page.close();

    const half = await openViewer(
      h,
      '?source=local/image_gzip.ome.zarr&sel=t:0,z:4&view=68,60,2&ch=0,ffffff,0,65535;0,ffffff,0,65535&labels=cells:0.5',
    );
    // Half opacity: each label colour is dimmed by the same factor (hue kept), strictly between black and full.
    // (deck.gl's blending makes the factor ≈0.73 rather than 0.5 here; the test pins only the ordering.)
    const full: Rgb[] = [
      [3, 125, 115],
      [151, 233, 71],
    ];
    const dimmed = await waitForPixels(
      half.page,
      pts.slice(0, 2),
      full.map(([r, g, b]) => [r * 0.73, g * 0.73, b * 0.73] as Rgb),
      6,
    );
    dimmed.forEach((px, i) => {
      const f = px[1] / full[i][1];
      expect(f).toBeGreaterThan(0.3);
      expect(f).toBeLessThan(0.9);
      expect(Math.abs(px[0] - full[i][0] * f)).toBeLessThanOrEqual(TOL);
      expect(Math.abs(px[2] - full[i][2] * f)).toBeLessThanOrEqual(TOL);
    });
    await half.page.screenshot({ path: `${ARTIFACTS}/labels-half.png` });
    await half.page.close();
  });

  it('OME 0.5 sharded c,z,y,x: values, and empty inner chunks read as 0 when z moves into them', async () => {
    // value = 0 if (c==1 and z>=4) else c*10000 + z*1000 + y*7 + x. Show channel 1 only, window [12000, 15000].
    const { page, pageErrors } = await openViewer(
      h,
      '?source=local/image_sharded.ome.zarr&sel=z:3&view=68,60,2&ch=0,ffffff,0,65535;1,ffffff,12000,15000',
    );
    const pts = centres([
      [5, 5],
      [70, 40],
      [120, 100],
    ]);
    let expected = pts.map(([x, y]) => white(grey(13000 + Math.floor(y) * 7 + Math.floor(x), 12000, 15000)));
    expectPixels(await waitForPixels(page, pts, expected, TOL), expected, TOL);
    await page.screenshot({ path: `${ARTIFACTS}/sharded-z3.png` });

    await page.focus('[data-testid="axis-z"]');
    await page.keyboard.press('ArrowRight');
    expected = pts.map(() => white(0));
    expectPixels(await waitForPixels(page, pts, expected, 0), expected, 0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('N5 z,y,x downsampled along z: level 1 shows the same z plane as level 0', async () => {
    // s0[z,y,x] = z*4000 + y*31 + x; s1 = s0[::2, ::2, ::2]. At z=2, level 1's plane is s1[1] = s0[2];
    // reusing index 2 at level 1 would show s0[4] (16000+), which this window clamps to white.
    const lo = 8000;
    const hi = 11200;
    const zoomIn = await openViewer(h, `?source=local/data.n5&sel=z:2&view=60,50,2&ch=1,ffffff,${lo},${hi}`);
    const pts = centres([
      [4, 6],
      [60, 50],
      [110, 90],
    ]);
    let expected = pts.map(([x, y]) => white(grey(8000 + Math.floor(y) * 31 + Math.floor(x), lo, hi)));
    expectPixels(await waitForPixels(zoomIn.page, pts, expected, TOL), expected, TOL);
    await zoomIn.page.screenshot({ path: `${ARTIFACTS}/n5-level0.png` });
    await zoomIn.page.close();

    // Zoom −1 draws level 1 (one screen pixel per level-1 voxel); sample level-1 voxel centres.
    const zoomOut = await openViewer(h, `?source=local/data.n5&sel=z:2&view=60,50,-1&ch=1,ffffff,${lo},${hi}`);
    const l1: [number, number][] = [
      [3, 3],
      [30, 25],
      [50, 40],
    ];
    const pts1 = l1.map(([x, y]) => [2 * x + 1, 2 * y + 1] as [number, number]);
    expected = l1.map(([x, y]) => white(grey(8000 + 2 * y * 31 + 2 * x, lo, hi)));
    // Linear filtering between level-1 voxels allows a few grey levels of slack.
    expectPixels(await waitForPixels(zoomOut.page, pts1, expected, 6), expected, 6);
    await zoomOut.page.screenshot({ path: `${ARTIFACTS}/n5-level1.png` });
    expect(zoomIn.pageErrors.concat(zoomOut.pageErrors)).toEqual([]);
    await zoomOut.page.close();
  });

  it('plate: a grid of wells with thumbnails; a well opens its first field with the right values', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1200, height: 700 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${h.origin}/?source=local/plate.ome.zarr&test=1`);
    await page.waitForSelector('[data-testid="plate"]');
    // Wells A/1 and B/2 exist; A/2 and B/1 are empty cells. A thumbnail is painted once its canvas has data.
    const painted = `(() => { const c = document.querySelector('[data-testid="well-local/plate.ome.zarr/B/2"] canvas');
      return c && c.width > 0 ? Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).some((v, i) => i % 4 !== 3 && v > 0) : false; })()`;
    const deadline = Date.now() + HANG_MS;
    while (!(await page.evaluate(painted)) && Date.now() < deadline) await page.waitForTimeout(200);
    expect(await page.evaluate(painted)).toBe(true);
    expect(await page.locator('.well.empty').count()).toBe(2);
    await page.screenshot({ path: `${ARTIFACTS}/plate.png` });

    await page.click('[data-testid="well-local/plate.ome.zarr/B/2"]');
    await expect.poll(() => page.evaluate('location.search')).toContain('source=local/plate.ome.zarr/B/2/0');
    await page.waitForSelector('[data-testid="viewer"]');
    // value = row*20000 + col*10000 + field*5000 + c*1000 + y*11 + x; B/2 → row 1, col 1, field 0.
    // Re-open with known contrast through the URL (channel 0 only, window [30000, 31000]).
    await page.goto(
      `${h.origin}/?source=local/plate.ome.zarr/B/2/0&view=32,32,2&ch=1,ffffff,30000,31000;0,ffffff,0,65535&test=1`,
    );
    const pts = centres([
      [3, 4],
      [40, 20],
      [60, 60],
    ]);
    const expected = pts.map(([x, y]) => white(grey(30000 + Math.floor(y) * 11 + Math.floor(x), 30000, 31000)));
    expectPixels(await waitForPixels(page, pts, expected, TOL), expected, TOL);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('?source= takes http URLs: the bridge own /zarr/v3 URL maps back to its catalog path; another origin is mounted as remote', async () => {
    const pts = centres([
      [10, 10],
      [100, 50],
    ]);
    const expected = pts.map(([x, y]) => white(grey(4000 + Math.floor(y) * 7 + Math.floor(x), 3000, 6000)));
    const query = '&sel=t:0,z:4&view=68,60,2&ch=1,ffffff,3000,6000;0,00ff00,0,65535';

    const own = await openViewer(h, `?source=${h.origin}/zarr/v3/local/image_gzip.ome.zarr${query}`);
    expectPixels(await waitForPixels(own.page, pts, expected, TOL), expected, TOL);
    await expect.poll(() => own.page.evaluate('location.search')).toContain('source=local/image_gzip.ome.zarr&');
    await own.page.close();

    // The same bridge under another host name is "remote" to the viewer: it is mounted via POST /control/remote.
    const elsewhere = h.origin.replace('127.0.0.1', 'localhost');
    const remote = await openViewer(h, `?source=${elsewhere}/zarr/v3/local/image_gzip.ome.zarr${query}`);
    expectPixels(await waitForPixels(remote.page, pts, expected, TOL), expected, TOL);
    const title = await remote.page.textContent('.controls h2');
    expect(title).toBe('image_gzip.ome.zarr');
    const catalog = (await (await fetch(`${h.origin}/catalog/remote`)).json()) as { children?: { path: string }[] };
    expect(catalog.children?.map((c) => c.path)).toContain('remote/image_gzip.ome.zarr');
    expect(own.pageErrors.concat(remote.pageErrors)).toEqual([]);
    await remote.page.close();
  });

  it('a folder named `Zellkern ü 細胞 #1.ome.zarr`: opens, draws the voxels, offers encoded URLs that answer', async () => {
    const source = encodeURIComponent(`local/${NAME}`);
    const { page, pageErrors } = await openViewer(
      h,
      `?source=${source}&sel=t:0,z:4&view=68,60,2&ch=1,ffffff,3000,6000;0,00ff00,0,65535`,
    );
    // value = t*20000 + c*10000 + z*1000 + y*7 + x (MANIFEST.json), channel 0 white in [3000, 6000].
    const pts = centres([
      [10, 10],
      [130, 110],
    ]);
    const expected: Rgb[] = pts.map(([x, y]) => {
      const g = grey(4000 + Math.floor(y) * 7 + Math.floor(x), 3000, 6000);
      return [g, g, g];
    });
    expectPixels(await waitForPixels(page, pts, expected, 3), expected, 3);
    const search = new URLSearchParams(String(await page.evaluate('location.search')));
    expect(search.get('source')).toBe(`local/${NAME}`);

    const encoded = `${h.origin}/zarr/v3/local/${encodeURIComponent(NAME)}`;
    const texts = (await page.evaluate(
      `Array.from(document.querySelectorAll('[data-testid="copy-url"]')).map((e) => e.textContent)`,
    )) as string[];
    expect(texts).toContain(`zarr3://${encoded}`);
    const probes = (await page.evaluate(
      `Array.from(document.querySelectorAll('[data-testid="copy-url"]')).map((e) => e.dataset.probe).filter(Boolean)`,
    )) as string[];
    expect(probes.length).toBeGreaterThanOrEqual(4);
    for (const url of probes) {
      expect(url).not.toMatch(/[#\s\u0080-\uffff]/);
      expect((await fetch(url)).status, url).toBe(200);
    }
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
