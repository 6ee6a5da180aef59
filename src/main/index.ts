/**
 * Electron main process: thin wiring only. Starts the bridge (a plain Node
 * module) on 127.0.0.1 and opens one window on the viewer it serves.
 */

import { join } from 'node:path';
import { app, BrowserWindow, shell } from 'electron';
import { startBridge } from '../bridge/bridge.js';
import { createLogger } from '../bridge/util/log.js';

async function createWindow(): Promise<void> {
  const bridge = await startBridge({
    port: 5020,
    open: process.argv.slice(1).filter((a) => /\.(zarr|n5)\/?$/.test(a)),
    viewerDir: join(__dirname, '../renderer'),
    logger: createLogger('info'),
  });
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    },
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (!url.startsWith(bridge.url)) e.preventDefault();
  });
  await win.loadURL(`${bridge.url}/`);
  app.on('before-quit', () => {
    void bridge.close();
  });
}

app.whenReady().then(createWindow);
app.on('window-all-closed', () => app.quit());
