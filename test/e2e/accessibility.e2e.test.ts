/**
 * An axe-core audit of the viewer's main views in Chromium: the empty start page, an open image with its
 * panels (labels on, the catalog expanded with "+ layer" buttons), a plate with its contrast controls, a
 * bioformats2raw series picker, the settings panel, the catalog with a filter (matches and none), and an
 * error on screen. Any serious or critical violation fails the test, naming the rule and the element.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, serious } from './axe.js';
import { checkPrerequisites, type Harness, newPage, openViewer, startHarness } from './harness.js';

const ready = checkPrerequisites();

describe.skipIf(!ready)('accessibility (axe-core) of the main views', () => {
  let h: Harness;
  let empty: Harness;
  beforeAll(async () => {
    h = await startHarness(['image_gzip.ome.zarr', 'plate.ome.zarr', 'bf2raw.ome.zarr']);
    empty = await startHarness([]);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await empty?.close();
  });

  /** Audits the page and returns its serious/critical findings prefixed with the view's name. */
  async function findings(view: string, page: Page): Promise<string[]> {
    return serious(await audit(page)).map((f) => `${view}: ${f}`);
  }

  it('has no serious or critical violations', async () => {
    const found: string[] = [];

    const start = await newPage(empty);
    await start.page.goto(`${empty.origin}/?test=1`);
    await start.page.getByTestId('empty-state').waitFor();
    found.push(...(await findings('empty start page', start.page)));
    await start.page.close();

    const image = await openViewer(h, '?source=local/image_gzip.ome.zarr&labels=cells:0.5');
    await image.page.getByTestId('tree-local').click();
    await image.page.getByTestId('add-layer-local/image_gzip.ome.zarr').waitFor();
    found.push(...(await findings('open image with panels', image.page)));
    await image.page.getByTestId('catalog-filter').fill('gzip');
    await image.page.getByTestId('search-progress').filter({ hasText: /match/ }).waitFor({ timeout: 30_000 });
    found.push(...(await findings('catalog filter with matches', image.page)));
    await image.page.getByTestId('catalog-filter').fill('no-such-name');
    await image.page.getByTestId('no-matches').waitFor({ timeout: 30_000 });
    found.push(...(await findings('catalog filter without matches', image.page)));
    expect(image.pageErrors).toEqual([]);
    await image.page.close();

    const { page, pageErrors } = await newPage(h);
    await page.goto(`${h.origin}/?source=local/plate.ome.zarr&test=1`);
    await page.getByTestId('plate-contrast').waitFor({ timeout: 30_000 });
    found.push(...(await findings('plate', page)));

    await page.goto(`${h.origin}/?source=local/bf2raw.ome.zarr&test=1`);
    await page.getByTestId('series-picker').waitFor({ timeout: 30_000 });
    found.push(...(await findings('series picker', page)));

    await page.goto(`${h.origin}/?panel=settings`);
    await page.getByTestId('settings').waitFor();
    found.push(...(await findings('settings panel', page)));

    await page.goto(`${h.origin}/?source=local/no-such-image&test=1`);
    await page.getByTestId('errors').waitFor();
    found.push(...(await findings('error shown', page)));
    expect(pageErrors).toEqual([]);
    await page.close();

    expect(found).toEqual([]);
  }, 240_000);
});
