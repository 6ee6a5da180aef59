/** The native save dialog of File → Export (plain options, so they are tested without Electron). */
export function exportDialogOptions(defaultName = 'export.ome.zarr') {
  return {
    title: 'Export as OME-Zarr',
    buttonLabel: 'Export',
    defaultPath: defaultName,
    properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const],
  };
}
