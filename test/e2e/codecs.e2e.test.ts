/**
 * The viewer on OME-Zarr 0.5 as zarr-python 3, ngff-zarr and ome-writers write it: blosc (zstd and lz4, byte- and
 * bit-shuffled, and blosclz), bare zstd, gzip and uncompressed chunks, sharded and not, 2 × 1536 × 2048 uint16
 * with noisy low bits, three levels. Chunks are compressed by Debian's numcodecs (c-blosc, libzstd, zlib) in
 * test/py/write_ome05.py. Each image's pixels are compared with the formula at full resolution (across chunk
 * and shard boundaries) and at level 2, with both channels drawn (red, green). The page's CSP has no
 * 'unsafe-eval': blosc, zstd and lz4 decode in a worker that has its own policy. A uint64 OME label image
 * (ids above 2^53) over one of them is drawn in Neuroglancer's colours and read back exactly by the hover
 * readout. All in Chromium at 1280 × 800.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intensity, writeOme05 } from '../support/ome05.js';
import { neuroglancerColor } from '../support/segment-color.js';
import {
  ARTIFACTS,
  centres,
  checkPrerequisites,
  expectPixels,
  grey,
  HANG_MS,
  type Harness,
  LAPTOP,
  openViewer,
  type Rgb,
  startHarness,
  waitForPixels,
} from './harness.js';

const ready = checkPrerequisites();
const TOL = 2;
const [C, H, W] = [2, 1536, 2048];

const CODECS: { name: string; codec: string; sharded: boolean }[] = [
  { name: 'blosc_zstd_sharded', codec: 'blosc-zstd-shuffle', sharded: true },
  { name: 'blosc_zstd', codec: 'blosc-zstd-shuffle', sharded: false },
  { name: 'blosc_lz4_bitshuffle', codec: 'blosc-lz4-bitshuffle', sharded: false },
  { name: 'blosc_blosclz_sharded', codec: 'blosc-blosclz-noshuffle', sharded: true },
  { name: 'zstd_sharded', codec: 'zstd', sharded: true },
  { name: 'zstd', codec: 'zstd', sharded: false },
  { name: 'gzip_sharded', codec: 'gzip', sharded: true },
  { name: 'gzip', codec: 'gzip', sharded: false },
  { name: 'raw_sharded', codec: 'none', sharded: true },
  { name: 'raw', codec: 'none', sharded: false },
];

/** Red = channel 0, green = channel 1, both over the full uint16 range. */
const QUERY = 'ch=1,ff0000,0,65535;1,00ff00,0,65535';

function expected(points: [number, number][], level: number): Rgb[] {
  const s = 2 ** level;
  return points.map(([x, y]) => {
    // A level-k pixel is level 0 at (s·i, s·j); a sampled point's pixel is floor(point / s).
    const [i, j] = [Math.floor(x / s) * s, Math.floor(y / s) * s];
    return [grey(intensity(0, j, i), 0, 65535), grey(intensity(1, j, i), 0, 65535), 0];
  });
}

describe.skipIf(!ready)('codecs in the viewer: OME-Zarr 0.5 written by numcodecs', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zb-codecs-'));
    const spec = CODECS.map((c) => ({
      name: `${c.name}.ome.zarr`,
      codec: c.codec,
      sharded: c.sharded,
      channels: C,
      height: H,
      width: W,
      levels: 3,
      chunk: 256,
      shard: 1024,
    }));
    await writeOme05(dir, [
      ...spec,
      {
        name: 'cells.ome.zarr',
        codec: 'blosc-zstd-shuffle',
        sharded: true,
        channels: 2,
        height: 1024,
        width: 1024,
        levels: 2,
        chunk: 256,
        shard: 512,
      },
      {
        name: 'cells.ome.zarr/labels/seg',
        kind: 'labels',
        codec: 'zstd',
        sharded: false,
        height: 1024,
        width: 1024,
        levels: 2,
        chunk: 256,
        shard: 512,
      },
    ]);
    h = await startHarness([...spec.map((s) => join(dir, s.name)), join(dir, 'cells.ome.zarr')]);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the viewer with a CSP without unsafe-eval, and the decode worker with its own', async () => {
    const page = await fetch(`${h.origin}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toContain("'unsafe-eval'");
    const html = await page.text();
    expect(html).not.toContain("'unsafe-eval'");
  });

  for (const c of CODECS) {
    it(
      `${c.name}: level 0 across chunk and shard edges, and level 2`,
      async () => {
        // Zoom 1 (2 screen px per voxel) around the shard corner at (1024, 256): level 0. The stage is 700 × 800
        // CSS px (the side panels take the rest); points avoid the overview at its bottom right.
        const near = centres([
          [1023, 255],
          [1024, 256],
          [1020, 300],
          [1080, 250],
          [1150, 200],
          [900, 130],
        ]);
        const { page, pageErrors } = await openViewer(
          h,
          `?source=local/${c.name}.ome.zarr&view=1024,256,1&${QUERY}`,
          LAPTOP,
        );
        let want = expected(near, 0);
        expectPixels(await waitForPixels(page, near, want, TOL), want, TOL);
        // Zoom −2: level 2, each drawn pixel is level 0 at multiples of 4; sample texel centres. Shown in the same
        // page, as the URL would show it (a second page load cost more than the rest of the test).
        await page.evaluate(
          `window.__zarrBridgeShow(${JSON.stringify(`?source=local/${c.name}.ome.zarr&view=1024,768,-2&${QUERY}`)})`,
        );
        const far: [number, number][] = [
          [2, 2],
          [1026, 770],
          [2046, 1202],
          [1498, 302],
          [402, 1206],
        ];
        want = expected(far, 2);
        expectPixels(await waitForPixels(page, far, want, TOL), want, TOL);
        if (c.name === 'blosc_zstd_sharded') await page.screenshot({ path: `${ARTIFACTS}/codecs-blosc-zstd.png` });
        const errors = await page.evaluate(`document.querySelector('[data-testid="errors"]')?.textContent ?? ''`);
        expect(errors).toBe('');
        expect(pageErrors).toEqual([]);
        await page.close();
        // Two page loads, each allowed the harness's hang margin: a slow machine is not a failure (a hang still is,
        // named by the harness).
      },
      2 * HANG_MS,
    );
  }

  it('a uint64 OME label image over its image: Neuroglancer colours, exact ids in the readout', async () => {
    // write_ome05.py label_id: 0 on a 16-voxel border, else ((cell + 1) << 52) + 7·cell + 1, cell = 32·(y>>6) + (x>>6).
    const id = (x: number, y: number): bigint => {
      if (x < 16 || y < 16 || x >= 1024 - 16 || y >= 1024 - 16) return 0n;
      const cell = BigInt(32 * (y >> 6) + (x >> 6));
      return ((cell + 1n) << 52n) + cell * 7n + 1n;
    };
    const { page, pageErrors } = await openViewer(
      h,
      '?source=local/cells.ome.zarr&view=512,512,1&ch=0,ff0000,0,65535;0,00ff00,0,65535&labels=seg:1',
      LAPTOP,
    );
    const pts = centres([
      [500, 500],
      [520, 530],
      [600, 450],
      [430, 600],
    ]);
    const want = pts.map(([x, y]) => neuroglancerColor(id(Math.floor(x), Math.floor(y))));
    for (const [x, y] of pts) expect(id(Math.floor(x), Math.floor(y)) > 2n ** 53n).toBe(true);
    expectPixels(await waitForPixels(page, pts, want, 2), want, 2);
    const [sx, sy] = (await page.evaluate(`window.__zarrBridge.project(${pts[1][0]}, ${pts[1][1]})`)) as number[];
    const box = await page.locator('.viewer').boundingBox();
    if (!box) throw new Error('no viewer');
    await page.mouse.move(box.x + sx, box.y + sy);
    const readout = page.locator('[data-testid="readout-value"][data-label="seg id"]');
    await readout.waitFor();
    await expect.poll(() => readout.getAttribute('data-value')).toBe(id(520, 530).toString());
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);
});
