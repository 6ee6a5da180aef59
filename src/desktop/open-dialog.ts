/**
 * What File → Open… and the viewer's open buttons ask the native dialog for:
 * a TIFF/OME-TIFF file, or a folder (a Zarr/N5 store, a folder of slices).
 * macOS has one dialog for both. On Windows and Linux a dialog chooses either
 * files or folders (asked for both, Electron shows a folder chooser), so
 * there Open… chooses a file and Open Folder… a folder.
 */

export type OpenKind = 'file' | 'folder';

/** Names TIFF files go by (`.ome.tif` and `.ome.tiff` included); any other file is still tried by its first bytes. */
export const TIFF_EXTENSIONS = ['tif', 'tiff', 'btf'] as const;

/** The subset of Electron's `OpenDialogOptions` used here (plain data, testable without Electron). */
export interface OpenDialogRequest {
  title: string;
  buttonLabel: string;
  properties: ('openFile' | 'openDirectory')[];
  filters?: { name: string; extensions: string[] }[];
}

const FILTERS = [
  { name: 'TIFF and OME-TIFF images', extensions: [...TIFF_EXTENSIONS] },
  { name: 'All files', extensions: ['*'] },
];

/** Whether one dialog can choose both files and folders on `platform`. */
export const oneDialogForBoth = (platform: string): boolean => platform === 'darwin';

export function openDialogOptions(kind: OpenKind, platform: string = process.platform): OpenDialogRequest {
  if (oneDialogForBoth(platform)) {
    return { title: 'Open', buttonLabel: 'Open', properties: ['openFile', 'openDirectory'], filters: FILTERS };
  }
  return kind === 'folder'
    ? { title: 'Open Folder', buttonLabel: 'Open', properties: ['openDirectory'] }
    : { title: 'Open', buttonLabel: 'Open', properties: ['openFile'], filters: FILTERS };
}
