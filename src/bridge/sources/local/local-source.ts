/**
 * A folder the user opened (`.ome.zarr`, `.zarr` v2/v3, `.n5`, or a folder of
 * them), mounted at `local/<basename>`. Nothing outside it is ever read.
 */
import type { Catalog, Mount } from '../../catalog/catalog.js';
import type { DecodedChunks } from '../store/decoded-chunks.js';
import { FolderStore } from '../store/folder-store.js';
import { type StoreTree, storeTree } from '../store/open-node.js';
import { tiffSourceAt } from '../tiff/detect.js';
import { checkOpenable } from './openable.js';

/**
 * `decoded`: the bridge's cache of decoded chunks, shared by all local mounts.
 * A path that cannot be opened is refused (BadRequest, with the reason) and nothing is mounted.
 */
export async function mountLocalFolder(catalog: Catalog, folder: string, decoded?: DecodedChunks): Promise<Mount> {
  // A TIFF file or a folder of image slices (see sources/tiff). Its readers (geotiff, fast-png, an XML parser)
  // load only then: a bridge or a conversion that never opens a TIFF starts without them.
  const tiffKind = await tiffSourceAt(folder);
  if (tiffKind) {
    const { mountTiffSource } = await import('../tiff/index.js');
    // Detected once: a folder of 10 000 slices is listed once, not again by the TIFF source.
    const tiff = await mountTiffSource(catalog, folder, decoded, tiffKind);
    if (tiff) return tiff;
  }
  const store = await FolderStore.open(await checkOpenable(folder));
  let tree: StoreTree | undefined;
  const mount = catalog.add(
    'local',
    store.root,
    (opts) => tree!.open('', opts),
    undefined,
    () => store.close(),
  );
  tree ??= storeTree(store, mount.path, decoded);
  return mount;
}
