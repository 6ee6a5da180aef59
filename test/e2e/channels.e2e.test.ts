/**
 * 64 channels (a multiplexed imaging panel), 2 × 1024² uint16 levels, blosc-zstd sharded as ome-writers writes
 * it (numcodecs via test/py/write_ome05.py). viv draws at most ten channels of a layer: the first six are on at
 * first and only their chunks are read; any channel can be drawn (channel 37 alone, by the URL); solo, "first
 * ten" and all-off work; an eleventh channel is refused with a reason instead of a black canvas.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intensity, writeOme05 } from '../support/ome05.js';
import {
  centres,
  checkPrerequisites,
  expectPixels,
  grey,
  type Harness,
  openViewer,
  type Rgb,
  startHarness,
  viewportLoads,
  waitFor,
  waitForPixels,
} from './harness.js';

const ready = checkPrerequisites();
const C = 64;
const NAME = 'panel64.ome.zarr';

/** A window around channel c's values near (x, y) ≈ (256, 256), so its grey levels are well spread. */
const windowOf = (c: number): [number, number] => {
  const v = intensity(c, 256, 256);
  return [Math.max(0, v - 3000), Math.min(65535, v + 3000)];
};

function chParam(shown: (c: number) => boolean): string {
  return Array.from({ length: C }, (_, c) => {
    const [lo, hi] = windowOf(c);
    return `${shown(c) ? 1 : 0},ffffff,${lo},${hi}`;
  }).join(';');
}

function expectedGrey(c: number, points: [number, number][]): Rgb[] {
  const [lo, hi] = windowOf(c);
  return points.map(([x, y]) => {
    const g = grey(intensity(c, Math.floor(y), Math.floor(x)), lo, hi);
    return [g, g, g];
  });
}

describe.skipIf(!ready)('64 channels', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zb-channels-'));
    await writeOme05(dir, [
      {
        name: NAME,
        codec: 'blosc-zstd-shuffle',
        sharded: true,
        channels: C,
        height: 1024,
        width: 1024,
        levels: 2,
        chunk: 256,
        shard: 512,
      },
    ]);
    h = await startHarness([join(dir, NAME)]);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens with the first six channels on and reads no chunk of the others', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const channelsRead = new Set<number>();
    page.on('request', (r) => {
      const m = /\/zarr\/v3\/local\/panel64\.ome\.zarr\/\d+\/c\/(\d+)\//.exec(r.url());
      if (m) channelsRead.add(Number(m[1]));
    });
    await page.goto(`${h.origin}/?source=local/${NAME}&test=1`);
    await page.waitForSelector('[data-testid="channel-63"]');
    await waitFor(async () => (await viewportLoads(page)) > 0, 'the first frame');
    const checked = (await page.evaluate(
      `Array.from(document.querySelectorAll('[data-testid$="-visible"][data-testid^="channel-"]')).map((e) => e.checked)`,
    )) as boolean[];
    expect(checked.length).toBe(C);
    expect(checked.filter(Boolean).length).toBe(6);
    expect(checked.slice(0, 6).every(Boolean)).toBe(true);
    expect(await page.textContent('.channels legend')).toContain('6 of 64 shown');
    await page.waitForTimeout(1000);
    expect(
      [...channelsRead].every((c) => c < 6),
      `channels read: ${[...channelsRead].sort((a, b) => a - b)}`,
    ).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);

  it('draws channel 37 alone; solo, first ten, the eleventh refused, all off', async () => {
    const pts = centres([
      [200, 220],
      [300, 250],
      [260, 300],
    ]);
    const { page, pageErrors } = await openViewer(
      h,
      `?source=local/${NAME}&view=256,256,1&ch=${chParam((c) => c === 37)}`,
    );
    let want = expectedGrey(37, pts);
    expectPixels(await waitForPixels(page, pts, want, 2), want, 2);

    // Solo 63: only channel 63 is drawn, in its own window.
    await page.getByTestId('channel-63-solo').click();
    want = expectedGrey(63, pts);
    expectPixels(await waitForPixels(page, pts, want, 2), want, 2);
    expect(await page.isChecked('[data-testid="channel-37-visible"]')).toBe(false);

    // First ten on, then an eleventh: refused, with a reason, and the canvas is not black.
    await page.getByTestId('channels-first-on').click();
    await expect.poll(() => page.textContent('.channels legend')).toContain('10 of 64 shown');
    await page.getByTestId('channel-40-visible').click();
    await page.waitForSelector('[data-testid="channel-notice"]');
    expect(await page.textContent('[data-testid="channel-notice"]')).toMatch(/At most 10 channels/);
    expect(await page.isChecked('[data-testid="channel-40-visible"]')).toBe(false);
    const lit = await waitForPixels(
      page,
      pts,
      [
        [255, 255, 255],
        [255, 255, 255],
        [255, 255, 255],
      ],
      0,
      5_000,
    );
    expect(lit.some((px) => px[0] + px[1] + px[2] > 0)).toBe(true);

    // All off: black.
    await page.getByTestId('channels-all-off').click();
    const black: Rgb[] = pts.map(() => [0, 0, 0]);
    expectPixels(await waitForPixels(page, pts, black, 0), black, 0);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);
});
