/** A remote Zarr/OME-Zarr/N5 URL, mounted at `remote/<name>`, proxied and cached. */
import type { Catalog, Mount } from '../../catalog/catalog.js';
import { BridgeError } from '../../errors.js';
import { type StoreTree, storeTree } from '../store/open-node.js';
import { HttpStore, type HttpStoreOptions } from './http-store.js';

export function mountRemote(catalog: Catalog, url: string, options: HttpStoreOptions & { name?: string } = {}): Mount {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BridgeError('BadRequest', `not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BridgeError('BadRequest', `only http(s) URLs can be mounted: ${url}`);
  }
  const store = new HttpStore(parsed.href, options);
  const segments = parsed.pathname.split('/').filter((s) => s !== '');
  let tree: StoreTree | undefined;
  const mount = catalog.add(
    'remote',
    parsed.href.replace(/\/+$/, ''),
    (opts) => tree!.open('', opts),
    options.name ?? (decoded(segments.at(-1)) || parsed.hostname),
  );
  tree ??= storeTree(store, mount.path);
  return mount;
}

/** A URL's last segment as the folder is named (`%E7%B4%B0` is `細`); undecodable escapes stay as they are. */
function decoded(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
