/**
 * The desktop window's security settings as plain data, so they are unit
 * tested without Electron: Electron's checklist (sandbox, context isolation,
 * no Node in the renderer, a strict CSP, no navigation or new windows, no
 * permissions, openExternal for http(s) only, IPC senders checked), and
 * the same for the Neuroglancer window.
 */
import { neuroglancerContentSecurityPolicy } from '../shared/csp.js';

/** The custom scheme the window loads the viewer from (never file://). */
export const APP_SCHEME = 'zarr-bridge';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

export function webPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    webviewTag: false,
    spellcheck: false,
  } as const;
}

export { contentSecurityPolicy } from '../shared/csp.js';

/** The app's own Neuroglancer page (out/neuroglancer, served on the app scheme). */
export function isNeuroglancerPage(url: string): boolean {
  return navigationAllowed(url) && new URL(url).pathname.startsWith('/neuroglancer/');
}

/**
 * Where a page's `window.open` (a link with target=_blank) goes: the app's
 * Neuroglancer into a window of its own, http(s) to the system browser,
 * anything else nowhere.
 */
export function windowOpenDecision(url: string): 'neuroglancer-window' | 'external' | 'deny' {
  if (isNeuroglancerPage(url)) return 'neuroglancer-window';
  return externalUrlAllowed(url) ? 'external' : 'deny';
}

/**
 * The Neuroglancer window: sandboxed as the viewer's, and without the
 * viewer's preload, so it has no IPC at all.
 */
export function neuroglancerWindowOptions() {
  const { preload: _none, ...prefs } = webPreferences('');
  return {
    width: 1400,
    height: 900,
    title: 'Neuroglancer — Zarr Bridge',
    autoHideMenuBar: true,
    webPreferences: prefs,
  };
}

/**
 * Neuroglancer's policy in the desktop app: its page is on the app scheme,
 * its data on the bridge's http origin (under either loopback name).
 */
export function neuroglancerWindowPolicy(bridgeUrl: string): string {
  const u = new URL(bridgeUrl);
  const origins = [u.origin];
  if (u.hostname === '127.0.0.1') origins.push(`${u.protocol}//localhost:${u.port}`);
  return neuroglancerContentSecurityPolicy(origins);
}

/** Only the viewer's own pages may be shown in the window. */
export function navigationAllowed(url: string): boolean {
  try {
    // Compared by parts: outside Electron a custom scheme's `origin` is "null".
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'app' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** Links the user clicked may open in the system browser when they are http(s). */
export function externalUrlAllowed(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** An IPC message is answered only when it comes from the viewer's own frame (not Neuroglancer's). */
export function senderAllowed(senderFrameUrl: string | undefined): boolean {
  return !!senderFrameUrl && navigationAllowed(senderFrameUrl) && !isNeuroglancerPage(senderFrameUrl);
}

/** Every permission (camera, notifications, geolocation…) is refused. */
export const permissionAllowed = (_permission: string): boolean => false;
