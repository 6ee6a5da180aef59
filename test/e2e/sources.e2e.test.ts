/**
 * The API seam in a real Chromium: browser mode over HTTP (/control/*, settings read-only, recent sources in
 * localStorage, a dropped folder explained), and desktop mode with a stand-in `window.zarrBridge` injected
 * before the page loads (native folder dialog, dropped folder paths).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkPrerequisites,
  FIXTURES,
  type Harness,
  newPage,
  startHarness,
  viewportLoads,
  waitFor,
} from './harness.js';

const ready = checkPrerequisites();

/** Drops a File named `name` on the stage, as a drag from the file manager would. */
const dropFile = (name: string) => `(() => {
  const dt = new DataTransfer();
  dt.items.add(new File(['x'], ${JSON.stringify(name)}));
  const el = document.querySelector('.stage');
  el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
  el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
})()`;

/** A desktop preload stand-in: the dialog "chooses" image_gzip; dropped files resolve inside the fixtures. */
const fakeDesktop = `
  window.__calls = [];
  let recent = [];
  window.zarrBridge = {
    mode: 'desktop',
    bridgeUrl: async () => location.origin,
    openFolder: async (path, dialog) => {
      window.__calls.push(['openFolder', path ?? null, dialog ?? null]);
      const res = await fetch('/control/open', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: path ?? ${JSON.stringify(`${FIXTURES}/image_gzip.ome.zarr`)} }) });
      return res.json();
    },
    addRemote: async () => { throw new Error('unused'); },
    pathForDroppedFile: (file) => { window.__calls.push(['pathForDroppedFile', file.name]); return ${JSON.stringify(FIXTURES)} + '/' + file.name; },
    recentSources: async () => recent,
    rememberSource: async (s) => { recent = [s, ...recent.filter((r) => r !== s)]; },
    getSettings: async () => ({}),
    updateSettings: async () => ({}),
    openExternal: async () => {},
  };`;

describe.skipIf(!ready)('API seam, recent sources and drag-and-drop end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('browser mode: HTTP API, read-only settings, recents kept across reloads, a dropped folder is explained', async () => {
    const { page, pageErrors } = await newPage(h);
    await page.goto(`${h.origin}/?test=1`);
    await page.waitForSelector('[data-testid="empty-state"]');
    expect(await page.evaluate('window.__zarrBridgeApi.mode')).toBe('browser');
    const settings = (await page.evaluate('window.__zarrBridgeApi.getSettings()')) as {
      port: number;
      bossdbUrl: string;
    };
    expect(settings.port).toBe(h.bridge.port);
    expect(settings.bossdbUrl).toBe('');
    const refused = await page.evaluate(
      'window.__zarrBridgeApi.updateSettings({ cacheMb: 1 }).then(() => "accepted", (e) => e.message)',
    );
    expect(refused).toMatch(/cannot be changed from the browser.*zarr-bridge serve/);
    expect(await page.evaluate('window.__zarrBridgeApi.pathForDroppedFile(new File([], "x"))')).toBeUndefined();

    // No recents yet; opening a folder by path mounts it (POST /control/open) and remembers the source.
    expect(await page.locator('[data-testid="recent"]').count()).toBe(0);
    await page.fill('[data-testid="open-folder-path"]', `${FIXTURES}/image_gzip.ome.zarr`);
    await page.click('.add-source form:first-of-type button[type="submit"]');
    await waitFor(async () => (await viewportLoads(page)) > 0, 'the opened folder to render');
    await page.waitForSelector('[data-testid="recent-local/image_gzip.ome.zarr"]');
    expect(JSON.parse(String(await page.evaluate('localStorage.getItem("zarrBridge.recentSources")')))).toEqual([
      'local/image_gzip.ome.zarr',
    ]);

    // A dropped folder: the browser cannot know its path, so the page says to paste it instead.
    await page.evaluate(dropFile('image_sharded.ome.zarr'));
    await page.waitForSelector('[data-testid="drop-notice"]');
    expect(await page.textContent('[data-testid="drop-notice"]')).toContain('Paste its absolute path');
    expect(await page.textContent('[data-testid="drop-notice"]')).toContain('Open folder');

    // After a reload on an empty page, the recent entry is still there and opens the image.
    await page.goto(`${h.origin}/?test=1`);
    await page.click('[data-testid="recent-local/image_gzip.ome.zarr"]');
    await waitFor(
      async () => String(await page.evaluate('location.search')).includes('source=local/image_gzip.ome.zarr'),
      'the recent source to open',
    );
    await waitFor(async () => (await viewportLoads(page)) > 0, 'the recent source to render');
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('desktop mode: "Open folder…" / "Open file…" call openFolder() with no path (native dialog); a dropped folder or TIFF file opens its path', async () => {
    const { page, pageErrors } = await newPage(h);
    await page.addInitScript({ content: fakeDesktop });
    await page.goto(`${h.origin}/?test=1`);
    expect(await page.evaluate('window.__zarrBridgeApi.mode')).toBe('desktop');
    // No path field in the desktop app: the button opens the dialog.
    expect(await page.locator('[data-testid="open-folder-path"]').count()).toBe(0);
    await page.click('[data-testid="open-folder-dialog"]');
    await waitFor(
      async () => String(await page.evaluate('location.search')).includes('source=local/image_gzip.ome.zarr'),
      'the dialog-chosen folder to open',
    );
    expect(await page.evaluate('window.__calls')).toEqual([['openFolder', null, 'folder']]);
    await page.waitForSelector('[data-testid="recent-local/image_gzip.ome.zarr"]');

    await page.evaluate(dropFile('image_sharded.ome.zarr'));
    await waitFor(
      async () => String(await page.evaluate('location.search')).includes('source=local/image_sharded.ome.zarr'),
      'the dropped folder to open',
    );
    expect(await page.evaluate('window.__calls')).toEqual([
      ['openFolder', null, 'folder'],
      ['pathForDroppedFile', 'image_sharded.ome.zarr'],
      ['openFolder', `${FIXTURES}/image_sharded.ome.zarr`, null],
    ]);
    expect(await page.locator('[data-testid="drop-notice"]').count()).toBe(0);
    // Newest first.
    await page.waitForSelector(
      '[data-testid="recent"] li:first-child [data-testid="recent-local/image_sharded.ome.zarr"]',
    );

    // A TIFF file dropped on the window opens the same way, and renders.
    await page.evaluate(dropFile('image_level0.ome.tif'));
    await waitFor(
      async () => String(await page.evaluate('location.search')).includes('source=local/image_level0.ome.tif'),
      'the dropped TIFF file to open',
    );
    await waitFor(async () => (await viewportLoads(page)) > 0, 'the dropped TIFF file to render');
    await page.click('[data-testid="open-file-dialog"]');
    await waitFor(
      async () => ((await page.evaluate('window.__calls')) as unknown[]).length === 6,
      'the file dialog to be asked for',
    );
    expect(((await page.evaluate('window.__calls')) as unknown[]).slice(3)).toEqual([
      ['pathForDroppedFile', 'image_level0.ome.tif'],
      ['openFolder', `${FIXTURES}/image_level0.ome.tif`, null],
      ['openFolder', null, 'file'],
    ]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
