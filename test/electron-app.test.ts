/**
 * The desktop app as a user starts it. With an Electron binary, Playwright
 * drives the real app (window, viewer, an opened fixture). Without one (this
 * offline machine, CI), `npm start` must try Electron's own download, say in
 * one line why it failed, and fall back to `zarr-bridge serve` on the next
 * free port, whose printed viewer URL works — that is asserted instead, and
 * the real-app test is reported as skipped with why.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, REPO } from './support/env.js';

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
        await page.getByText('image_gzip.ome.zarr').first().waitFor({ timeout: 120_000 });
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
    });
  } else {
    // Electron's binary comes from a download on first start (no internet here); the fallback below runs instead.
    const why =
      'no Electron binary in node_modules/electron/dist: `npm start` downloads it on first use, which needs internet access';
    console.warn(`SKIPPED: opens a fixture in the real app: ${why}`);
    it.skip(`opens a fixture in the real app — skipped: ${why}`, () => {});
  }

  if (!binary) {
    let child: ChildProcess | undefined;
    let holder: Server | undefined;
    let cache: string | undefined;
    afterAll(() => {
      child?.kill('SIGTERM');
      holder?.close();
      if (cache) rmSync(cache, { recursive: true, force: true });
    });

    it('`npm start` tries the download, says why it failed, and serves on the next free port when 5020 is taken', async () => {
      // Port 5020 held here (or by another program already: taken either way).
      holder = createServer();
      await new Promise<void>((resolve) => {
        holder!.once('error', () => resolve());
        holder!.listen(5020, '127.0.0.1', () => resolve());
      });
      // A download server that refuses connections, so the download fails the same way with or without internet.
      const refusing = createServer();
      await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
      const mirrorPort = (refusing.address() as AddressInfo).port;
      await new Promise((resolve) => refusing.close(resolve));
      cache = mkdtempSync(join(tmpdir(), 'zb-electron-cache-'));
      const { ELECTRON_OVERRIDE_DIST_PATH: _override, ...env } = process.env;
      child = spawn(process.execPath, [join(REPO, 'scripts/start.js'), '--bossdb-url', 'none'], {
        cwd: REPO,
        env: {
          ...env,
          ZARR_BRIDGE_SKIP_BUILD: '1',
          ELECTRON_MIRROR: `http://127.0.0.1:${mirrorPort}/`,
          electron_config_cache: cache,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout?.on('data', (d) => {
        out += d;
      });
      child.stderr?.on('data', (d) => {
        out += d;
      });
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      // Until the viewer's URL is printed (or the script ends): the verdict is on what it printed.
      await Promise.race([exited, untilPrinted(() => out, /Viewer: \S+/)]);
      expect(out).toMatch(/^Downloading Electron binary/m);
      const line = out.split('\n').find((l) => l.startsWith('Electron cannot start here'));
      expect(line).toMatch(
        new RegExp(
          `its binary could not be downloaded \\(no connection to 127\\.0\\.0\\.1:${mirrorPort}: ECONNREFUSED\\).*starting \`zarr-bridge serve\` with the viewer instead\\.$`,
        ),
      );
      const [major, minor] = process.versions.node.split('.').map(Number);
      if (major < 22 || (major === 22 && minor < 12)) expect(line).toContain('install Node 22.12 or later');
      const port = Number(/^Port 5020 is taken; using (\d+)/m.exec(out)?.[1]);
      expect(port).toBeGreaterThan(5020);
      const viewer = /Viewer: (\S+)/.exec(out)?.[1];
      expect(viewer).toBe(`http://127.0.0.1:${port}/?source=local%2Fdemo.ome.zarr`);
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
    });
  }
});

/** Resolves once `text()` matches `pattern` (polled; the test's own timeout bounds the wait). */
async function untilPrinted(text: () => string, pattern: RegExp): Promise<void> {
  while (!pattern.test(text())) await new Promise((r) => setTimeout(r, 100));
}
