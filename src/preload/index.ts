/**
 * Preload (sandboxed, bundled as one CommonJS file): exposes the typed
 * `ZarrBridgeApi` through contextBridge. Raw ipcRenderer never reaches the
 * page; each method is one invoke on a fixed channel.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IPC, MENU_EXPORT } from '../desktop/ipc-channels.js';
import type { BridgeSettings, SettingsUpdate, ZarrBridgeApi } from '../shared/api.js';

const api: ZarrBridgeApi = {
  mode: 'desktop',
  bridgeUrl: () => ipcRenderer.invoke(IPC.bridgeUrl) as Promise<string>,
  openFolder: (path?: string, dialog?: 'file' | 'folder') =>
    ipcRenderer.invoke(IPC.openFolder, path, dialog) as Promise<{ path: string } | undefined>,
  addRemote: (url: string) => ipcRenderer.invoke(IPC.addRemote, url) as Promise<{ path: string }>,
  pathForDroppedFile: (file: File) => {
    try {
      return webUtils.getPathForFile(file) || undefined;
    } catch {
      return undefined;
    }
  },
  recentSources: () => ipcRenderer.invoke(IPC.recentSources) as Promise<string[]>,
  rememberSource: (source: string) => ipcRenderer.invoke(IPC.rememberSource, source) as Promise<void>,
  getSettings: () => ipcRenderer.invoke(IPC.getSettings) as Promise<BridgeSettings>,
  updateSettings: (update: SettingsUpdate) => ipcRenderer.invoke(IPC.updateSettings, update) as Promise<BridgeSettings>,
  openExternal: (url: string) => ipcRenderer.invoke(IPC.openExternal, url) as Promise<void>,
  chooseExportFolder: () => ipcRenderer.invoke(IPC.chooseExportFolder) as Promise<string | undefined>,
  onExportRequested: (listener: () => void) => {
    const handler = () => listener();
    ipcRenderer.on(MENU_EXPORT, handler);
    return () => ipcRenderer.off(MENU_EXPORT, handler);
  },
};

contextBridge.exposeInMainWorld('zarrBridge', api);
