/**
 * Finds what a key of a KvStore holds — Zarr v3 (`zarr.json`), Zarr v2
 * (`.zarray`/`.zgroup`/`.zattrs`) or N5 (`attributes.json`) — and builds the
 * catalog node for it. Nodes are cached: metadata is parsed once.
 */
import { BridgeError } from '../../errors.js';
import type { Attrs, CatalogNode, GroupNode, IoOptions } from '../../model/node.js';
import { type OmeMeta, parseOme } from '../../model/ome.js';
import { LruCache } from '../../util/lru.js';
import { METADATA_MAX_BYTES, parseMetadata } from '../../util/metadata-json.js';
import type { DecodedChunks } from './decoded-chunks.js';
import { joinKey, type KvStore } from './kv-store.js';
import { isN5Dataset, openN5Array } from './n5-array.js';
import { n5MultiscaleAsOme } from './n5-multiscale.js';
import { openZarrArray } from './zarr-array.js';

export interface StoreTree {
  /** The node at `key` ('' = the store's root); undefined when nothing is there. */
  open(key: string, opts: IoOptions): Promise<CatalogNode | undefined>;
}

/**
 * `mountPath` is the catalog path of the store's root, e.g. `local/cells.ome.zarr`;
 * `decoded`, where the arrays keep decoded chunks.
 */
export function storeTree(kv: KvStore, mountPath: string, decoded?: DecodedChunks): StoreTree {
  const cache = new LruCache<string, Promise<CatalogNode | undefined>>(20_000);
  const tree: StoreTree = {
    open(key, opts) {
      let hit = cache.get(key);
      if (!hit) {
        hit = openUncached(kv, tree, key, joinKey(mountPath, key), opts, decoded);
        cache.set(key, hit);
        // Errors (an abort, a transient upstream failure) must not stick.
        hit.catch(() => cache.delete(key));
      }
      return hit;
    },
  };
  return tree;
}

async function readJson(kv: KvStore, key: string, opts: IoOptions): Promise<Attrs | undefined> {
  const bytes = await kv.get(key, { signal: opts.signal, maxBytes: METADATA_MAX_BYTES });
  if (!bytes) return undefined;
  try {
    return parseMetadata(bytes);
  } catch (e) {
    throw new BridgeError('CorruptData', `invalid JSON metadata in ${key}: ${(e as Error).message}`, { key, cause: e });
  }
}

async function openUncached(
  kv: KvStore,
  tree: StoreTree,
  key: string,
  path: string,
  opts: IoOptions,
  decoded: DecodedChunks | undefined,
): Promise<CatalogNode | undefined> {
  const parentOme = key === '' ? undefined : await parentMeta(tree, key, opts);
  const v3 = await readJson(kv, joinKey(key, 'zarr.json'), opts);
  if (v3) {
    if (v3.zarr_format !== 3 || (v3.node_type !== 'array' && v3.node_type !== 'group')) {
      throw new BridgeError(
        'CorruptData',
        `${joinKey(key, 'zarr.json')} is not Zarr v3 metadata (a pre-release draft?)`,
        {
          key: joinKey(key, 'zarr.json'),
        },
      );
    }
    const { ome, rest } = parseOme((v3.attributes as Attrs | undefined) ?? {});
    if (v3.node_type === 'array') {
      return openZarrArray({ kv, key, path, format: 3, metadata: v3, attrs: rest, ome, opts, decoded }).then((a) =>
        withAxisNames(a, key, parentOme),
      );
    }
    return group(kv, tree, key, path, rest, ome);
  }
  const zarray = await readJson(kv, joinKey(key, '.zarray'), opts);
  const zattrs = (await readJson(kv, joinKey(key, '.zattrs'), opts)) ?? {};
  if (zarray) {
    const { ome, rest } = parseOme(zattrs);
    return openZarrArray({ kv, key, path, format: 2, metadata: zarray, attrs: rest, ome, opts, decoded }).then((a) =>
      withAxisNames(a, key, parentOme),
    );
  }
  const zgroup = await readJson(kv, joinKey(key, '.zgroup'), opts);
  if (zgroup || Object.keys(zattrs).length > 0) {
    const { ome, rest } = parseOme(zattrs);
    return group(kv, tree, key, path, rest, ome);
  }
  const n5 = await readJson(kv, joinKey(key, 'attributes.json'), opts);
  if (n5) {
    if (isN5Dataset(n5)) return openN5Array(kv, key, path, n5);
    return n5Group(kv, tree, key, path, n5, opts);
  }
  // A plain folder (e.g. one holding several Zarr stores) is a group at the root.
  if (key === '' && kv.list) return group(kv, tree, key, path, {}, undefined);
  return undefined;
}

async function parentMeta(tree: StoreTree, key: string, opts: IoOptions): Promise<OmeMeta | undefined> {
  const parentKey = key.includes('/') ? key.slice(0, key.lastIndexOf('/')) : '';
  try {
    return (await tree.open(parentKey, opts))?.ome;
  } catch {
    return undefined;
  }
}

/** OME 0.5 wants `dimension_names` equal to the axes: give datasets their image's axis names. */
function withAxisNames<T extends CatalogNode>(node: T, key: string, parentOme: OmeMeta | undefined): T {
  if (node.kind !== 'array' || node.meta.dimensionNames) return node;
  const name = key.slice(key.lastIndexOf('/') + 1);
  const ms = parentOme?.multiscales?.find((m) => m.datasets.some((d) => d.path === name));
  if (!ms || ms.axes.length !== node.meta.shape.length) return node;
  return { ...node, meta: { ...node.meta, dimensionNames: ms.axes.map((a) => a.name) } };
}

/** Children named by OME metadata, for stores that cannot list (HTTP). */
function impliedChildren(ome: OmeMeta | undefined): string[] {
  if (!ome) return [];
  const paths = [
    ...(ome.multiscales ?? []).flatMap((m) => m.datasets.map((d) => d.path)),
    ...(ome.labels ?? []),
    ...((ome.plate?.wells as { path: string }[] | undefined) ?? []).map((w) => w.path),
    ...((ome.well?.images as { path: string }[] | undefined) ?? []).map((i) => i.path),
    ...(ome.bioformats2rawLayout !== undefined ? ['OME', ...(ome.series ?? ['0'])] : []),
  ];
  return paths.map((p) => p.split('/')[0]).filter((p) => p !== '' && p !== '.' && p !== '..');
}

function group(
  kv: KvStore,
  tree: StoreTree,
  key: string,
  path: string,
  attrs: Attrs,
  ome: OmeMeta | undefined,
): GroupNode {
  return {
    kind: 'group',
    path,
    attrs,
    ...(ome ? { ome } : {}),
    async children(opts) {
      const names = new Set<string>(impliedChildren(ome));
      if (kv.list) {
        for (const name of await kv.list(key, opts)) {
          if (names.has(name)) continue;
          if (await hasMetadata(kv, joinKey(key, name), opts)) names.add(name);
        }
      }
      // Without a listing (HTTP), an image's `labels` group can only be probed.
      if (ome?.multiscales && !names.has('labels') && (await hasMetadata(kv, joinKey(key, 'labels'), opts))) {
        names.add('labels');
      }
      return [...names];
    },
    child(name, opts) {
      if (name === '' || name.includes('/')) return Promise.resolve(undefined);
      return tree.open(joinKey(key, name), opts);
    },
  };
}

async function hasMetadata(kv: KvStore, key: string, opts: IoOptions): Promise<boolean> {
  for (const f of ['zarr.json', '.zgroup', '.zarray', '.zattrs', 'attributes.json']) {
    const found = await kv.object(joinKey(key, f), opts);
    // Its bytes are not needed: a file read once goes back to its buffer pool (read-buffers.ts).
    found?.release?.();
    if (found) return true;
  }
  return false;
}

async function n5Group(
  kv: KvStore,
  tree: StoreTree,
  key: string,
  path: string,
  attributes: Attrs,
  opts: IoOptions,
): Promise<GroupNode> {
  const { n5: _version, ...attrs } = attributes;
  const levels: { name: string; attrs: Attrs }[] = [];
  for (let k = 0; ; k++) {
    const level = await readJson(kv, joinKey(key, `s${k}`, 'attributes.json'), opts);
    if (!level || !isN5Dataset(level)) break;
    levels.push({ name: `s${k}`, attrs: level });
  }
  const ome = n5MultiscaleAsOme(attributes, levels);
  return { ...group(kv, tree, key, path, attrs, ome), stored: { format: 'n5', metadata: attributes } };
}
