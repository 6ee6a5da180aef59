/**
 * The one place the renderer gets its `ZarrBridgeApi`: the desktop preload's when present, else HTTP.
 * A preload that does not (yet) expose the full API is ignored, so a partial bridge cannot break calls.
 */
import type { ZarrBridgeApi } from '../../../shared/api';
import { httpApi } from './httpApi';

function desktopApi(): ZarrBridgeApi | undefined {
  const api = window.zarrBridge;
  return api && typeof api.openFolder === 'function' && api.mode ? api : undefined;
}

export const api: ZarrBridgeApi = desktopApi() ?? httpApi;

declare global {
  interface Window {
    /** The API in use, for end-to-end tests (set with `?test=1` only). */
    __zarrBridgeApi?: ZarrBridgeApi;
    /** Shows what loading the page at `?query` would, without the load (set with `?test=1` only). */
    __zarrBridgeShow?: (query: string) => Promise<void>;
  }
}
