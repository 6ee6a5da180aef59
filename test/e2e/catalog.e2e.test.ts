/**
 * The catalog browser in a real Chromium: the empty state, "Open folder…" through POST /control/open,
 * browsing the lazy tree into an image, bioformats2raw series, and errors shown in the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, checkPrerequisites, FIXTURES, type Harness, startHarness, waitFor } from './harness.js';

const ready = checkPrerequisites();

describe.skipIf(!ready)('catalog browser end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    // Nothing mounted at start: the empty state must show, then the user opens a folder.
    h = await startHarness([]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows an empty state, opens a folder by path, and browses into a bioformats2raw series', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1200, height: 700 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${h.origin}/?test=1`);
    await page.waitForSelector('[data-testid="empty-state"]');
    expect(await page.textContent('[data-testid="empty-state"]')).toContain('Open folder');

    await page.fill('[data-testid="open-folder-path"]', `${FIXTURES}/image_gzip.ome.zarr`);
    await page.click('.add-source form:first-of-type button[type="submit"]');
    await waitFor(
      async () => ((await page.evaluate('window.__zarrBridge?.viewportLoads ?? 0')) as number) > 0,
      'the opened folder to render',
    );
    await expect.poll(() => page.evaluate('location.search')).toContain('source=local/image_gzip.ome.zarr');
    expect(await page.isVisible('[data-testid="empty-state"]')).toBe(false);

    // The tree is lazy: expand local, see the image with its shape, dtype and level count.
    await page.fill('[data-testid="open-folder-path"]', `${FIXTURES}/bf2raw.ome.zarr`);
    await page.click('.add-source form:first-of-type button[type="submit"]');
    await waitFor(async () => String(await page.evaluate('location.search')).includes('bf2raw'), 'bf2raw to open');
    await page.click('[data-testid="tree-local"]');
    await page.waitForSelector('[data-testid="tree-local/bf2raw.ome.zarr"]');
    await page.click('.tree-item.kind-bioformats2raw > .tree-row .twisty');
    await page.waitForSelector('[data-testid="tree-local/bf2raw.ome.zarr/1"]');
    await page.click('[data-testid="tree-local/bf2raw.ome.zarr/1"]');
    await waitFor(
      async () => String(await page.evaluate('location.search')).includes('source=local/bf2raw.ome.zarr/1'),
      'series 1 to open',
    );
    await page.click('.tree-item.kind-image > .tree-row .twisty >> nth=0');
    await waitFor(
      async () => /\d+×\d+.*uint16|uint16/.test((await page.textContent('.catalog')) ?? ''),
      'shape and dtype in the tree',
    );
    await page.screenshot({ path: `${ARTIFACTS}/catalog.png` });

    // Filter hides non-matching entries.
    await page.fill('input[aria-label="Filter catalog"]', 'gzip');
    expect(await page.isVisible('[data-testid="tree-local/image_gzip.ome.zarr"]')).toBe(true);
    expect(await page.isVisible('[data-testid="tree-local/bf2raw.ome.zarr"]')).toBe(false);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('reports a missing source and a bad folder in the page', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.origin}/?source=local/no-such-image`);
    await page.waitForSelector('[data-testid="errors"]');
    // Worded for people: no status code, no raw bridge text (api/humanError.ts).
    expect(await page.textContent('[data-testid="errors"]')).toContain(
      'local/no-such-image is not in the catalog: it may have been removed, or the link is old.',
    );
    await page.fill('[data-testid="open-folder-path"]', '/no/such/folder');
    await page.click('.add-source form:first-of-type button[type="submit"]');
    await waitFor(
      async () =>
        ((await page.textContent('[data-testid="errors"]')) ?? '').includes(
          'Could not open /no/such/folder. There is no file or folder at /no/such/folder.',
        ),
      'open error',
    );
    expect(await page.textContent('[data-testid="errors"]')).not.toMatch(/ENOENT|realpath|\b404\b/);
    await page.close();
  });
});
