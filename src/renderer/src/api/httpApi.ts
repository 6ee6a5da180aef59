/**
 * Browser mode's `ZarrBridgeApi`: the bridge's `/control/*` routes over HTTP, and what a web page can keep
 * itself (recent sources in localStorage). Settings are read-only here: `serve` is configured by its flags.
 */
import type { BridgeSettings, SettingsUpdate, ZarrBridgeApi } from '../../../shared/api';
import { bridgeJson } from './bridgeResponse';

const RECENT_KEY = 'zarrBridge.recentSources';
const RECENT_MAX = 10;

function post<T>(route: string, body: unknown, what: string): Promise<T> {
  return fetch(route, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((res) => bridgeJson<T>(res, what));
}

function readRecent(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    // Corrupt or unavailable storage must not break the viewer: start over.
    return [];
  }
}

export const httpApi: ZarrBridgeApi = {
  mode: 'browser',
  async bridgeUrl() {
    return window.location.origin;
  },
  async openFolder(path) {
    // A web page cannot show a native folder dialog; the path field supplies the path.
    if (!path) return undefined;
    return post<{ path: string }>('/control/open', { path }, `Open ${path}`);
  },
  addRemote(url) {
    return post<{ path: string }>('/control/remote', { url }, `Add ${url}`);
  },
  pathForDroppedFile() {
    // Browsers never reveal a dropped file's local path.
    return undefined;
  },
  async recentSources() {
    return readRecent();
  },
  async rememberSource(source) {
    const next = [source, ...readRecent().filter((s) => s !== source)].slice(0, RECENT_MAX);
    try {
      localStorage.setItem(RECENT_KEY, JSON.stringify(next));
    } catch {
      // Quota or privacy mode: recents are a convenience, not worth an error.
    }
  },
  async getSettings() {
    return bridgeJson<BridgeSettings>(await fetch('/control/settings'), 'Settings');
  },
  async updateSettings(_update: SettingsUpdate): Promise<BridgeSettings> {
    throw new Error(
      'Settings cannot be changed from the browser: restart `zarr-bridge serve` with different flags (see `zarr-bridge serve --help`).',
    );
  },
  async openExternal(url) {
    window.open(url, '_blank', 'noopener,noreferrer');
  },
};
