/**
 * BossDB in the viewer: the catalog lists bossdb → collections → experiments → channels lazily (the fixture's
 * log shows when channels are first asked for), a uint16 z,y,x channel draws the fixture's voxel formula at
 * levels 0 and 1, the info panel shows its voxel size, and the bossdb-zarr copy URLs answer 200.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BossdbFixture, findChannel, startBossdbFixture, voxelFn } from '../bossdb-fixture/index.js';
import {
  ARTIFACTS,
  checkPrerequisites,
  expectPixels,
  grey,
  type Harness,
  newPage,
  openViewer,
  type Rgb,
  startHarness,
  waitForPixels,
} from './harness.js';

const ready = checkPrerequisites();
const CHANNEL = 'zb_public/aniso/em16';

describe.skipIf(!ready)('BossDB in the viewer end to end', () => {
  let h: Harness;
  let fx: BossdbFixture;
  beforeAll(async () => {
    fx = await startBossdbFixture();
    h = await startHarness([], { bossdb: { url: fx.url } });
  });
  afterAll(async () => {
    await h?.close();
    await fx?.close();
  });

  it('browses bossdb → collection → experiment → channel lazily and opens the channel', async () => {
    const { page, pageErrors } = await newPage(h);
    await page.goto(`${h.origin}/?test=1`);
    const channelLists = () => fx.log.filter((r) => /\/experiment\/aniso\/channel\/?$/.test(r.url)).length;
    await page.click('[data-testid="tree-bossdb"]');
    await page.click('[data-testid="tree-bossdb/zb_public"]');
    await page.waitForSelector('[data-testid="tree-bossdb/zb_public/aniso"]');
    // The experiment is listed but not expanded: its channels have not been asked for yet.
    expect(channelLists()).toBe(0);
    await page.click('[data-testid="tree-bossdb/zb_public/aniso"]');
    await page.waitForSelector('[data-testid="tree-bossdb/zb_public/aniso/em16"]');
    expect(channelLists()).toBeGreaterThan(0);
    expect(await page.isVisible('[data-testid="tree-bossdb/zb_public/aniso/em"]')).toBe(true);
    await page.click('[data-testid="tree-bossdb/zb_public/aniso/em16"]');
    await page.waitForSelector('[data-testid="voxel-size"]');
    expect(await page.textContent('[data-testid="image-info"]')).toContain('z 20 × y 600 × x 1100 · uint16 · 3 levels');
    expect(await page.textContent('[data-testid="voxel-size"]')).toBe('Voxel: 4 × 4 × 40 nanometer (x × y × z)');
    // The address follows the view within 200 ms.
    await expect.poll(() => page.evaluate('location.search')).toContain(`source=bossdb/${CHANNEL}`);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('draws the voxel formula at level 0 and level 1 in absolute BossDB coordinates', async () => {
    const ref = findChannel(CHANNEL);
    if (!ref) throw new Error(`fixture has no ${CHANNEL}`);
    const t = ref.channel.default_time_sample;
    const voxel = voxelFn(CHANNEL);
    const z = 7;
    // Window [0, 65535]: every uint16 value maps to a distinct-enough grey; the formula varies per 8×8 patch
    // and per voxel inside it, so a shifted, mirrored or wrong-level read would not match.
    const lo = 0;
    const hi = 65535;
    const ch = `ch=1,ffffff,${lo},${hi}`;

    // Zoom 2: level 0, 4 screen px per voxel. Points straddle the 256-voxel chunk boundary at x=256.
    const l0 = await openViewer(h, `?source=bossdb/${CHANNEL}&sel=z:${z}&view=300,200,2&${ch}`);
    const v0: [number, number][] = [
      [250, 150],
      [255, 199],
      [256, 199],
      [333, 260],
      [370, 130],
    ];
    let expected: Rgb[] = v0.map(([x, y]) => {
      const g = grey(Number(voxel(t, 0, x, y, z)), lo, hi);
      return [g, g, g];
    });
    const pts0 = v0.map(([x, y]) => [x + 0.5, y + 0.5] as [number, number]);
    expectPixels(await waitForPixels(l0.page, pts0, expected, 3), expected, 3);
    await l0.page.screenshot({ path: `${ARTIFACTS}/bossdb-level0.png` });

    // Copy URLs: the bossdb-zarr forms, and they answer.
    const texts = (await l0.page.evaluate(
      `Array.from(document.querySelectorAll('[data-testid="copy-url"]')).map((e) => e.textContent)`,
    )) as string[];
    expect(texts).toContain(`n5://${h.origin}/api/${CHANNEL}`);
    expect(texts).toContain(`zarr://${h.origin}/ome/${CHANNEL}`);
    for (const url of [`${h.origin}/api/${CHANNEL}/attributes.json`, `${h.origin}/ome/${CHANNEL}/.zattrs`]) {
      expect((await fetch(url)).status, url).toBe(200);
    }
    const probes = (await l0.page.evaluate(
      `Array.from(document.querySelectorAll('[data-testid="copy-url"]')).map((e) => e.dataset.probe).filter(Boolean)`,
    )) as string[];
    expect(probes).toContain(`${h.origin}/api/${CHANNEL}/attributes.json`);
    expect(probes).toContain(`${h.origin}/ome/${CHANNEL}/.zattrs`);
    for (const url of probes) expect((await fetch(url)).status, url).toBe(200);
    await l0.page.close();

    // Zoom −1: level 1 (x, y halved; z kept: the hierarchy is anisotropic), one screen px per level-1 voxel.
    const l1 = await openViewer(h, `?source=bossdb/${CHANNEL}&sel=z:${z}&view=550,300,-1&${ch}`);
    const v1: [number, number][] = [
      [3, 5],
      [127, 128],
      [128, 128],
      [300, 200],
      [549, 299],
    ];
    expected = v1.map(([x, y]) => {
      const g = grey(Number(voxel(t, 1, x, y, z)), lo, hi);
      return [g, g, g];
    });
    const pts1 = v1.map(([x, y]) => [2 * x + 1, 2 * y + 1] as [number, number]);
    expectPixels(await waitForPixels(l1.page, pts1, expected, 3), expected, 3);
    await l1.page.screenshot({ path: `${ARTIFACTS}/bossdb-level1.png` });
    expect(l0.pageErrors.concat(l1.pageErrors)).toEqual([]);
    await l1.page.close();
  });
});
