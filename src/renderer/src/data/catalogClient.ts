/** The viewer's catalog reads, and `?source=` resolution (mounting goes through the API seam, api/api.ts). */
import type { CatalogNode } from '../../../shared/catalog';
import { api } from '../api/api';
import { bridgeJson } from '../api/bridgeResponse';

import { encodePath } from './encodePath';

export { encodePath };

export async function fetchCatalog(path: string, signal?: AbortSignal): Promise<CatalogNode> {
  const res = await fetch(`/catalog/${encodePath(path)}`, { signal });
  return bridgeJson<CatalogNode>(res, `Catalog ${path || '/'}`);
}

/** `?source=` takes a catalog path or an http(s) URL; a URL is mounted through the bridge (the CSP allows only our origin). */
export async function resolveSource(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    const here = new URL(window.location.href);
    const url = new URL(source);
    const prefix = '/zarr/v3/';
    // Our own /zarr/v3 URLs (as copied from the viewer) map straight back to a catalog path.
    if (url.origin === here.origin && url.pathname.startsWith(prefix)) {
      return decodeURIComponent(url.pathname.slice(prefix.length)).replace(/\/$/, '');
    }
    return (await api.addRemote(source)).path;
  }
  return source.replace(/^\/+|\/+$/g, '');
}
