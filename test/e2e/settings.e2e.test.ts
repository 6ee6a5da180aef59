/**
 * The settings panel in browser mode: it shows the bridge the viewer talks to and the values `serve`
 * really runs with (the BossDB cache's capacity, the default origins plus --allow-origin, the chunk cache),
 * read-only; with BossDB off it says so and shows no token or cache text. It opens from `?panel=settings`
 * (the desktop menu's Settings… item).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_ORIGINS } from '../../src/bridge/http/origin-policy.js';
import { type BossdbFixture, startBossdbFixture } from '../bossdb-fixture/index.js';
import { checkPrerequisites, type Harness, newPage, startHarness } from './harness.js';

const ready = checkPrerequisites();

describe.skipIf(!ready)('settings panel', () => {
  let off: Harness;
  let on: Harness;
  let fx: BossdbFixture;
  beforeAll(async () => {
    fx = await startBossdbFixture();
    off = await startHarness(['image_gzip.ome.zarr'], {
      allowOrigins: ['https://example.org'],
      chunkCacheBytes: 32 * 2 ** 20,
    });
    // As `serve --cache-mb 512 --bossdb-token …` passes them.
    on = await startHarness([], { bossdb: { url: fx.url, token: 'secret-token', cacheBytes: 512 * 2 ** 20 } });
  }, 60_000);
  afterAll(async () => {
    await off?.close();
    await on?.close();
    await fx?.close();
  });

  it('BossDB off: the real origins and caches, read-only, and no token or BossDB cache text', async () => {
    const { page, pageErrors } = await newPage(off);
    await page.goto(`${off.origin}/?panel=settings`);
    const panel = page.getByTestId('settings');
    await panel.waitFor();
    expect(await panel.textContent()).toContain(off.bridge.url.replace('localhost', '127.0.0.1'));
    expect(await page.getByTestId('setting-port').textContent()).toBe(String(off.bridge.port));
    expect(await page.getByTestId('setting-bossdb').textContent()).toContain('off');
    const origins = (await page.getByTestId('setting-origins').locator('li').allTextContents()).map((s) => s.trim());
    expect(origins[0]).toMatch(/loopback/);
    expect(origins.slice(1)).toEqual([...DEFAULT_ALLOWED_ORIGINS, 'https://example.org (--allow-origin)']);
    expect(await page.getByTestId('setting-chunk-cache').textContent()).toBe('32 MiB');
    expect(await page.getByTestId('setting-cache').count()).toBe(0);
    expect(await page.getByTestId('token-status').count()).toBe(0);
    expect((await panel.textContent()) ?? '').not.toMatch(/token|keychain|256 MiB/i);
    // Read-only: nothing to edit or save in the browser.
    expect(await panel.locator('input, textarea').count()).toBe(0);
    expect(await panel.getByRole('button', { name: 'Save' }).count()).toBe(0);
    await panel.getByRole('button', { name: 'Close' }).click();
    expect(await page.getByTestId('settings').count()).toBe(0);
    await page.getByRole('button', { name: 'Settings…' }).click();
    await page.getByTestId('settings').waitFor();
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('BossDB on: its URL, the cache the source really has, and that a token is set (never the token)', async () => {
    const { page, pageErrors } = await newPage(on);
    await page.goto(`${on.origin}/?panel=settings`);
    await page.getByTestId('settings').waitFor();
    expect(await page.getByTestId('setting-bossdb').textContent()).toBe(fx.url);
    expect(await page.getByTestId('setting-cache').textContent()).toBe('512 MiB');
    expect(await page.getByTestId('token-status').textContent()).toContain('given to zarr-bridge serve');
    expect(await page.content()).not.toContain('secret-token');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
