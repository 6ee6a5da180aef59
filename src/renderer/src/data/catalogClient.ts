/** The viewer's calls to the bridge: catalog nodes and mounting folders or remote URLs. */
import type { CatalogNode } from '../../../shared/catalog';

export class BridgeError extends Error {
  readonly tag = 'BridgeError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function asJson<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) {
    let detail = res.statusText;
    try {
      const body = (await res.json()) as { error?: string; detail?: string; message?: string };
      detail = body.detail ?? body.message ?? body.error ?? detail;
    } catch {
      // Not JSON: keep the status text.
    }
    throw new BridgeError(`${what}: ${res.status} ${detail}`, res.status);
  }
  return (await res.json()) as T;
}

/** Catalog paths are slash-separated; each segment is escaped on its own. */
export function encodePath(path: string): string {
  return path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
}

export async function fetchCatalog(path: string, signal?: AbortSignal): Promise<CatalogNode> {
  const res = await fetch(`/catalog/${encodePath(path)}`, { signal });
  return asJson<CatalogNode>(res, `Catalog ${path || '/'}`);
}

export async function openFolder(folder: string, signal?: AbortSignal): Promise<string> {
  const res = await fetch('/control/open', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path: folder }),
    signal,
  });
  return (await asJson<{ path: string }>(res, `Open ${folder}`)).path;
}

export async function addRemote(url: string, signal?: AbortSignal): Promise<string> {
  const res = await fetch('/control/remote', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url }),
    signal,
  });
  return (await asJson<{ path: string }>(res, `Add ${url}`)).path;
}

/** `?source=` takes a catalog path or an http(s) URL; a URL is mounted through the bridge (the CSP allows only our origin). */
export async function resolveSource(source: string, signal?: AbortSignal): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    const here = new URL(window.location.href);
    const url = new URL(source);
    const prefix = '/zarr/v3/';
    // Our own /zarr/v3 URLs (as copied from the viewer) map straight back to a catalog path.
    if (url.origin === here.origin && url.pathname.startsWith(prefix)) {
      return decodeURIComponent(url.pathname.slice(prefix.length)).replace(/\/$/, '');
    }
    return addRemote(source, signal);
  }
  return source.replace(/^\/+|\/+$/g, '');
}
