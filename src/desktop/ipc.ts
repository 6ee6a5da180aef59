/**
 * The desktop side of `ZarrBridgeApi` (src/shared/api.ts) as plain functions
 * over injected dependencies: the main process registers them with
 * `ipcMain.handle` after checking the sender; tests call them directly.
 * Arguments come from the renderer, so each is checked before use.
 */
import type { BridgeSettings, SettingsUpdate } from '../shared/api.js';
import { IPC, type IpcChannel } from './ipc-channels.js';
import type { OpenKind } from './open-dialog.js';
import { externalUrlAllowed } from './security.js';
import type { SettingsStore } from './settings-store.js';

export { IPC, type IpcChannel };

export interface DesktopDeps {
  bridgeUrl: string;
  settings: SettingsStore;
  mountFolder(path: string): Promise<{ path: string }>;
  mountRemote(url: string): Promise<{ path: string }>;
  /** The native dialog for a file or a folder (open-dialog.ts); undefined when cancelled. */
  choose(kind: OpenKind): Promise<string | undefined>;
  /** The native save dialog for an export's output folder; undefined when cancelled. */
  chooseExportFolder?(): Promise<string | undefined>;
  openExternal(url: string): Promise<void>;
}

class IpcArgumentError extends Error {
  readonly tag = 'IpcArgument';
}

function str(v: unknown, what: string, max = 4096): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    throw new IpcArgumentError(`${what} must be a non-empty string`);
  return v;
}

function openKind(v: unknown): OpenKind {
  if (v === undefined || v === null || v === 'folder') return 'folder';
  if (v === 'file') return 'file';
  throw new IpcArgumentError('dialog must be "file" or "folder"');
}

export function ipcHandlers(deps: DesktopDeps): Record<IpcChannel, (...args: unknown[]) => Promise<unknown>> {
  return {
    [IPC.bridgeUrl]: async () => deps.bridgeUrl,
    [IPC.openFolder]: async (path?: unknown, dialog?: unknown) => {
      const chosen = path === undefined || path === null ? await deps.choose(openKind(dialog)) : str(path, 'path');
      if (chosen === undefined) return undefined;
      const mount = await deps.mountFolder(chosen);
      await deps.settings.rememberSource(mount.path);
      return mount;
    },
    [IPC.addRemote]: async (url: unknown) => {
      const mount = await deps.mountRemote(str(url, 'url'));
      await deps.settings.rememberSource(mount.path);
      return mount;
    },
    [IPC.recentSources]: async () => deps.settings.recentSources(),
    [IPC.rememberSource]: async (source: unknown) => deps.settings.rememberSource(str(source, 'source')),
    [IPC.getSettings]: async (): Promise<BridgeSettings> => deps.settings.settings(),
    [IPC.updateSettings]: async (update: unknown): Promise<BridgeSettings> => {
      if (typeof update !== 'object' || update === null || Array.isArray(update)) {
        throw new IpcArgumentError('settings update must be an object');
      }
      return deps.settings.update(update as SettingsUpdate);
    },
    [IPC.chooseExportFolder]: async () => deps.chooseExportFolder?.(),
    [IPC.openExternal]: async (url: unknown) => {
      const u = str(url, 'url');
      if (!externalUrlAllowed(u)) throw new IpcArgumentError('only http(s) links open outside the app');
      await deps.openExternal(u);
    },
  };
}
