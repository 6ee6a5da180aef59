/**
 * The viewer with a folder named `Zellkern ü 細胞 #1.ome.zarr`: it opens by
 * `?source=`, draws the right pixels, keeps the name in its URL state, and
 * every copy-URL it offers is percent-encoded and answers.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  centres,
  checkPrerequisites,
  expectPixels,
  FIXTURES,
  grey,
  type Harness,
  openViewer,
  type Rgb,
  startHarness,
  waitForPixels,
} from './harness.js';

const ready = checkPrerequisites();
const NAME = 'Zellkern ü 細胞 #1.ome.zarr';

describe.skipIf(!ready)('viewer with a Unicode folder name', () => {
  let h: Harness;
  let work: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zb-e2e-names-'));
    cpSync(join(FIXTURES, 'image_gzip.ome.zarr'), join(work, NAME), { recursive: true });
    h = await startHarness([join(work, NAME)]);
  });
  afterAll(async () => {
    await h?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('opens, draws the voxels and offers encoded URLs that answer', async () => {
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
