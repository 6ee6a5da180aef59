/**
 * A remote Zarr/OME-Zarr/N5 URL, mounted at `remote/<name>`, proxied and
 * cached. It is mounted only once its metadata has been found: a URL that
 * holds nothing, or cannot be reached, is refused with what was tried.
 */
import type { Catalog, Mount } from '../../catalog/catalog.js';
import { BridgeError, isAbortError, isBridgeError } from '../../errors.js';
import { type StoreTree, storeTree } from '../store/open-node.js';
import { HttpStore, type HttpStoreOptions } from './http-store.js';

/** What a remote Zarr or N5 root holds, in the order the readers look for it. */
const PROBED = [
  ['zarr.json', 'Zarr v3'],
  ['.zgroup', 'Zarr v2'],
  ['.zarray', 'Zarr v2'],
  ['.zattrs', 'Zarr v2'],
  ['attributes.json', 'N5'],
] as const;
const TRIED = 'tried zarr.json (Zarr v3), .zgroup, .zarray, .zattrs (Zarr v2) and attributes.json (N5)';

export async function mountRemote(
  catalog: Catalog,
  url: string,
  options: HttpStoreOptions & { name?: string; signal?: AbortSignal } = {},
): Promise<Mount> {
  const parsed = parseRemoteUrl(url);
  const origin = parsed.href.replace(/\/+$/, '');
  const store = new HttpStore(parsed.href, options);
  await probe(store, origin, options.signal);
  let tree: StoreTree | undefined;
  const mount = catalog.add('remote', origin, (opts) => tree!.open('', opts), options.name ?? remoteName(parsed));
  tree ??= storeTree(store, mount.path);
  return mount;
}

/** An http(s) URL, or a BadRequest saying what is wrong with it. */
export function parseRemoteUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BridgeError('BadRequest', `not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BridgeError(
      'BadRequest',
      `only http(s) URLs can be mounted, not ${parsed.protocol.slice(0, -1)}: ${url}`,
    );
  }
  return parsed;
}

/** A URL's last segment as its folder is named (`%E7%B4%B0` is `細`), else the host. */
export function remoteName(url: URL): string {
  const last = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .at(-1);
  if (last === undefined) return url.hostname;
  try {
    return decodeURIComponent(last) || url.hostname;
  } catch {
    return last;
  }
}

/** Finds the root's metadata, all keys at once; throws saying what was tried and what came back. */
async function probe(store: HttpStore, origin: string, signal: AbortSignal | undefined): Promise<void> {
  const answers = await Promise.all(
    PROBED.map(([key]) =>
      store.get(key, { signal }).then(
        (bytes) => ({ found: bytes !== undefined, error: undefined as unknown }),
        (error: unknown) => ({ found: false, error }),
      ),
    ),
  );
  if (answers.some((a) => a.found)) return;
  const failure = answers.find((a) => a.error !== undefined)?.error;
  if (failure === undefined) {
    throw new BridgeError('BadRequest', `no Zarr or N5 data at ${origin}: ${TRIED}, and each was missing (404)`);
  }
  if (isAbortError(failure) && signal?.aborted) throw failure;
  const tag = isBridgeError(failure, 'UpstreamTimeout') ? 'UpstreamTimeout' : 'Upstream';
  throw new BridgeError(tag, `cannot read ${origin}: ${reason(failure, origin)} (${TRIED})`, { cause: failure });
}

/** The store's message without the URL and key it names ("<url>: <what> for <key>"): the caller says both. */
function reason(e: unknown, origin: string): string {
  const message = (e as Error).message ?? String(e);
  const bare = message.startsWith(`${origin}: `) ? message.slice(origin.length + 2) : message;
  return bare.replace(/ for (zarr\.json|\.zgroup|\.zarray|\.zattrs|attributes\.json)$/, '');
}
