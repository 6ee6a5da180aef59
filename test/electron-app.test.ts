/**
 * The desktop app as a user starts it. With an Electron binary, Playwright
 * drives the real app (window, viewer, an opened fixture). Without one (this
 * offline machine, CI), `npm start` must say so in one line and fall back to
 * `zarr-bridge serve`, whose printed viewer URL works — that is asserted
 * instead; outside CI the real-app test is reported as skipped, with why.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, IN_CI, REPO } from './support/env.js';

function electronBinary(): string | undefined {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
  const pathTxt = join(REPO, 'node_modules/electron/path.txt');
  if (!existsSync(pathTxt)) return undefined;
  const bin = join(REPO, 'node_modules/electron/dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
}

const binary = electronBinary();
const built = existsSync(join(REPO, 'out/main/index.js')) && existsSync(join(REPO, 'out/renderer/index.html'));

describe('desktop app', () => {
  if (!built) {
    it('needs `npm run build` first', () => {
      throw new Error('out/ is missing: run `npm run build` before the tests');
    });
    return;
  }

  if (binary) {
    it('opens a fixture in the real app', async () => {
      const app = await electron.launch({
        executablePath: binary,
        args: [REPO, join(FIXTURES, 'generated/image_gzip.ome.zarr')],
        env: { ...process.env, ELECTRON_DISABLE_SECURITY_WARNINGS: 'false' },
      });
      try {
        const page = await app.firstWindow();
        await page.waitForLoadState('domcontentloaded');
        expect(page.url()).toMatch(/^zarr-bridge:\/\/app\//);
        await page.getByText('image_gzip.ome.zarr').first().waitFor({ timeout: 20_000 });
        const sandboxed = await app.evaluate(({ BrowserWindow }) => {
          // getLastWebPreferences exists at run time (Electron ≥ 25), typed loosely here.
          const wc = BrowserWindow.getAllWindows()[0].webContents as unknown as {
            getLastWebPreferences(): {
              sandbox?: boolean;
              contextIsolation?: boolean;
              nodeIntegration?: boolean;
            } | null;
          };
          const prefs = wc.getLastWebPreferences();
          return {
            sandbox: prefs?.sandbox,
            contextIsolation: prefs?.contextIsolation,
            nodeIntegration: prefs?.nodeIntegration,
          };
        });
        expect(sandboxed).toEqual({ sandbox: true, contextIsolation: true, nodeIntegration: false });
        // In the page: no Node `require`, and the preload's API in desktop mode.
        expect(await page.evaluate('typeof globalThis.require')).toBe('undefined');
        expect(await page.evaluate('globalThis.zarrBridge && globalThis.zarrBridge.mode')).toBe('desktop');
      } finally {
        await app.close();
      }
    }, 60_000);
  } else if (!IN_CI) {
    it.skip('opens a fixture in the real app — skipped: no Electron binary on this machine (it cannot be downloaded offline)', () => {});
  }

  if (!binary) {
    let child: ChildProcess | undefined;
    afterAll(() => child?.kill('SIGTERM'));

    it('`npm start` says Electron is missing and falls back to the headless bridge, whose viewer works', async () => {
      child = spawn(process.execPath, [join(REPO, 'scripts/start.js'), '--port', '0', '--bossdb-url', 'none'], {
        cwd: REPO,
        env: { ...process.env, ZARR_BRIDGE_SKIP_BUILD: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout?.on('data', (d) => {
        out += d;
      });
      const deadline = Date.now() + 20_000;
      while (!/Viewer: (\S+)/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/^Electron is not installed on this machine.*zarr-bridge serve/m);
      const viewer = /Viewer: (\S+)/.exec(out)?.[1];
      expect(viewer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?source=local%2Fdemo\.ome\.zarr$/);
      const page = await fetch(viewer!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      const base = new URL(viewer!).origin;
      const demo = (await (await fetch(`${base}/catalog/local/demo.ome.zarr`)).json()) as {
        kind: string;
        levels: unknown[];
      };
      expect(demo.kind).toBe('image');
      expect(demo.levels.length).toBe(2);
      const labels = await fetch(`${base}/zarr/v3/local/demo.ome.zarr/labels/nuclei/zarr.json`);
      expect(labels.status).toBe(200);
    }, 40_000);
  }
});
