/**
 * Electron main process — wiring only. The bridge, the settings store, the
 * IPC handlers and the security rules are plain modules (src/bridge,
 * src/desktop) tested without Electron; this file connects them to Electron.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, safeStorage, session, shell } from 'electron';
import { type Bridge, startBridge } from '../bridge/bridge.js';
import { mountRemote } from '../bridge/sources/remote/remote-source.js';
import { createLogger } from '../bridge/util/log.js';
import { fileResponse, routeAppRequest } from '../desktop/app-protocol.js';
import { pathsToOpen } from '../desktop/argv.js';
import { exportDialogOptions } from '../desktop/export-dialog.js';
import { ipcHandlers } from '../desktop/ipc.js';
import { MENU_EXPORT } from '../desktop/ipc-channels.js';
import { appMenuTemplate } from '../desktop/menu.js';
import { type OpenKind, openDialogOptions } from '../desktop/open-dialog.js';
import { firstFreePort } from '../desktop/port.js';
import {
  APP_ORIGIN,
  APP_SCHEME,
  navigationAllowed,
  neuroglancerWindowOptions,
  neuroglancerWindowPolicy,
  permissionAllowed,
  senderAllowed,
  webPreferences,
  windowOpenDecision,
} from '../desktop/security.js';
import { SettingsStore } from '../desktop/settings-store.js';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '../renderer');
const neuroglancerDir = join(here, '../neuroglancer');
const demoImage = join(app.isPackaged ? process.resourcesPath : join(here, '../..'), 'resources', 'demo.ome.zarr');
const log = createLogger('info');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

if (!app.requestSingleInstanceLock()) app.quit();

let bridge: Bridge | undefined;
let win: BrowserWindow | undefined;

function show(source?: string) {
  void win?.loadURL(`${APP_ORIGIN}/${source ? `?source=${encodeURIComponent(source)}` : ''}`);
}

async function openPaths(paths: string[]): Promise<string | undefined> {
  let last: string | undefined;
  for (const p of paths) last = (await bridge!.mountFolder(p)).path;
  return last;
}

/** The native dialog for a TIFF file or a folder; undefined when cancelled. */
async function choose(kind: OpenKind): Promise<string | undefined> {
  const options = openDialogOptions(kind);
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return r.canceled ? undefined : r.filePaths[0];
}

async function ready() {
  const settings = await SettingsStore.open(join(app.getPath('userData'), 'settings.json'), {
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    backend: () => (process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined),
    encrypt: (s) => safeStorage.encryptString(s),
    decrypt: (b) => safeStorage.decryptString(b),
  });
  if (!settings.keychainAvailable) log.log('warn', 'no OS keychain: a BossDB token will be kept for this session only');
  const s = settings.settings();
  const port = await firstFreePort(s.port);
  bridge = await startBridge({
    port,
    // The app's own Neuroglancer window reads the bridge from the app scheme.
    allowOrigins: [...s.allowedOrigins, APP_ORIGIN],
    logger: log,
    bossdb: { url: s.bossdbUrl, token: settings.token(), cacheBytes: s.cacheMb * 2 ** 20 },
  });
  const initial = await pathsToOpen(process.argv.slice(1), process.cwd());
  const first = (await openPaths(initial)) ?? (await bridge.mountFolder(demoImage)).path;

  const neuroglancerPolicy = neuroglancerWindowPolicy(bridge.url);
  protocol.handle(APP_SCHEME, async (request) => {
    const route = routeAppRequest(request.url, rendererDir, bridge!.url, neuroglancerDir);
    if (route.kind === 'file') return fileResponse(route.path, route.neuroglancer ? neuroglancerPolicy : undefined);
    if (route.kind === 'refused') return new Response('refused', { status: 403 });
    const headers = new Headers();
    for (const h of ['range', 'if-none-match', 'accept', 'content-type', 'x-zarr-bridge-token']) {
      const v = request.headers.get(h);
      if (v) headers.set(h, v);
    }
    return net.fetch(route.url, {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer(),
    });
  });

  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) =>
    callback(permissionAllowed(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionAllowed(permission));

  const handlers = ipcHandlers({
    bridgeUrl: bridge.url,
    settings,
    mountFolder: (p) => bridge!.mountFolder(p),
    mountRemote: (u) => mountRemote(bridge!.catalog, u),
    choose,
    openExternal: (u) => shell.openExternal(u),
    chooseExportFolder: async () => {
      const r = await dialog.showSaveDialog(exportDialogOptions());
      return r.canceled ? undefined : r.filePath;
    },
  });
  for (const [channel, handler] of Object.entries(handlers)) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!senderAllowed(event.senderFrame?.url)) throw new Error('refused: not the viewer');
      return handler(...args);
    });
  }

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({
        open: async (kind) => {
          const chosen = await choose(kind);
          if (!chosen) return;
          try {
            show(await openPaths([chosen]));
          } catch (e) {
            dialog.showErrorBox('Cannot open', `${chosen}: ${(e as Error).message}`);
          }
        },
        addRemote: () => void win?.loadURL(`${APP_ORIGIN}/?panel=add-remote`),
        settings: () => void win?.loadURL(`${APP_ORIGIN}/?panel=settings`),
        exportImage: () => win?.webContents.send(MENU_EXPORT),
        urlHelp: () =>
          void dialog.showMessageBox({
            type: 'info',
            title: 'Zarr Bridge URLs',
            message: `Bridge at ${bridge!.url}`,
            detail: URL_HELP(bridge!.url),
          }),
      }),
    ),
  );

  win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Zarr Bridge',
    webPreferences: webPreferences(join(here, '../preload/index.cjs')),
  });
  show(first);
}

const URL_HELP = (base: string) =>
  [
    `Zarr v2 (Tiled shapes):  ${base}/zarr/v2/<path>`,
    `Zarr v3 (Tiled shapes):  ${base}/zarr/v3/<path>`,
    `N5 (n5-viewer):          ${base}/n5/<path>`,
    `bossdb-zarr N5:          ${base}/api/<collection>/<experiment>/<channel>`,
    `bossdb-zarr OME-Zarr:    ${base}/ome/<collection>/<experiment>/<channel>`,
    '',
    `Neuroglancer: zarr3://${base}/zarr/v3/<path>, zarr2://…, n5://…`,
    'Paths: local/<folder>, remote/<name>, bossdb/<collection>/<experiment>/<channel>',
  ].join('\n');

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!navigationAllowed(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision === 'neuroglancer-window')
      return { action: 'allow', overrideBrowserWindowOptions: neuroglancerWindowOptions() };
    if (decision === 'external') void shell.openExternal(url);
    return { action: 'deny' };
  });
});

app.on('second-instance', async (_e, argv, cwd) => {
  const path = await openPaths(await pathsToOpen(argv.slice(1), cwd)).catch((e: unknown) => {
    dialog.showErrorBox('Cannot open', String((e as Error).message));
    return undefined;
  });
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
    if (path) show(path);
  }
});

app.whenReady().then(ready, (e: unknown) => {
  dialog.showErrorBox('Zarr Bridge could not start', String((e as Error).message));
  app.quit();
});
app.on('window-all-closed', () => app.quit());
app.on('will-quit', (event) => {
  if (!bridge) return;
  event.preventDefault();
  const closing = bridge;
  bridge = undefined;
  void closing.close().finally(() => app.quit());
});
