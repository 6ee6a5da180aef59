/**
 * The built-in Neuroglancer, end to end in headless Chromium: the bridge serves
 * it at /neuroglancer/, it opens states made by the state builder, and the
 * values Neuroglancer itself reports under the mouse (its layer panel's
 * values: `viewer.layerSelectedValues`, GPU picking for segment ids) are the
 * sources' values, from the fixtures' closed-form formulas:
 * - OME-Zarr 0.4 on Zarr v2 (blosc lz4, passed through) with its label image;
 * - OME-Zarr 0.5 on Zarr v3, sharded (passed through);
 * - OME-Zarr 0.5 written by numcodecs (blosc/zstd, sharded) with a uint64 label image (zstd) whose ids
 *   lie above 2**53 (test/py/write_ome05.py);
 * - a Zarr v3 array zarr-python 3 wrote with blosc/zstd (passed through);
 * - a BossDB EM channel with its uint64 annotation channel (the fixture server).
 * It also opens Neuroglancer from the viewer's own link, and a Neuroglancer
 * state back in the viewer (`?neuroglancer=`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogNode } from '../../src/shared/catalog.js';
import { buildNeuroglancerState } from '../../src/shared/neuroglancer/build-state.js';
import { builtInNeuroglancerUrl } from '../../src/shared/neuroglancer/links.js';
import type { Scene } from '../../src/shared/neuroglancer/scene.js';
import type { NeuroglancerState } from '../../src/shared/neuroglancer/state.js';
import { type BossdbFixture, expectedVoxel, startBossdbFixture } from '../bossdb-fixture/index.js';
import { intensity, writeOme05 } from '../support/ome05.js';
import { ARTIFACTS, HANG_MS, type Harness, openViewer, startHarness } from './harness.js';
import {
  layerErrors,
  NEUROGLANCER_DIR,
  neuroglancerReady,
  openNeuroglancer,
  watch,
  whenReady,
} from './neuroglancer-page.js';

/** BossDB cutouts and Neuroglancer's start take tens of seconds on a busy 2-core machine; values decide, not time. */
const TEST_MS = 300_000;
const ready = neuroglancerReady();

/** MANIFEST.json: image_*.ome.zarr (t, c, z, y, x), 136 × 120 pixels. */
const imageValue = (t: number, c: number, z: number, y: number, x: number) =>
  (t * 20000 + c * 10000 + z * 1000 + y * 7 + x) % 65536;
const cellValue = (t: number, y: number, x: number) =>
  y < 4 || y >= 116 || x < 4 || x >= 132 ? 0 : 1 + Math.floor(y / 30) * 5 + Math.floor(x / 30) + 100 * t;
const shardedValue = (c: number, z: number, y: number, x: number) =>
  c === 1 && z >= 4 ? 0 : (c * 10000 + z * 1000 + y * 7 + x) % 65536;

/**
 * The values Neuroglancer shows for every layer with the mouse over the centre of
 * voxel (x, y) of the current plane: the mouse is moved there for real, so
 * segmentation layers answer through their GPU picking, as for a user.
 */
async function valuesAt(page: Page, x: number, y: number, centred: boolean): Promise<Record<string, string>> {
  // Global dimensions x, y come first (the builder's order); OME voxel centres are on whole numbers.
  const [gx, gy] = centred ? [x, y] : [x + 0.5, y + 0.5];
  const at = (await page.evaluate(`(() => {
    const v = window.viewer;
    const r = document.querySelector('.neuroglancer-rendered-data-panel').getBoundingClientRect();
    const [px, py] = v.position.value;
    const s = v.crossSectionScale.value;
    return [r.left + r.width / 2 + (${gx} - px) / s, r.top + r.height / 2 + (${gy} - py) / s];
  })()`)) as [number, number];
  await page.mouse.move(at[0], at[1]);
  // A hang detector, not a verdict: a busy CI machine may take long to load the plane's chunks.
  const deadline = Date.now() + HANG_MS;
  for (;;) {
    const got = (await page.evaluate(`(() => {
      const v = window.viewer;
      if (!v.mouseState.active) return undefined;
      const [mx, my] = v.mouseState.position;
      const voxel = (p) => Math.floor(p + ${centred ? 0.5 : 0});
      if (voxel(mx) !== ${x} || voxel(my) !== ${y}) return undefined;
      const values = {};
      for (const [name, s] of Object.entries(v.layerSelectedValues.toJSON())) if (s.value !== undefined) values[name] = String(s.value);
      return values;
    })()`)) as Record<string, string> | undefined;
    const expected = (await page.evaluate(
      'window.viewer.layerManager.managedLayers.filter((l) => l.visible).length',
    )) as number;
    if (got && Object.keys(got).length === expected) return got;
    if (Date.now() > deadline) throw new Error(`no values under the mouse at (${x}, ${y}): ${JSON.stringify(got)}`);
    await page.waitForTimeout(100);
  }
}

describe.skipIf(!ready)('Neuroglancer end to end', () => {
  let h: Harness;
  let fx: BossdbFixture;
  const catalog = async (path: string) =>
    (await (
      await fetch(`${h.origin}/catalog/${path.split('/').map(encodeURIComponent).join('/')}`)
    ).json()) as CatalogNode;
  const open = (state: NeuroglancerState) => openNeuroglancer(h, builtInNeuroglancerUrl(h.origin, state));
  const white = { visible: true, color: [255, 255, 255] as [number, number, number] };

  let dir: string;

  beforeAll(async () => {
    fx = await startBossdbFixture();
    dir = mkdtempSync(join(tmpdir(), 'zb-neuroglancer-'));
    const shape = { height: 512, width: 512, levels: 2, chunk: 128, shard: 256 };
    await writeOme05(dir, [
      { name: 'cells.ome.zarr', codec: 'blosc-zstd-shuffle', sharded: true, channels: 2, ...shape },
      { name: 'cells.ome.zarr/labels/seg', kind: 'labels', codec: 'zstd', sharded: false, ...shape },
    ]);
    h = await startHarness(
      ['image_blosc.ome.zarr', 'image_sharded.ome.zarr', '../zarrita/v3/data.zarr', join(dir, 'cells.ome.zarr')],
      { neuroglancerDir: NEUROGLANCER_DIR, bossdb: { url: fx.url } },
    );
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await fx?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'OME-Zarr 0.4 on Zarr v2 (blosc) with labels: channel and label values through Neuroglancer',
    async () => {
      const image = await catalog('local/image_blosc.ome.zarr');
      const cells = await catalog('local/image_blosc.ome.zarr/labels/cells');
      const scene: Scene = {
        layers: [
          {
            node: image,
            channels: [
              { visible: true, color: [255, 0, 0], window: [0, 37968], range: [0, 65535], label: 'ch0-red' },
              { visible: true, color: [0, 255, 0], window: [3000, 6000], label: 'ch1-green' },
            ],
            selection: { t: 1, z: 5 },
            labels: [{ node: cells, opacity: 0.6 }],
          },
        ],
        view: { target: [60, 60], zoom: 3 },
      };
      const state = buildNeuroglancerState(scene);
      expect(state.layers[0].source).toBe(`zarr2://${h.origin}/zarr/v2/local/image_blosc.ome.zarr`);
      const { page, problems } = await open(state);
      expect(await layerErrors(page)).toBe('{}');
      await page.screenshot({ path: `${ARTIFACTS}/neuroglancer-ome-labels.png` });
      // Around the corner of four cells (cell edges every 30 pixels).
      for (const [x, y] of [
        [58, 58],
        [61, 61],
        [62, 57],
        [45, 70],
        [79, 50],
      ]) {
        expect(await valuesAt(page, x, y, true), `voxel ${x}, ${y}`).toEqual({
          'image_blosc.ome.zarr ch0-red': String(imageValue(1, 0, 5, y, x)),
          'image_blosc.ome.zarr ch1-green': String(imageValue(1, 1, 5, y, x)),
          cells: String(cellValue(1, y, x)),
        });
      }
      // Neuroglancer keeps the state it was given: colours, windows and the label opacity.
      const back = (await page.evaluate('JSON.stringify(window.viewer.state.toJSON())')) as string;
      const kept = JSON.parse(back) as NeuroglancerState;
      expect(kept.layers.map((l) => [l.name, l.type])).toEqual([
        ['image_blosc.ome.zarr ch0-red', 'image'],
        ['image_blosc.ome.zarr ch1-green', 'image'],
        ['cells', 'segmentation'],
      ]);
      expect(kept.layers[1].shaderControls).toMatchObject({ contrast: { range: [3000, 6000] }, color: '#00ff00' });
      expect(kept.layers[2].selectedAlpha).toBe(0.6);
      expect(kept.dimensions).toEqual(state.dimensions);
      expect(problems).toEqual([]);
      await page.close();
    },
    TEST_MS,
  );

  it(
    'OME-Zarr 0.5 sharded and a blosc/zstd Zarr v3 array, passed through',
    async () => {
      const sharded = await catalog('local/image_sharded.ome.zarr');
      const s1 = buildNeuroglancerState({
        layers: [
          {
            node: sharded,
            channels: [
              { ...white, window: [0, 65535] },
              { ...white, window: [0, 65535] },
            ],
            selection: { z: 2 },
          },
        ],
        view: { target: [100, 30], zoom: 3 },
      });
      expect(s1.layers[0].source).toBe(`zarr3://${h.origin}/zarr/v3/local/image_sharded.ome.zarr`);
      const a = await open(s1);
      expect(await layerErrors(a.page)).toBe('{}');
      for (const [x, y] of [
        [100, 30],
        [70, 40],
        [131, 10],
      ])
        expect(await valuesAt(a.page, x, y, true), `voxel ${x}, ${y}`).toEqual({
          'image_sharded.ome.zarr c0': String(shardedValue(0, 2, y, x)),
          'image_sharded.ome.zarr c1': String(shardedValue(1, 2, y, x)),
        });
      expect(a.problems).toEqual([]);
      await a.page.close();

      // zarr-python 3: BloscCodec (zstd), arange(27) in a 3 × 3 × 3 int16 array, chunks 3 × 3 × 1.
      const array = await catalog(
        `${h.bridge.catalog.mounts().find((m) => m.name === 'data.zarr')?.path}/3d.chunked.mixed.i2.C`,
      );
      expect(array.array?.stored).toBe('zarr3');
      const s2 = buildNeuroglancerState({
        layers: [{ node: array, channels: [{ ...white, window: [0, 26] }], selection: { dim_0: 2 } }],
        view: { target: [1.5, 1.5], zoom: 6 },
      });
      const b = await open(s2);
      expect(await layerErrors(b.page)).toBe('{}');
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 3; x++)
          expect(await valuesAt(b.page, x, y, false), `voxel ${x}, ${y}`).toEqual({
            '3d.chunked.mixed.i2.C': String(2 * 9 + y * 3 + x),
          });
      expect(b.problems).toEqual([]);
      await b.page.close();
    },
    TEST_MS,
  );

  it(
    'OME-Zarr 0.5 (blosc/zstd, sharded) with a uint64 label image: values and exact 64-bit ids through Neuroglancer',
    async () => {
      // write_ome05.py label_id: 0 on a 16-voxel border, else ((cell + 1) << 52) + 7·cell + 1, cell = 32·(y>>6) + (x>>6).
      const id = (x: number, y: number): bigint => {
        if (x < 16 || y < 16 || x >= 512 - 16 || y >= 512 - 16) return 0n;
        const cell = BigInt(32 * (y >> 6) + (x >> 6));
        return ((cell + 1n) << 52n) + cell * 7n + 1n;
      };
      const image = await catalog('local/cells.ome.zarr');
      const seg = await catalog('local/cells.ome.zarr/labels/seg');
      const state = buildNeuroglancerState({
        layers: [
          {
            node: image,
            channels: [
              { visible: true, color: [255, 0, 0], window: [0, 65535], label: 'c0' },
              { visible: true, color: [0, 255, 0], window: [0, 65535], label: 'c1' },
            ],
            selection: {},
            labels: [{ node: seg, opacity: 0.5 }],
          },
        ],
        view: { target: [64, 64], zoom: 2 },
      });
      expect(state.layers[0].source).toBe(`zarr3://${h.origin}/zarr/v3/local/cells.ome.zarr`);
      expect(state.layers.map((l) => l.type)).toEqual(['image', 'image', 'segmentation']);
      const { page, problems } = await open(state);
      expect(await layerErrors(page)).toBe('{}');
      await page.screenshot({ path: `${ARTIFACTS}/neuroglancer-ome05-labels.png` });
      // Around a corner of four cells (64² each), and one on the border (id 0); three ids lie above 2**53.
      const points = [
        [62, 62],
        [65, 65],
        [70, 58],
        [40, 90],
        [10, 64],
      ];
      expect(points.filter(([x, y]) => id(x, y) > 2n ** 53n)).toHaveLength(3);
      for (const [x, y] of points) {
        const want = id(x, y);
        expect(await valuesAt(page, x, y, true), `voxel ${x}, ${y}`).toEqual({
          'cells.ome.zarr c0': String(intensity(0, y, x)),
          'cells.ome.zarr c1': String(intensity(1, y, x)),
          seg: String(want),
        });
      }
      expect(problems).toEqual([]);
      await page.close();
    },
    TEST_MS,
  );

  it(
    'a BossDB EM channel with its uint64 annotation channel',
    async () => {
      const em = await catalog('bossdb/zb_public/labels/em');
      const seg = await catalog('bossdb/zb_public/labels/seg');
      const state = buildNeuroglancerState({
        layers: [
          { node: em, channels: [{ ...white, window: [0, 255] }], selection: { z: 5 } },
          { node: seg, channels: [{ ...white, window: [0, 1] }], selection: { z: 5 }, opacity: 0.5 },
        ],
        view: { target: [100, 150], zoom: 3 },
      });
      expect(state.layers.map((l) => [l.name, l.type])).toEqual([
        ['em', 'image'],
        ['seg', 'segmentation'],
      ]);
      const { page, problems } = await open(state);
      expect(await layerErrors(page)).toBe('{}');
      await page.screenshot({ path: `${ARTIFACTS}/neuroglancer-bossdb.png` });
      for (const [x, y] of [
        [100, 150],
        [77, 130],
        [131, 170],
      ])
        expect(await valuesAt(page, x, y, true), `voxel ${x}, ${y}`).toEqual({
          em: String(expectedVoxel('zb_public/labels/em', 0, 0, x, y, 5)),
          seg: String(expectedVoxel('zb_public/labels/seg', 0, 0, x, y, 5)),
        });
      expect(problems).toEqual([]);
      await page.close();
    },
    TEST_MS,
  );

  it(
    "opens from the viewer's link with the view as shown, and a state back in the viewer",
    async () => {
      const { page } = await openViewer(
        h,
        '?source=local/image_blosc.ome.zarr&sel=t:1,z:5&view=60.5,60.5,3&labels=cells:0.6&ch=1,ff0000,0,37968;0,00ff00,3000,6000',
      );
      const link = page.locator('[data-testid="open-neuroglancer"]');
      // The link carries the label once its catalog entry is in.
      await expect.poll(() => link.getAttribute('href'), { timeout: 20_000 }).toContain('labels/cells');
      const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
      const problems = watch(popup);
      await whenReady(popup);
      expect(await layerErrors(popup)).toBe('{}');
      const names = (await popup.evaluate('window.viewer.layerManager.managedLayers.map((l) => l.name)')) as string[];
      // Channel 1 is hidden in the viewer: no layer for it.
      expect(names).toEqual(['image_blosc.ome.zarr ch0-red', 'cells']);
      expect(await valuesAt(popup, 61, 61, true)).toEqual({
        'image_blosc.ome.zarr ch0-red': String(imageValue(1, 0, 5, 61, 61)),
        cells: String(cellValue(1, 61, 61)),
      });
      // The viewer's view is Neuroglancer's: pixel centre (60.5, 60.5) is voxel centre (60, 60); 8 screen pixels a voxel.
      expect(await popup.evaluate('Array.from(window.viewer.position.value)')).toEqual([60, 60, 5, 1]);
      expect(await popup.evaluate('window.viewer.crossSectionScale.value')).toBe(0.125);
      expect(problems).toEqual([]);

      // Back: Neuroglancer's own URL, pasted into the viewer as ?neuroglancer=.
      const url = popup.url();
      await popup.close();
      const { page: again, pageErrors } = await openViewer(h, `?neuroglancer=${encodeURIComponent(url)}`);
      await expect.poll(() => again.evaluate('location.search')).toContain('source=local/image_blosc.ome.zarr');
      const search = (await again.evaluate('decodeURIComponent(location.search)')) as string;
      expect(search).toContain('labels=cells:0.6');
      expect(search).toContain('sel=t:1,z:5');
      expect(search).toContain('view=60.5,60.5,3');
      expect(search).toMatch(/ch=1,ff0000,0,37968;[01],00ff00/);
      expect(pageErrors).toEqual([]);
      await again.close();
      await page.close();
    },
    TEST_MS,
  );
});
