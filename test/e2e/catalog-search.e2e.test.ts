/**
 * The catalog filter searches the whole tree: a name six levels down in a folder nobody expanded (written
 * by zarr-python 2.13, with many sibling groups) is found by loading folders lazily, with progress shown,
 * and the way to it opens; a name that is nowhere says "No matches". BossDB's levels are named collection,
 * experiment and channel, and channels show their shapes with axis names.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BossdbFixture, startBossdbFixture } from '../bossdb-fixture/index.js';
import { missing, pythonZarrPresent } from '../support/env.js';
import { runPython } from '../support/python.js';
import { checkPrerequisites, FIXTURES, type Harness, newPage, startHarness } from './harness.js';

const ready = checkPrerequisites();
const python = ready && !missing('Debian python3-zarr', pythonZarrPresent());

/** projects/p0..p11/runs/r0..r3 groups, and one array `needle_7` deep inside p7/runs/r2/cells. */
const WRITE_TREE = `
import sys, zarr, numpy as np
root = zarr.open_group(sys.argv[1], mode="w")
for p in range(12):
    for r in range(4):
        root.require_group(f"projects/p{p}/runs/r{r}")
deep = root.require_group("projects/p7/runs/r2/cells")
deep.create_dataset("needle_7", data=np.arange(64, dtype="u2").reshape(8, 8), chunks=(4, 4))
`;

describe.skipIf(!ready || !python)('catalog filter and BossDB levels end to end', () => {
  let h: Harness;
  let fx: BossdbFixture;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zb-search-'));
    const made = await runPython(['-c', WRITE_TREE, join(dir, 'deep.zarr')]);
    if (made.status !== 0) throw new Error(made.stderr);
    fx = await startBossdbFixture();
    h = await startHarness([], {
      open: [join(FIXTURES, 'image_gzip.ome.zarr'), join(dir, 'deep.zarr')],
      bossdb: { url: fx.url },
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await fx?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds a name deep in an unexpanded folder, shows progress, opens the way, and says "No matches"', async () => {
    const { page, pageErrors } = await newPage(h);
    await page.goto(`${h.origin}/?test=1`);
    await page.getByTestId('tree-local').waitFor();
    const catalogRequests: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/catalog/')) catalogRequests.push(new URL(r.url()).pathname);
    });
    await page.getByTestId('catalog-filter').fill('needle');
    const target = page.getByTestId('tree-local/deep.zarr/projects/p7/runs/r2/cells/needle_7');
    await target.waitFor({ timeout: 30_000 });
    // The search read folders it had never been shown, and said how far it got.
    expect(catalogRequests).toContain('/catalog/local/deep.zarr/projects/p7/runs/r2/cells');
    await expect
      .poll(() => page.getByTestId('search-progress').textContent(), { timeout: 30_000 })
      .toMatch(/^1 match in \d+ folders\.$/);
    // Only the way to the match shows: no sibling project, no other mount.
    expect(await page.getByTestId('tree-local/deep.zarr/projects/p6').count()).toBe(0);
    expect(await page.getByTestId('tree-local/image_gzip.ome.zarr').count()).toBe(0);
    expect(await page.getByTestId('tree-bossdb').count()).toBe(0);
    expect(await page.getByTestId('meta-local/deep.zarr/projects/p7/runs/r2/cells/needle_7').textContent()).toBe(
      '8×8 uint16',
    );

    // A second query reuses what was loaded, and a query that matches nothing says so.
    await page.getByTestId('catalog-filter').fill('no-such-name-anywhere');
    const none = page.getByTestId('no-matches');
    await none.waitFor({ timeout: 30_000 });
    expect(await none.textContent()).toMatch(/^No matches for “no-such-name-anywhere” in \d+ folders\./);
    expect(await page.locator('.tree .tree-item').count()).toBe(0);

    // Clearing the filter brings the whole tree back (folders the search opened close again).
    await page.getByTestId('catalog-filter').fill('');
    await page.getByTestId('tree-bossdb').waitFor();
    await page.getByTestId('tree-local').click();
    await page.getByTestId('tree-local/image_gzip.ome.zarr').waitFor();
    expect(await page.getByTestId('no-matches').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);

  it('names BossDB levels collection, experiment and channel, with channel shapes and axis names', async () => {
    const { page, pageErrors } = await newPage(h);
    await page.goto(`${h.origin}/?test=1`);
    await page.getByTestId('tree-bossdb').click();
    await page.getByTestId('tree-bossdb/zb_public').waitFor();
    expect(await page.getByTestId('kind-bossdb').textContent()).toBe('BossDB');
    expect(await page.getByTestId('kind-bossdb/zb_public').textContent()).toBe('collection');
    await page.getByTestId('tree-bossdb/zb_public').click();
    await page.getByTestId('tree-bossdb/zb_public/aniso').waitFor();
    expect(await page.getByTestId('kind-bossdb/zb_public/aniso').textContent()).toBe('experiment');
    await page.getByTestId('tree-bossdb/zb_public/aniso').click();
    await page.getByTestId('tree-bossdb/zb_public/aniso/em16').waitFor();
    expect(await page.getByTestId('kind-bossdb/zb_public/aniso/em16').textContent()).toBe('channel');
    expect(await page.getByTestId('kind-bossdb/zb_public/aniso/em16').getAttribute('title')).toBe('BossDB channel');
    // Shown in the listing, before the channel is opened or expanded.
    expect(await page.getByTestId('meta-bossdb/zb_public/aniso/em16').textContent()).toBe(
      'z 20 × y 600 × x 1100 uint16 · 3 levels',
    );

    // The filter finds a channel through collections and experiments it has to list itself.
    await page.getByTestId('catalog-filter').fill('em16');
    await page.getByTestId('tree-bossdb/zb_public/aniso/em16').waitFor();
    await expect
      .poll(() => page.getByTestId('search-progress').textContent(), { timeout: 30_000 })
      .toMatch(/^1 match in/);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);
});
