/**
 * TIFF sources: a TIFF/OME-TIFF file or a folder of 2D slices, mounted at
 * `local/<name>` as an OME image (or, for a multi-series OME-TIFF, a
 * bioformats2raw group of images). Nothing is copied: chunks are cut from the
 * files' own tiles and strips when asked for. What the source holds is read
 * again when the file (its size and mtime) or the folder's listing changes.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Catalog, Mount } from '../../catalog/catalog.js';
import type { CatalogNode, IoOptions } from '../../model/node.js';
import type { DecodedChunks } from '../store/decoded-chunks.js';
import { FolderStore } from '../store/folder-store.js';
import { type TiffSourceKind, tiffSourceAt } from './detect.js';
import type { ImageLayout } from './image-layout.js';
import { type ChunkCache, imageGroup, seriesGroup } from './image-node.js';
import { sliceNames } from './slice-names.js';
import { stackImage } from './stack.js';
import { TiffFile } from './tiff-file.js';
import { tiffImages } from './tiff-image.js';

export { type TiffSourceKind, tiffSourceAt };

/** How often a stack folder's listing is looked at again. */
const LISTING_FRESH_MS = 1_000;

/** The images a source holds now, and what identifies that state (file versions, listing). */
interface Holding {
  readonly id: string;
  readonly images: readonly ImageLayout[];
}

type Reader = (opts: IoOptions) => Promise<Holding | undefined>;

/**
 * Mounts `path` when it is a TIFF file or a folder of slices; undefined when
 * it is neither (the caller then tries the other kinds of source). A file that
 * is not a readable TIFF is refused here, not at the first request.
 */
export async function mountTiffSource(
  catalog: Catalog,
  path: string,
  decoded?: DecodedChunks,
  /** What `path` was found to be, when the caller has already asked (`tiffSourceAt`). */
  detected?: TiffSourceKind,
): Promise<Mount | undefined> {
  const kind = detected ?? (await tiffSourceAt(path));
  if (!kind) return undefined;
  const existing = catalog.mounts().find((m) => m.kind === 'local' && m.origin === kind.origin);
  if (existing) return existing;
  const store = await FolderStore.open(kind.folder);
  const read = kind.kind === 'file' ? fileReader(store, kind) : stackReader(store, kind);
  try {
    if (!(await read({}))) throw new Error(`${path} holds no image`);
  } catch (e) {
    await store.close();
    throw e;
  }
  let built: { holding: Holding; node: CatalogNode } | undefined;
  const mount = catalog.add(
    'local',
    kind.origin,
    async (opts) => {
      const holding = await read(opts);
      if (!holding) return undefined;
      if (built?.holding !== holding) {
        const cache: ChunkCache | undefined = decoded && {
          chunks: decoded,
          kv: store,
          id: `tiff\0${store.root}\0${holding.id}`,
        };
        const { images } = holding;
        const node =
          images.length === 1 ? imageGroup(images[0]!, mount.path, cache) : seriesGroup(images, mount.path, cache);
        built = { holding, node };
      }
      return built.node;
    },
    kind.kind === 'file' ? kind.key : basename(kind.folder),
    () => store.close(),
  );
  return mount;
}

/** Memoises `load` per id; a failed load (an abort, a file being written) is not kept. */
function memo(load: (id: string, opts: IoOptions) => Promise<readonly ImageLayout[]>) {
  let current: { id: string; holding: Promise<Holding> } | undefined;
  return (id: string, opts: IoOptions): Promise<Holding> => {
    if (current?.id !== id) {
      const holding = load(id, opts).then((images) => ({ id, images }));
      const entry = { id, holding };
      current = entry;
      holding.catch(() => {
        if (current === entry) current = undefined;
      });
    }
    return current.holding;
  };
}

/** A TIFF file: read again when its size or mtime changes. */
function fileReader(store: FolderStore, kind: Extract<TiffSourceKind, { kind: 'file' }>): Reader {
  const load = memo(async (_id, opts) => tiffImages(await TiffFile.open(store, kind.key, opts), kind.key, opts));
  return async (opts) => {
    const version = await store.version(kind.key);
    return version ? load(`${kind.key}\0${version}`, opts) : undefined;
  };
}

/** A stack: read again when the folder's listing or its first slice changes. */
function stackReader(store: FolderStore, kind: Extract<TiffSourceKind, { kind: 'stack' }>): Reader {
  let slices = kind.slices;
  let listed: { at: number; mtimeMs: number } | undefined;
  const load = memo((_id, opts) => stackImage(store, slices, basename(kind.folder), opts).then((image) => [image]));
  return async (opts) => {
    const now = Date.now();
    if (!listed || now - listed.at >= LISTING_FRESH_MS) {
      const { mtimeMs } = await stat(store.root);
      // The listing made at mount stands until the folder changes.
      if (listed && mtimeMs !== listed.mtimeMs) {
        const entries = await readdir(store.root, { withFileTypes: true });
        slices = sliceNames(entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name));
      }
      listed = { at: now, mtimeMs };
    }
    const first = slices[0];
    const version = first ? await store.version(first) : null;
    if (!first || !version) return undefined;
    return load(`${listed.mtimeMs}\0${slices.length}\0${first}\0${version}`, opts);
  };
}
