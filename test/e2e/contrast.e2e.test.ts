/**
 * Windows from the data, for images whose metadata gives none (no omero), in Chromium at 1280 × 800:
 * - the first frame is drawn in the window of the values on screen (the 0.5th–99.5th percentile of the
 *   tiles shown), never first in the dtype's range: the pixels sampled as soon as the viewer reports its
 *   first frame already match;
 * - when the screen shows only fill (coarse levels that hold nothing, as BossDB's below a non-zero
 *   coordinate frame), the window comes from a bounded sample of finer levels, not 0–1.
 * Images are OME-Zarr 0.5 (blosc-zstd, sharded) written by numcodecs (test/py/write_ome05.py).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intensity, writeOme05 } from '../support/ome05.js';
import {
  ARTIFACTS,
  checkPrerequisites,
  expectPixels,
  grey,
  type Harness,
  LAPTOP,
  openViewer,
  type Rgb,
  samplePixels,
  startHarness,
} from './harness.js';

const ready = checkPrerequisites();
const SIDE = 1024;
/** The whole image at level 1, whatever the stage's size. */
const VIEW = `view=${SIDE / 2},${SIDE / 2},-1`;

/** [0.5th, 99.5th] percentile by nearest rank, as a window is defined (data/contrast.ts). */
function percentileWindow(values: number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => Math.round((p / 100) * (sorted.length - 1));
  return [sorted[rank(0.5)], sorted[rank(99.5)]];
}

/** Values of level k (level 0 at every 2^k-th voxel) over [y0, y1) × [x0, x1) of that level. */
function levelValues(k: number, y0: number, y1: number, x0: number, x1: number): number[] {
  const s = 2 ** k;
  const out: number[] = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out.push(intensity(0, y * s, x * s));
  return out;
}

/** The window the channel panel shows for channel 0, as numbers. */
async function shownWindow(page: Page): Promise<[number, number]> {
  const text = (await page.textContent('[data-testid="channel-0-limits"]')) ?? '';
  const m = /^(-?[\d.e+]+)–(-?[\d.e+]+)$/.exec(text.trim());
  if (!m) throw new Error(`no window in "${text}"`);
  return [Number(m[1]), Number(m[2])];
}

describe.skipIf(!ready)('windows from the data', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zb-contrast-'));
    const common = {
      codec: 'blosc-zstd-shuffle',
      sharded: true,
      channels: 1,
      height: SIDE,
      width: SIDE,
      levels: 3,
      chunk: 256,
      shard: 512,
    };
    await writeOme05(dir, [
      { name: 'full.ome.zarr', ...common },
      { name: 'empty-coarse.ome.zarr', ...common, empty_from: 1 },
    ]);
    h = await startHarness([join(dir, 'full.ome.zarr'), join(dir, 'empty-coarse.ome.zarr')]);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the first frame is drawn in the window of the values on screen', async () => {
    // Zoom −1 shows level 1 (512², four 256² tiles), all of it on screen. (A fitted view of 1024² in this
    // stage lies near the zoom where levels 0 and 1 swap: which one it shows depends on the panels' layout.)
    const { page, pageErrors } = await openViewer(h, `?source=local/full.ome.zarr&${VIEW}`, LAPTOP);
    // Sampled at once: a frame first drawn in the dtype's range (0–65535 is near black here) would not match.
    const points: [number, number][] = [
      [101, 301],
      [513, 513],
      [901, 77],
      [333, 999],
    ];
    const got = await samplePixels(page, points);
    const [lo, hi] = percentileWindow(levelValues(1, 0, SIDE / 2, 0, SIDE / 2));
    expect(await shownWindow(page)).toEqual([lo, hi]);
    const expected: Rgb[] = points.map(([x, y]) => {
      // Level-1 voxel (i, j) covers level-0 (2i, 2j)…(2i+1, 2j+1); the points sit on level-1 voxel centres.
      const g = grey(intensity(0, 2 * Math.floor(y / 2), 2 * Math.floor(x / 2)), lo, hi);
      return [g, g, g];
    });
    await page.screenshot({ path: `${ARTIFACTS}/contrast-screen-window.png` });
    expectPixels(got, expected, 6);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('a screen of fill (empty coarse levels) takes its window from a sample of finer data, not 0–1', async () => {
    const { page, pageErrors } = await openViewer(h, `?source=local/empty-coarse.ome.zarr&${VIEW}`, LAPTOP);
    // The sample skips levels 2 and 1 (fill) and reads level 0's chunk nearest the centre first: (1, 1).
    const [lo, hi] = percentileWindow(levelValues(0, 256, 512, 256, 512));
    const deadline = Date.now() + 30_000;
    let shown = await shownWindow(page);
    while ((shown[0] !== lo || shown[1] !== hi) && Date.now() < deadline) {
      await page.waitForTimeout(100);
      shown = await shownWindow(page);
    }
    expect(shown).toEqual([lo, hi]);
    expect(hi - lo).toBeGreaterThan(1000);
    // What is on screen (level 1) holds only zeros: black in that window.
    expectPixels(
      await samplePixels(page, [
        [301, 301],
        [701, 501],
      ]),
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
      0,
    );
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
