/**
 * BossDB-sized data in the viewer, at 1280 × 800: a 200000 × 160000 × 4000 uint8 channel (10 levels) served by
 * the fixture with 100 ms latency per cutout opens at full view with at most 1.5 chunk requests per tile on
 * screen and never more fetches in flight than the viewer's cap; its pixels match the fixture's formula at
 * level 6 and, deep inside, at level 0. The same volume with a 5-level hierarchy (whose coarsest level is
 * still 12500 × 10000) opens at full view without reading that level: the viewer asks to zoom in. Its uint64
 * annotation channel opens as labels, in Neuroglancer's colours for the exact 64-bit ids, and the hover
 * readout shows those ids digit for digit. Times are printed, not asserted (see `npm run bench -- viewer`).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BossdbFixture, findChannel, startBossdbFixture, voxelFn } from '../bossdb-fixture/index.js';
import { neuroglancerColor } from '../support/segment-color.js';
import {
  ARTIFACTS,
  checkPrerequisites,
  expectPixels,
  type Harness,
  type Rgb,
  startHarness,
  viewportLoads,
  waitFor,
  waitForPixels,
} from './harness.js';

const ready = checkPrerequisites();
const EM = 'zb_public/huge/em';
const SEG = 'zb_public/huge/seg';
const SHALLOW = 'zb_public/huge_shallow/em';
/** The viewer's cap on fetches in flight (src/renderer/src/data/bridgeStore.ts MAX_FETCHES). */
const MAX_FETCHES = 12;

const isChunk = (url: string) => /\/zarr\/v[23]\/bossdb\/[^?]*\/c\//.test(url);

async function openCounting(h: Harness, query: string) {
  const page = await h.browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const chunkRequests: string[] = [];
  const ranges: (string | undefined)[] = [];
  page.on('request', (r) => {
    if (!isChunk(r.url())) return;
    chunkRequests.push(r.url());
    ranges.push(r.headers().range);
  });
  const started = Date.now();
  await page.goto(`${h.origin}/${query}&test=1`);
  await waitFor(async () => (await viewportLoads(page)) > 0, `the first frame of ${query}`, 90_000);
  const firstFrameMs = Date.now() - started;
  // Taken by the page as it showed its first frame: the poll above comes later, by as much as a busy machine
  // delays it, and requests made meanwhile are not the first frame's (a run under load counted 3 of them).
  const first = (await page.evaluate(
    '({ ...window.__zarrBridge.firstLoad, urls: window.__zarrBridge.fetched() })',
  )) as { fetched: number; tilesInView: Record<string, number>; urls: string[] };
  const early = first.urls.slice(0, first.fetched).filter(isChunk);
  // The page's list names requests the browser really sent (its events may trail the page's answer a little).
  await expect.poll(() => early.filter((u) => !chunkRequests.includes(u))).toEqual([]);
  /** The Range header of each request the browser sent, by URL (the early ones are asked for once each). */
  const rangeOf = new Map(chunkRequests.map((u, i) => [u, ranges[i]]));
  const tiles = Object.values(first.tilesInView).reduce((a, b) => a + b, 0);
  return {
    page,
    pageErrors,
    chunkRequests,
    ranges,
    early,
    earlyRanges: early.map((u) => rangeOf.get(u)),
    firstFrameMs,
    tiles,
  };
}

const hooks = (page: Page, expr: string) => page.evaluate(`window.__zarrBridge.${expr}`);

describe.skipIf(!ready)('BossDB-sized volumes in the viewer', () => {
  let h: Harness;
  let fx: BossdbFixture;
  beforeAll(async () => {
    fx = await startBossdbFixture();
    fx.settings.latencyMs = 100;
    h = await startHarness([], { bossdb: { url: fx.url } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await fx?.close();
  });

  it('opens 200000 × 160000 × 4000 at full view with ≤ 1.5 requests per tile on screen', async () => {
    const { page, pageErrors, chunkRequests, early, earlyRanges, firstFrameMs, tiles } = await openCounting(
      h,
      `?source=bossdb/${EM}`,
    );
    const fetches = (await hooks(page, 'fetches()')) as { peak: number };
    console.log(
      `large: first frame ${firstFrameMs} ms, ${early.length} chunk requests for ${tiles} tiles on screen, peak ${fetches.peak} fetches in flight`,
    );
    expect(tiles).toBeGreaterThan(0);
    expect(early.length).toBeLessThanOrEqual(1.5 * tiles);
    // The tiles asked for ahead of the canvas (prefetchView) are the layer's own: each chunk is asked for
    // once, and besides the overview's (the lowest level, 9) exactly one chunk per tile (256² tiles of
    // 256×256×16 chunks) was asked for.
    expect(new Set(early).size).toBe(early.length);
    expect(early.filter((u) => !/\/em\/9\/c\//.test(u)).length).toBe(tiles);
    expect(fetches.peak).toBeLessThanOrEqual(MAX_FETCHES);
    // The bridge serves BossDB chunks uncompressed on loopback: each request asks for the one plane on screen
    // (z 2000, plane 0 of its chunk: 256 × 256 bytes), not the chunk's 16 planes (planeRead.ts).
    expect(new Set(earlyRanges)).toEqual(new Set(['bytes=0-65535']));
    expect(await page.isVisible('[data-testid="zoom-notice"]')).toBe(false);
    // Settled (overview, statistics): still nowhere near a level's worth of chunks.
    await page.waitForTimeout(1500);
    expect(chunkRequests.length).toBeLessThanOrEqual(1.5 * tiles + 16);
    await page.screenshot({ path: `${ARTIFACTS}/large-full-view.png` });
    expect(await page.textContent('[data-testid="image-info"]')).toContain(
      'z 4000 × y 160000 × x 200000 · uint8 · 10 levels',
    );
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);

  it('draws the formula at level 6 (zoom −6) and at level 0 deep inside the volume', async () => {
    const ref = findChannel(EM);
    if (!ref) throw new Error(`no ${EM}`);
    const voxel = voxelFn(EM);
    const t = ref.channel.default_time_sample;
    const z = 2345;
    const ch = 'ch=1,ffffff,0,255';
    // Level 6 at zoom −6: one texel per screen pixel; sample texel centres (world 64·i + 32).
    const mid = await openCounting(h, `?source=bossdb/${EM}&sel=z:${z}&view=100000,80000,-6&${ch}`);
    const texels: [number, number][] = [
      [1562, 1250],
      [1563, 1251],
      [1500, 1200],
      [1620, 1300],
      [1540, 1180],
    ];
    const at6: [number, number][] = texels.map(([i, j]) => [64 * i + 32, 64 * j + 32]);
    let want: Rgb[] = texels.map(([i, j]) => {
      const v = Number(voxel(t, 6, i, j, z));
      return [v, v, v];
    });
    expectPixels(await waitForPixels(mid.page, at6, want, 2), want, 2);
    expect(mid.pageErrors).toEqual([]);
    await mid.page.close();

    // Level 0 at zoom 1, around (150000, 120000): chunk and cuboid edges at multiples of 256 and 512.
    const deep = await openCounting(h, `?source=bossdb/${EM}&sel=z:${z}&view=150016,120000,1&${ch}`);
    const voxels: [number, number][] = [
      [150015, 119999],
      [150016, 120000],
      [150100, 120050],
      [149950, 119900],
      [150080, 120150],
    ];
    want = voxels.map(([x, y]) => {
      const v = Number(voxel(t, 0, x, y, z));
      return [v, v, v];
    });
    const centresOf = voxels.map(([x, y]) => [x + 0.5, y + 0.5] as [number, number]);
    expectPixels(await waitForPixels(deep.page, centresOf, want, 2), want, 2);
    // z 2345 is plane 9 of its 16-deep chunk: every chunk read is that plane's 256 × 256 bytes.
    expect(new Set(deep.ranges)).toEqual(new Set([`bytes=${9 * 65536}-${10 * 65536 - 1}`]));
    expect(deep.pageErrors).toEqual([]);
    await deep.page.close();
  }, 120_000);

  it('a 5-level hierarchy at full view: asks to zoom in instead of reading 12500 × 10000, then loads', async () => {
    const full = await openCounting(h, `?source=bossdb/${SHALLOW}`);
    await full.page.waitForSelector('[data-testid="zoom-notice"]');
    expect(await full.page.textContent('[data-testid="zoom-notice"]')).toMatch(/Zoom in to load em/);
    await full.page.waitForTimeout(1500);
    // Only the contrast sample: nothing of the ~1,900 chunks covering the view.
    console.log(`large: shallow full view made ${full.chunkRequests.length} chunk requests`);
    expect(full.chunkRequests.length).toBeLessThanOrEqual(12);
    expect(full.pageErrors).toEqual([]);
    await full.page.close();

    const ref = findChannel(SHALLOW);
    if (!ref) throw new Error(`no ${SHALLOW}`);
    const voxel = voxelFn(SHALLOW);
    const z = 100;
    const near = await openCounting(h, `?source=bossdb/${SHALLOW}&sel=z:${z}&view=100000,80000,-4&ch=1,ffffff,0,255`);
    expect(await near.page.isVisible('[data-testid="zoom-notice"]')).toBe(false);
    const texels: [number, number][] = [
      [6250, 5000],
      [6200, 4980],
      [6300, 5020],
    ];
    const want: Rgb[] = texels.map(([i, j]) => {
      const v = Number(voxel(ref.channel.default_time_sample, 4, i, j, z));
      return [v, v, v];
    });
    const pts = texels.map(([i, j]) => [16 * i + 8, 16 * j + 8] as [number, number]);
    expectPixels(await waitForPixels(near.page, pts, want, 2), want, 2);
    await near.page.close();
  }, 120_000);

  it('opens the uint64 annotation channel as labels: exact ids, Neuroglancer colours, hover readout', async () => {
    const ref = findChannel(SEG);
    if (!ref) throw new Error(`no ${SEG}`);
    const voxel = voxelFn(SEG);
    const t = ref.channel.default_time_sample;
    const z = 1000;
    // Zoom 2 (level 0, 4 screen px per voxel): one 512² cuboid of 64-bit ids covers the view.
    const { page, pageErrors } = await openCounting(h, `?source=bossdb/${SEG}&sel=z:${z}&view=40020,30000,2`);
    expect(await page.textContent('[data-testid="image-info"]')).toContain('uint64 · 10 levels · labels');
    // 4 screen px per voxel: the view spans x 39932–40107, y 29900–30099.
    const texels: [number, number][] = [
      [40000, 30000],
      [40001, 30000],
      [40009, 30007],
      [39960, 29930],
      [40070, 30080],
    ];
    const ids = texels.map(([i, j]) => voxel(t, 0, i, j, z) as bigint);
    // Every id here needs more than 53 bits: a float64 path would merge or misplace them.
    for (const id of ids) expect(id > 2n ** 53n).toBe(true);
    const want: Rgb[] = ids.map((id) => neuroglancerColor(id));
    const pts = texels.map(([i, j]) => [i + 0.5, j + 0.5] as [number, number]);
    expectPixels(await waitForPixels(page, pts, want, 2), want, 2);
    await page.screenshot({ path: `${ARTIFACTS}/large-labels.png` });

    // Hover the first texel: the readout names its voxel and its id, all 20 digits.
    const [sx, sy] = (await page.evaluate(`window.__zarrBridge.project(${pts[0][0]}, ${pts[0][1]})`)) as [
      number,
      number,
    ];
    const box = await page.locator('.viewer').boundingBox();
    if (!box) throw new Error('no viewer');
    await page.mouse.move(box.x + sx, box.y + sy);
    await page.waitForSelector('[data-testid="readout-value"]');
    await expect.poll(() => page.getAttribute('[data-testid="readout-value"]', 'data-value')).toBe(ids[0].toString());
    expect(await page.getAttribute('[data-testid="readout-position"] [data-axis="x"]', 'data-index')).toBe(
      String(texels[0][0]),
    );
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);
});
