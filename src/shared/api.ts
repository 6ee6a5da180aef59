/**
 * The one interface the viewer uses for everything that is not data: opening
 * folders, adding remote URLs, settings, recent sources, external links.
 * The desktop app implements it in the preload (IPC to the main process);
 * browser mode implements it over HTTP (`/control/*`). Data always goes
 * through the bridge's faces, in both modes.
 */

export interface BridgeSettings {
  /** Port the bridge listens on (the desktop app falls back to the next free one). */
  port: number;
  bossdbUrl: string;
  /** Origins allowed besides the defaults and loopback. */
  allowedOrigins: string[];
  /** Decoded-block cache, MiB. */
  cacheMb: number;
  /** True when a BossDB token is stored (the token itself never reaches the renderer). */
  hasBossdbToken: boolean;
  /** Where the token is kept: the OS keychain, or only for this session (no keychain). */
  tokenStorage: 'keychain' | 'session' | 'none';
  /** Browser mode: whether `serve` mounts BossDB at all (`--bossdb-url none` turns it off). */
  bossdbEnabled?: boolean;
  /** Browser mode: the origins always allowed (the public viewers), besides loopback pages on any port. */
  defaultAllowedOrigins?: string[];
  /** Browser mode: decoded chunks kept for transcoding local arrays, MiB. */
  chunkCacheMb?: number;
  /** Browser mode: whether clients must present the bridge's API key. */
  apiKeyRequired?: boolean;
}

export interface SettingsUpdate {
  port?: number;
  bossdbUrl?: string;
  allowedOrigins?: string[];
  cacheMb?: number;
  /** A new token; `null` forgets it. */
  bossdbToken?: string | null;
}

export interface ZarrBridgeApi {
  readonly mode: 'desktop' | 'browser';
  /** Base URL of the bridge, e.g. `http://127.0.0.1:5020`. */
  bridgeUrl(): Promise<string>;
  /**
   * Mount a folder or a TIFF/OME-TIFF file. Without a path the desktop app shows its native dialog for
   * a file or a folder (`dialog`, default a folder; macOS's one dialog takes both); undefined if cancelled.
   */
  openFolder(path?: string, dialog?: 'file' | 'folder'): Promise<{ path: string } | undefined>;
  /** Mount a remote Zarr/OME-Zarr/N5 URL. */
  addRemote(url: string): Promise<{ path: string }>;
  /** The local path of a file or folder dropped on the window (desktop only; undefined in browsers). */
  pathForDroppedFile(file: File): string | undefined;
  /** Catalog paths or URLs opened recently, newest first. */
  recentSources(): Promise<string[]>;
  rememberSource(source: string): Promise<void>;
  getSettings(): Promise<BridgeSettings>;
  /** Desktop: persisted, applied on restart where needed. Browser: refused (use `serve` flags). */
  updateSettings(update: SettingsUpdate): Promise<BridgeSettings>;
  /** Open an http(s) URL in the system browser (desktop) or a new tab. */
  openExternal(url: string): Promise<void>;
  /** Desktop only: the native dialog for an export's output folder (undefined if cancelled). */
  chooseExportFolder?(): Promise<string | undefined>;
  /** Desktop only: File → Export in the menu; returns the unsubscribe. */
  onExportRequested?(listener: () => void): () => void;
}

declare global {
  interface Window {
    /** Present in the desktop app only (the preload's contextBridge). */
    zarrBridge?: ZarrBridgeApi;
  }
}
