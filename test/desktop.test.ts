/**
 * The desktop app's wiring logic, tested as plain functions without
 * Electron: window security settings, the CSP, navigation and IPC sender
 * rules, the custom-scheme router, the settings store (with the keychain and
 * its Linux plain-text fallback), IPC argument checks, the port fallback,
 * command-line paths, the open dialogs and the menu, and TIFF files and
 * folders of slices opened through the IPC handlers into a real bridge.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { routeAppRequest } from '../src/desktop/app-protocol.js';
import { pathsToOpen } from '../src/desktop/argv.js';
import { IPC, ipcHandlers } from '../src/desktop/ipc.js';
import { appMenuTemplate } from '../src/desktop/menu.js';
import { openDialogOptions } from '../src/desktop/open-dialog.js';
import { firstFreePort } from '../src/desktop/port.js';
import {
  APP_ORIGIN,
  contentSecurityPolicy,
  externalUrlAllowed,
  navigationAllowed,
  permissionAllowed,
  senderAllowed,
  webPreferences,
} from '../src/desktop/security.js';
import { type SecretBox, SettingsStore } from '../src/desktop/settings-store.js';
import { missing } from './support/env.js';
import { runPython } from './support/python.js';
import { pythonTiffPresent } from './support/tiff-fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'zb-desktop-'));
const noop = () => undefined;
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A stand-in for safeStorage: reversible "encryption" that is visibly not plain text. */
const keychain = (backend?: string): SecretBox => ({
  isEncryptionAvailable: () => true,
  backend: () => backend,
  encrypt: (s) => Buffer.from(`sealed:${Buffer.from(s).toString('hex')}`),
  decrypt: (b) => Buffer.from(b.toString().slice(7), 'hex').toString(),
});

describe('window security', () => {
  it('turns on the sandbox and context isolation and keeps Node out of the renderer', () => {
    expect(webPreferences('/p.cjs')).toMatchObject({
      preload: '/p.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
  it('has a CSP without unsafe-eval', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toMatch(/'unsafe-eval'/);
    expect(csp).toContain("object-src 'none'");
  });
  it('blocks navigation away from the viewer, and only opens http(s) outside', () => {
    expect(navigationAllowed(`${APP_ORIGIN}/?source=x`)).toBe(true);
    expect(navigationAllowed('https://evil.example/')).toBe(false);
    expect(navigationAllowed('file:///etc/passwd')).toBe(false);
    expect(externalUrlAllowed('https://neuroglancer-demo.appspot.com/#!x')).toBe(true);
    expect(externalUrlAllowed('file:///etc/passwd')).toBe(false);
    expect(externalUrlAllowed('javascript:alert(1)')).toBe(false);
    expect(externalUrlAllowed('https://user:pw@example.org/')).toBe(false);
  });
  it('answers IPC only from the viewer frame, and refuses every permission', () => {
    expect(senderAllowed(`${APP_ORIGIN}/index.html`)).toBe(true);
    expect(senderAllowed('https://evil.example/')).toBe(false);
    expect(senderAllowed(undefined)).toBe(false);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read'])
      expect(permissionAllowed(p)).toBe(false);
  });
});

describe('custom scheme', () => {
  const dir = join(work, 'renderer');
  it('serves viewer files from its folder only, and proxies data to the bridge', () => {
    expect(routeAppRequest(`${APP_ORIGIN}/`, dir, 'http://127.0.0.1:5020')).toEqual({
      kind: 'file',
      path: join(dir, 'index.html'),
    });
    expect(routeAppRequest(`${APP_ORIGIN}/assets/a.js`, dir, 'http://127.0.0.1:5020')).toEqual({
      kind: 'file',
      path: join(dir, 'assets/a.js'),
    });
    // Dot segments are resolved by the URL parser (staying inside); encoded slashes are decoded and refused.
    expect(routeAppRequest(`${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`, dir, 'x')).toEqual({
      kind: 'file',
      path: join(dir, 'etc/passwd'),
    });
    expect(routeAppRequest(`${APP_ORIGIN}/%2F..%2F..%2Fetc%2Fpasswd`, dir, 'x').kind).toBe('refused');
    expect(routeAppRequest(`${APP_ORIGIN}/..%5C..%5Cetc`, dir, 'x').kind).not.toBe('bridge');
    expect(routeAppRequest(`${APP_ORIGIN}/zarr/v3/local/a/zarr.json?x=1`, dir, 'http://127.0.0.1:5020')).toEqual({
      kind: 'bridge',
      url: 'http://127.0.0.1:5020/zarr/v3/local/a/zarr.json?x=1',
    });
    expect(routeAppRequest(`${APP_ORIGIN}/catalog/local`, dir, 'http://b').kind).toBe('bridge');
  });
});

describe('settings store', () => {
  it('persists settings and keeps the token sealed by the keychain', async () => {
    const file = join(work, 'a', 'settings.json');
    const s = await SettingsStore.open(file, keychain());
    expect(s.settings()).toMatchObject({
      port: 5020,
      bossdbUrl: 'https://api.bossdb.io',
      tokenStorage: 'none',
      hasBossdbToken: false,
    });
    await s.update({
      port: 6000,
      cacheMb: 64,
      allowedOrigins: ['https://ok.example', 'not an origin'],
      bossdbToken: 'tok-123',
    });
    expect(readFileSync(file, 'utf8')).not.toContain('tok-123');
    const again = await SettingsStore.open(file, keychain());
    expect(again.settings()).toMatchObject({
      port: 6000,
      cacheMb: 64,
      allowedOrigins: ['https://ok.example'],
      hasBossdbToken: true,
      tokenStorage: 'keychain',
    });
    expect(again.token()).toBe('tok-123');
    await again.update({ bossdbToken: null });
    expect(again.token()).toBeUndefined();
  });
  it('keeps the token for the session only where Linux would store it as plain text', async () => {
    const file = join(work, 'b', 'settings.json');
    const s = await SettingsStore.open(file, keychain('basic_text'));
    expect(s.keychainAvailable).toBe(false);
    await s.update({ bossdbToken: 'tok-456' });
    expect(s.settings().tokenStorage).toBe('session');
    expect(s.token()).toBe('tok-456');
    expect(readFileSync(file, 'utf8')).not.toContain('tok-456');
    expect((await SettingsStore.open(file, keychain('basic_text'))).token()).toBeUndefined();
  });
  it('ignores malformed or forged fields and survives a damaged file', async () => {
    const file = join(work, 'c', 'settings.json');
    mkdirSync(join(work, 'c'));
    writeFileSync(file, '{ not json');
    const s = await SettingsStore.open(file, keychain());
    expect(s.settings().port).toBe(5020);
    await s.update({ port: -1, bossdbUrl: 'javascript:x', sealedToken: 'forged' } as never);
    expect(s.settings()).toMatchObject({ port: 5020, bossdbUrl: 'https://api.bossdb.io', hasBossdbToken: false });
  });
  it('remembers recent sources, newest first, without duplicates', async () => {
    const s = await SettingsStore.open(join(work, 'd', 'settings.json'), keychain());
    for (const x of ['a', 'b', 'a', 'c']) await s.rememberSource(x);
    expect(s.recentSources()).toEqual(['c', 'a', 'b']);
  });
});

describe('IPC handlers', () => {
  it('check their arguments and remember what was opened', async () => {
    const settings = await SettingsStore.open(join(work, 'e', 'settings.json'), keychain());
    const opened: string[] = [];
    const external: string[] = [];
    const dialogs: string[] = [];
    const h = ipcHandlers({
      bridgeUrl: 'http://127.0.0.1:5020',
      settings,
      mountFolder: async (p) => {
        opened.push(p);
        return { path: `local/${p.split('/').pop()}` };
      },
      mountRemote: async (u) => ({ path: `remote/${u.split('/').pop()}` }),
      choose: async (kind) => {
        dialogs.push(kind);
        return kind === 'file' ? '/data/scan.ome.tif' : '/data/chosen.ome.zarr';
      },
      openExternal: async (u) => {
        external.push(u);
      },
    });
    expect(await h[IPC.bridgeUrl]()).toBe('http://127.0.0.1:5020');
    expect(await h[IPC.openFolder]()).toEqual({ path: 'local/chosen.ome.zarr' });
    expect(await h[IPC.openFolder](undefined, 'file')).toEqual({ path: 'local/scan.ome.tif' });
    expect(await h[IPC.openFolder](null, 'folder')).toEqual({ path: 'local/chosen.ome.zarr' });
    expect(dialogs).toEqual(['folder', 'file', 'folder']);
    await expect(h[IPC.openFolder](undefined, 'anything')).rejects.toThrow(/dialog/);
    expect(await h[IPC.openFolder]('/x/y.zarr')).toEqual({ path: 'local/y.zarr' });
    await expect(h[IPC.openFolder](42)).rejects.toThrow(/path/);
    expect(await h[IPC.addRemote]('https://h/img.zarr')).toEqual({ path: 'remote/img.zarr' });
    expect(await h[IPC.recentSources]()).toEqual([
      'remote/img.zarr',
      'local/y.zarr',
      'local/chosen.ome.zarr',
      'local/scan.ome.tif',
    ]);
    await expect(h[IPC.openExternal]('file:///etc/passwd')).rejects.toThrow(/http/);
    await h[IPC.openExternal]('https://example.org/');
    expect(external).toEqual(['https://example.org/']);
    await expect(h[IPC.updateSettings]('nope')).rejects.toThrow(/object/);
    expect(((await h[IPC.getSettings]()) as { port: number }).port).toBe(5020);
    expect(opened).toEqual(['/data/chosen.ome.zarr', '/data/scan.ome.tif', '/data/chosen.ome.zarr', '/x/y.zarr']);
  });
});

describe('start-up', () => {
  it('falls back to the next free port when 5020-like ports are taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    expect(await firstFreePort(taken)).toBeGreaterThan(taken);
    blocker.close();
  });
  it('opens Zarr and N5 folders named on the command line, skipping flags, plain folders and other files', async () => {
    const img = join(work, 'cells.ome.zarr');
    const plain = join(work, 'plain');
    const marked = join(work, 'volume');
    for (const d of [img, plain, marked]) mkdirSync(d, { recursive: true });
    writeFileSync(join(marked, 'attributes.json'), '{}');
    writeFileSync(join(work, 'file.zarr'), 'x');
    writeFileSync(join(work, 'notes.tif'), 'not a TIFF at all');
    expect(
      await pathsToOpen(
        ['--inspect', '.', img, plain, marked, join(work, 'file.zarr'), 'notes.tif', '/does/not/exist.zarr'],
        work,
      ),
    ).toEqual([img, marked]);
  });
  it('has File (open, remote, settings), View and Help menus; Open… takes files, and folders where one dialog can', () => {
    const asked: string[] = [];
    const actions = { open: (k: string) => void asked.push(k), addRemote: noop, settings: noop, urlHelp: noop };
    const fileMenu = (platform: string) => {
      const menu = appMenuTemplate(actions, platform);
      const file = menu.find((m) => (m as { label?: string }).label === 'File') as {
        submenu: { label?: string; click?: () => void }[];
      };
      return { menu, items: file.submenu.filter((i) => i.label) };
    };
    const linux = fileMenu('linux');
    expect(linux.menu.map((m) => (m as { label?: string }).label)).toEqual(['File', 'View', 'Help']);
    expect(linux.items.map((i) => i.label)).toEqual([
      'Open…',
      'Open Folder…',
      'Add Remote URL…',
      'Export…',
      'Settings…',
    ]);
    linux.items[0]!.click!();
    linux.items[1]!.click!();
    // macOS: one dialog chooses both, so one item.
    const mac = fileMenu('darwin');
    expect(mac.items.map((i) => i.label)).toEqual(['Open…', 'Add Remote URL…', 'Export…', 'Settings…']);
    mac.items[0]!.click!();
    expect(asked).toEqual(['file', 'folder', 'file']);
  });

  it('asks the native dialog for TIFF files or folders, as each platform allows', () => {
    const tiff = { name: 'TIFF and OME-TIFF images', extensions: ['tif', 'tiff', 'btf'] };
    // Electron shows a folder chooser on Windows and Linux when asked for both: each kind gets its own dialog.
    for (const platform of ['linux', 'win32']) {
      expect(openDialogOptions('file', platform)).toMatchObject({
        properties: ['openFile'],
        filters: [tiff, { name: 'All files', extensions: ['*'] }],
      });
      expect(openDialogOptions('folder', platform).properties).toEqual(['openDirectory']);
    }
    for (const kind of ['file', 'folder'] as const) {
      expect(openDialogOptions(kind, 'darwin')).toMatchObject({
        properties: ['openFile', 'openDirectory'],
        filters: [tiff, { name: 'All files', extensions: ['*'] }],
      });
    }
  });
});

describe.skipIf(missing('Debian python3-tifffile (/usr/bin/python3)', pythonTiffPresent()))(
  'TIFF files and folders of slices in the desktop app',
  () => {
    const dir = join(work, 'tiff');
    let bridge: Bridge | undefined;
    afterAll(async () => {
      await bridge?.close();
    });

    const write = async () => {
      mkdirSync(join(dir, 'slices'), { recursive: true });
      const py = `import numpy as np, tifffile, os
d = ${JSON.stringify(dir)}
a = np.arange(3 * 64 * 80, dtype='uint16').reshape(3, 64, 80)
tifffile.imwrite(os.path.join(d, 'scan.ome.tif'), a, ome=True, metadata={'axes': 'ZYX'})
tifffile.imwrite(os.path.join(d, 'big.btf'), a[0], bigtiff=True, tile=(32, 32), compression='zlib')
tifffile.imwrite(os.path.join(d, 'no-extension'), a[1])
for z in range(3): tifffile.imwrite(os.path.join(d, 'slices', 'z%d.tif' % z), a[z])`;
      const run = await runPython(['-c', py]);
      if (run.status !== 0) throw new Error(run.stderr);
    };

    it('opens TIFF files (known by their first bytes) and folders of slices named on the command line', async () => {
      await write();
      expect(
        await pathsToOpen(['scan.ome.tif', '--no-sandbox', 'big.btf', 'no-extension', 'slices', 'missing.tif'], dir),
      ).toEqual(['scan.ome.tif', 'big.btf', 'no-extension', 'slices'].map((p) => join(dir, p)));
    });

    it('mounts a TIFF file chosen in the dialog or dropped on the window, and a folder of slices', async () => {
      await write();
      bridge = await startBridge({ port: 0 });
      const b = bridge;
      const settings = await SettingsStore.open(join(work, 'f', 'settings.json'), keychain());
      const h = ipcHandlers({
        bridgeUrl: b.url,
        settings,
        mountFolder: (p) => b.mountFolder(p),
        mountRemote: async () => ({ path: 'unused' }),
        choose: async (kind) => (kind === 'file' ? join(dir, 'big.btf') : join(dir, 'slices')),
        openExternal: async () => undefined,
      });
      // A drop hands the dropped file's path to the same call (useDropToOpen → api.openFolder(path)).
      const dropped = (await h[IPC.openFolder](join(dir, 'scan.ome.tif'))) as { path: string };
      const chosen = (await h[IPC.openFolder](undefined, 'file')) as { path: string };
      const slices = (await h[IPC.openFolder](undefined, 'folder')) as { path: string };
      expect([dropped.path, chosen.path, slices.path]).toEqual(['local/scan.ome.tif', 'local/big.btf', 'local/slices']);
      for (const [mount, shape] of [
        [dropped.path, [3, 64, 80]],
        [chosen.path, [64, 80]],
        [slices.path, [3, 64, 80]],
      ] as const) {
        const res = await fetch(`${b.url}/zarr/v3/${mount}/0/zarr.json`);
        expect(res.status, mount).toBe(200);
        expect(((await res.json()) as { shape: number[] }).shape, mount).toEqual(shape);
      }
      // A file that is not an image is refused with a reason, not mounted.
      writeFileSync(join(dir, 'notes.txt'), 'hello');
      await expect(h[IPC.openFolder](join(dir, 'notes.txt'))).rejects.toThrow(/not a folder/);
    });
  },
);
