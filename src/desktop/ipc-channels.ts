/** IPC channel names, shared by the preload and the main process (and nothing else). */
export const IPC = {
  bridgeUrl: 'zarr-bridge:bridge-url',
  openFolder: 'zarr-bridge:open-folder',
  addRemote: 'zarr-bridge:add-remote',
  recentSources: 'zarr-bridge:recent-sources',
  rememberSource: 'zarr-bridge:remember-source',
  getSettings: 'zarr-bridge:get-settings',
  updateSettings: 'zarr-bridge:update-settings',
  openExternal: 'zarr-bridge:open-external',
  chooseExportFolder: 'zarr-bridge:choose-export-folder',
} as const;

/** Sent by the main process to the window (not invoked): File → Export in the menu. */
export const MENU_EXPORT = 'zarr-bridge:menu-export';

export type IpcChannel = (typeof IPC)[keyof typeof IPC];
