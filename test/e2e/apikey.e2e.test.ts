/**
 * A bridge started with --api-key: the viewer's own files load without the key, data does not; opening the URL
 * `serve` prints (`/?api_key=…`) moves the key into an HttpOnly, SameSite=Strict cookie for this bridge and out
 * of the address bar, and the viewer then draws correct pixels. Without the cookie, or with a wrong key, the
 * page says what to open instead of failing silently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkPrerequisites,
  expectPixels,
  grey,
  type Harness,
  openViewer,
  type Rgb,
  startHarness,
  waitForPixels,
} from './harness.js';

const ready = checkPrerequisites();
const KEY = 'k3y-Sëcret/+=';

describe.skipIf(!ready)('the viewer of a bridge started with --api-key', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(['image_gzip.ome.zarr'], { apiKey: KEY });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('serves its files without the key, and data only with it', async () => {
    const page = await fetch(`${h.origin}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /src="\.?(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${h.origin}${script}`)).status).toBe(200);
    for (const path of ['/catalog/', '/zarr/v3/local/image_gzip.ome.zarr/zarr.json', '/control/settings'])
      expect((await fetch(`${h.origin}${path}`)).status, path).toBe(401);
  });

  it('opens from the printed URL: cookie set, key gone from the address bar, pixels right', async () => {
    const url = `?api_key=${encodeURIComponent(KEY)}&source=local/image_gzip.ome.zarr&sel=t:0,z:4&view=68,60,2&ch=1,ffffff,3000,6000;0,00ff00,0,65535`;
    const { page, pageErrors } = await openViewer(h, url);
    expect(await page.evaluate('location.search')).not.toContain('api_key');
    const cookies = await page.context().cookies();
    const cookie = cookies.find((c) => c.name === `zarr_bridge_key_${h.bridge.port}`);
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    expect(await page.evaluate('document.cookie')).toBe('');
    const pts: [number, number][] = [
      [40.5, 30.5],
      [90.5, 70.5],
    ];
    const want: Rgb[] = pts.map(([x, y]) => {
      const g = grey(4000 + Math.floor(y) * 7 + Math.floor(x), 3000, 6000);
      return [g, g, g];
    });
    expectPixels(await waitForPixels(page, pts, want, 3), want, 3);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);

  it('without the key, or with a wrong one, says what to open', async () => {
    for (const query of ['?source=local/image_gzip.ome.zarr', '?api_key=wrong&source=local/image_gzip.ome.zarr']) {
      const context = await h.browser.newContext();
      const page = await context.newPage();
      await page.goto(`${h.origin}/${query}&test=1`);
      await page.waitForSelector('[data-testid="errors"]');
      expect(await page.textContent('[data-testid="errors"]')).toMatch(/API key/);
      expect(await page.evaluate('location.search')).not.toContain('api_key');
      await context.close();
    }
  }, 60_000);
});
