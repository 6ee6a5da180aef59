/**
 * The desktop window's security settings as plain data, so they are unit
 * tested without Electron: Electron's checklist (sandbox, context isolation,
 * no Node in the renderer, a strict CSP, no navigation or new windows, no
 * permissions, openExternal for http(s) only, IPC senders checked).
 */

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

/** An IPC message is answered only when it comes from the viewer's own frame. */
export function senderAllowed(senderFrameUrl: string | undefined): boolean {
  return !!senderFrameUrl && navigationAllowed(senderFrameUrl);
}

/** Every permission (camera, notifications, geolocation…) is refused. */
export const permissionAllowed = (_permission: string): boolean => false;
