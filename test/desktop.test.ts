/**
 * The desktop app's wiring logic, tested as plain functions without
 * Electron: window security settings, the CSP, navigation and IPC sender
 * rules, the custom-scheme router, the settings store (with the keychain and
 * its Linux plain-text fallback), IPC argument checks, the port fallback,
 * command-line folders, and the menu.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { routeAppRequest } from '../src/desktop/app-protocol.js';
import { foldersToOpen } from '../src/desktop/argv.js';
import { IPC, ipcHandlers } from '../src/desktop/ipc.js';
import { appMenuTemplate } from '../src/desktop/menu.js';
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

const work = mkdtempSync(join(tmpdir(), 'zb-desktop-'));
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
    const h = ipcHandlers({
      bridgeUrl: 'http://127.0.0.1:5020',
      settings,
      mountFolder: async (p) => {
        opened.push(p);
        return { path: `local/${p.split('/').pop()}` };
      },
      mountRemote: async (u) => ({ path: `remote/${u.split('/').pop()}` }),
      chooseFolder: async () => '/data/chosen.ome.zarr',
      openExternal: async (u) => {
        external.push(u);
      },
    });
    expect(await h[IPC.bridgeUrl]()).toBe('http://127.0.0.1:5020');
    expect(await h[IPC.openFolder]()).toEqual({ path: 'local/chosen.ome.zarr' });
    expect(await h[IPC.openFolder]('/x/y.zarr')).toEqual({ path: 'local/y.zarr' });
    await expect(h[IPC.openFolder](42)).rejects.toThrow(/path/);
    expect(await h[IPC.addRemote]('https://h/img.zarr')).toEqual({ path: 'remote/img.zarr' });
    expect(await h[IPC.recentSources]()).toEqual(['remote/img.zarr', 'local/y.zarr', 'local/chosen.ome.zarr']);
    await expect(h[IPC.openExternal]('file:///etc/passwd')).rejects.toThrow(/http/);
    await h[IPC.openExternal]('https://example.org/');
    expect(external).toEqual(['https://example.org/']);
    await expect(h[IPC.updateSettings]('nope')).rejects.toThrow(/object/);
    expect(((await h[IPC.getSettings]()) as { port: number }).port).toBe(5020);
    expect(opened).toEqual(['/data/chosen.ome.zarr', '/x/y.zarr']);
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
  it('opens folders named on the command line, skipping flags and files', () => {
    const img = join(work, 'cells.ome.zarr');
    const plain = join(work, 'plain');
    const marked = join(work, 'volume');
    for (const d of [img, plain, marked]) mkdirSync(d, { recursive: true });
    writeFileSync(join(marked, 'attributes.json'), '{}');
    writeFileSync(join(work, 'file.zarr'), 'x');
    expect(
      foldersToOpen(['--inspect', '.', img, plain, marked, join(work, 'file.zarr'), '/does/not/exist.zarr'], work),
    ).toEqual([img, marked]);
  });
  it('has File (open, remote, settings), View and Help menus', () => {
    const noop = () => undefined;
    const menu = appMenuTemplate({ openFolder: noop, addRemote: noop, settings: noop, urlHelp: noop }, 'linux');
    expect(menu.map((m) => (m as { label?: string }).label)).toEqual(['File', 'View', 'Help']);
    const file = (menu[0] as { submenu: { label?: string }[] }).submenu.map((i) => i.label).filter(Boolean);
    expect(file).toEqual(['Open Folder…', 'Add Remote URL…', 'Settings…']);
  });
});
