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
} as const;

export type IpcChannel = (typeof IPC)[keyof typeof IPC];
