/**
 * More than six channels (vizarr stops at six): an 8-channel image written by
 * the project's own Zarr v3 writer shows eight channel controls, and the
 * eighth channel alone draws its own values.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeArray, writeGroup } from '../../scripts/lib/zarr-v3-writer.js';
import {
  centres,
  checkPrerequisites,
  expectPixels,
  grey,
  type Harness,
  openViewer,
  samplePixels,
  startHarness,
  waitForPixels,
} from './harness.js';

const ready = checkPrerequisites();
const C = 8;
const value = (c: number, y: number, x: number) => c * 5000 + y * 10 + x;

describe.skipIf(!ready)('eight channels', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zb-channels-'));
    const image = join(dir, 'eight.ome.zarr');
    writeArray(
      join(image, '0'),
      { shape: [C, 64, 64], chunks: [1, 64, 64], dtype: 'uint16', dimensionNames: ['c', 'y', 'x'] },
      (data, o, s) => {
        let i = 0;
        for (let y = 0; y < s[1]; y++) for (let x = 0; x < s[2]; x++) data[i++] = value(o[0], y, x);
      },
    );
    writeGroup(image, {
      ome: {
        version: '0.5',
        multiscales: [
          {
            axes: [
              { name: 'c', type: 'channel' },
              { name: 'y', type: 'space' },
              { name: 'x', type: 'space' },
            ],
            datasets: [{ path: '0', coordinateTransformations: [{ type: 'scale', scale: [1, 1, 1] }] }],
          },
        ],
      },
    });
    h = await startHarness([image]);
  });
  afterAll(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows eight channel controls and draws the eighth channel alone', async () => {
    const ch = Array.from({ length: C }, (_, c) => (c === 7 ? '1,ffffff,35000,36000' : '0,ff0000,0,65535')).join(';');
    const { page, pageErrors } = await openViewer(h, `?source=local/eight.ome.zarr&view=32,32,2&ch=${ch}`);
    for (let c = 0; c < C; c++) expect(await page.getByTestId(`channel-${c}`).count(), `channel ${c}`).toBe(1);
    const points = centres([
      [10, 20],
      [40, 5],
    ]);
    const expected = points.map(([x, y]) => {
      const g = grey(value(7, Math.floor(y), Math.floor(x)), 35000, 36000);
      return [g, g, g] as [number, number, number];
    });
    await waitForPixels(page, points, expected, 3);
    await page.getByTestId('channel-7-visible').click();
    await waitForPixels(
      page,
      points,
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
      0,
    );
    expectPixels(
      await samplePixels(page, points),
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
      0,
    );
    expect(pageErrors).toEqual([]);
  });
});
