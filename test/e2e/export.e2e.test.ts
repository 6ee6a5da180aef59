/**
 * Export from the viewer, end to end in headless Chromium: a BossDB channel
 * (the fixture server) is opened, zoomed into, exported as its view's box
 * through the dialog; the jobs panel shows the progress, the result opens in
 * the viewer, and the written sharded 0.5 image holds the fixture's voxels.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BossdbFixture, startBossdbFixture, voxelFn } from '../bossdb-fixture/index.js';
import { readWritten } from '../support/convert.js';
import { checkPrerequisites, type Harness, openViewer, startHarness, waitFor } from './harness.js';

const ready = checkPrerequisites();
const CHANNEL = 'zb_public/aniso/em16';

describe.skipIf(!ready)('Export from the viewer', () => {
  let h: Harness;
  let fx: BossdbFixture;
  let tmp: string;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'zb-export-e2e-'));
    fx = await startBossdbFixture();
    h = await startHarness([], { bossdb: { url: fx.url } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await fx?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('exports the view’s box of a BossDB channel as sharded OME-Zarr 0.5, shows progress, then opens it', async () => {
    // Zoomed in (2 screen pixels per voxel) around x=300, y=200 of level 0.
    const { page, pageErrors } = await openViewer(h, `?source=bossdb/${CHANNEL}&view=300,200,1`);
    await page.click('[data-testid="export-button"]');
    await page.waitForSelector('[data-testid="export-dialog"]');
    await page.check('[data-testid="export-view-box"]');
    const out = join(tmp, 'em16-region.ome.zarr');
    await page.fill('[data-testid="export-output"]', out);
    await page.fill('[data-testid="export-levels"]', '2');
    await page.click('[data-testid="export-start"]');
    await page.waitForSelector('[data-testid="export-job"]');
    await waitFor(
      async () => (await page.getAttribute('[data-testid="export-job"]', 'data-status')) === 'done',
      'the export to finish',
      120_000,
    );
    expect(await page.isVisible('[data-testid="export-jobs"] progress')).toBe(true);
    // Opened in the viewer.
    await waitFor(
      async () => ((await page.evaluate('location.search')) as string).includes('em16-region.ome.zarr'),
      'the result to open',
    ).catch(async (e: Error) => {
      const errors = await page.evaluate(`document.querySelector('[data-testid="errors"]')?.textContent ?? ''`);
      throw new Error(`${e.message}: ${await page.evaluate('location.search')} ${errors}`);
    });

    const group = JSON.parse(readFileSync(join(out, 'zarr.json'), 'utf8')) as {
      attributes: {
        ome: {
          multiscales: {
            datasets: { coordinateTransformations: { type: string; scale?: number[]; translation?: number[] }[] }[];
          }[];
        };
      };
    };
    const t0 = group.attributes.ome.multiscales[0].datasets[0].coordinateTransformations;
    const scale = t0.find((t) => t.type === 'scale')!.scale!;
    const translation = t0.find((t) => t.type === 'translation')?.translation ?? [0, 0, 0];
    const [z0, y0, x0] = translation.map((t, i) => Math.round(t / scale[i]));
    expect(z0).toBe(0);
    const level0 = await readWritten(out, '0');
    const [nz, ny, nx] = level0.shape;
    // A box around the view's centre, smaller than the channel (600×1100).
    expect(x0).toBeLessThan(300);
    expect(x0 + nx).toBeGreaterThan(300);
    expect(y0 + ny).toBeGreaterThan(200);
    expect(nx).toBeLessThan(1100);
    expect(nz).toBe(20);
    const expected = voxelFn(CHANNEL);
    const data = level0.data as Uint16Array;
    let wrong = 0;
    for (let z = 0; z < nz; z += 3) {
      for (let y = 0; y < ny; y += 7) {
        for (let x = 0; x < nx; x += 5) {
          if (data[(z * ny + y) * nx + x] !== expected(0, 0, x0 + x, y0 + y, z)) wrong++;
        }
      }
    }
    expect(wrong).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, '0/zarr.json'), 'utf8')) as { codecs: { name: string }[] };
    expect(doc.codecs[0].name).toBe('sharding_indexed');
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 180_000);
});
