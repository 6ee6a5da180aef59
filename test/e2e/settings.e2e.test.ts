/**
 * The settings panel in browser mode: it shows the bridge the viewer talks to
 * and the `serve` settings read-only, and opens from `?panel=settings` (the
 * desktop menu's Settings… item).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPrerequisites, type Harness, newPage, startHarness } from './harness.js';

const ready = checkPrerequisites();

describe.skipIf(!ready)('settings panel', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(['image_gzip.ome.zarr'], { allowOrigins: ['https://example.org'] });
  });
  afterAll(() => h?.close());

  it('shows the bridge and its settings read-only in the browser', async () => {
    const { page, pageErrors } = await newPage(h);
    await page.goto(`${h.origin}/?panel=settings`);
    const panel = page.getByTestId('settings');
    await panel.waitFor();
    expect(await panel.textContent()).toContain(h.bridge.url.replace('localhost', '127.0.0.1'));
    expect(await panel.locator('input[name="port"]').inputValue()).toBe(String(h.bridge.port));
    expect(await panel.locator('input[name="port"]').isDisabled()).toBe(true);
    expect(await panel.locator('textarea[name="origins"]').inputValue()).toBe('https://example.org');
    expect(await page.getByTestId('token-status').textContent()).toContain('No token');
    expect(await panel.getByRole('button', { name: 'Save' }).count()).toBe(0);
    await panel.getByRole('button', { name: 'Close' }).click();
    expect(await page.getByTestId('settings').count()).toBe(0);
    await page.getByRole('button', { name: 'Settings…' }).click();
    await page.getByTestId('settings').waitFor();
    expect(pageErrors).toEqual([]);
  });
});
