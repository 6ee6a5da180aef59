/** The application menu as Electron's template (plain data; actions injected). */
import { type OpenKind, oneDialogForBoth } from './open-dialog.js';

export interface MenuActions {
  /** Shows the native dialog for `kind` (see open-dialog.ts) and opens what is chosen. */
  open(kind: OpenKind): void;
  addRemote(): void;
  settings(): void;
  urlHelp(): void;
  /** File → Export…: the viewer shows its Export dialog for the selected layer. */
  exportImage?(): void;
}

export function appMenuTemplate(a: MenuActions, platform: string = process.platform) {
  const mac = platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        // A TIFF file or a folder: one dialog on macOS, one for each elsewhere.
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => a.open('file') },
        ...(oneDialogForBoth(platform)
          ? []
          : [{ label: 'Open Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => a.open('folder') }]),
        { label: 'Add Remote URL…', accelerator: 'CmdOrCtrl+L', click: () => a.addRemote() },
        { type: 'separator' as const },
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => a.exportImage?.() },
        { type: 'separator' as const },
        { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => a.settings() },
        { type: 'separator' as const },
        mac ? { role: 'close' as const } : { role: 'quit' as const },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' as const },
        { role: 'toggleDevTools' as const },
        { type: 'separator' as const },
        { role: 'resetZoom' as const },
        { role: 'zoomIn' as const },
        { role: 'zoomOut' as const },
        { type: 'separator' as const },
        { role: 'togglefullscreen' as const },
      ],
    },
    { label: 'Help', submenu: [{ label: 'Bridge URLs…', click: () => a.urlHelp() }] },
  ];
}
