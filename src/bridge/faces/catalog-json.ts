/**
 * `/catalog/<path>`: what the viewer's browser needs about a node — its kind,
 * children, array shapes and levels, OME metadata, and ready-made URLs for
 * every face — in one request.
 */

import { Catalog, type CatalogView } from '../catalog/catalog.js';
import { notFound } from '../errors.js';
import type { ArrayNode, CatalogNode, IoOptions } from '../model/node.js';
import type { Face, FaceReply } from './face.js';

export type NodeKind = 'root' | 'group' | 'array' | 'image' | 'labels' | 'plate' | 'well' | 'bioformats2raw';

export function nodeKind(node: CatalogNode): NodeKind {
  if (node.path === '') return 'root';
  if (node.kind === 'array') return 'array';
  const ome = node.ome;
  if (ome?.plate) return 'plate';
  if (ome?.well) return 'well';
  if (ome?.multiscales) return 'image';
  if (ome?.bioformats2rawLayout !== undefined) return 'bioformats2raw';
  if (ome?.labels) return 'labels';
  return 'group';
}

function arrayInfo(node: ArrayNode) {
  const { meta } = node;
  return {
    shape: meta.shape,
    chunkShape: meta.chunkShape,
    dtype: meta.dtype,
    dimensionNames: meta.dimensionNames ?? null,
    stored: node.stored?.format ?? null,
  };
}

export function faceUrls(base: string, path: string, kind: NodeKind) {
  const p = path === '' ? '' : `/${path.split('/').map(encodeURIComponent).join('/')}`;
  const urls: Record<string, string> = {
    zarrV2: `${base}/zarr/v2${p}`,
    zarrV3: `${base}/zarr/v3${p}`,
    n5: `${base}/n5${p}`,
    neuroglancerZarr2: `zarr2://${base}/zarr/v2${p}`,
    neuroglancerZarr3: `zarr3://${base}/zarr/v3${p}`,
    neuroglancerN5: `n5://${base}/n5${p}`,
  };
  const boss = /^bossdb\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
  if (boss && kind === 'image') {
    urls.bossdbN5 = `${base}/api/${boss[1]}/${boss[2]}/${boss[3]}`;
    urls.bossdbOme = `${base}/ome/${boss[1]}/${boss[2]}/${boss[3]}`;
    urls.neuroglancerBossdbN5 = `n5://${urls.bossdbN5}`;
    urls.neuroglancerBossdbOme = `zarr://${urls.bossdbOme}`;
  }
  return urls;
}

/** BossDB's own words for the three levels of its tree under the `bossdb` mount. */
const BOSSDB_LEVELS = ['collection', 'experiment', 'channel'] as const;

export function bossdbLevel(path: string): (typeof BOSSDB_LEVELS)[number] | undefined {
  const parts = path.split('/');
  return parts[0] === 'bossdb' ? BOSSDB_LEVELS[parts.length - 2] : undefined;
}

/** Image children listed with a shape: enough for a screen of a big folder, without reading thousands of arrays. */
const SUMMARISED_IMAGES = 200;

/** An image's full-resolution shape with its axis names, so a listing can show "z 20 × y 600 × x 1100". */
async function imageSummary(node: CatalogNode, opts: IoOptions) {
  if (node.kind === 'array') return undefined;
  const ms = node.ome?.multiscales?.[0];
  const first = ms?.datasets[0];
  if (!first) return undefined;
  const level = await node.child(first.path, opts).catch(() => undefined);
  if (level?.kind !== 'array') return undefined;
  const names =
    level.meta.dimensionNames ?? (ms.axes?.length === level.meta.shape.length ? ms.axes.map((a) => a.name) : null);
  return { shape: level.meta.shape, dtype: level.meta.dtype, axes: names, levels: ms.datasets.length };
}

async function describe(node: CatalogNode, base: string, opts: IoOptions, depth: number) {
  const kind = nodeKind(node);
  const name = node.path.slice(node.path.lastIndexOf('/') + 1);
  const out: Record<string, unknown> = { path: node.path, name, kind, urls: faceUrls(base, node.path, kind) };
  const boss = bossdbLevel(node.path);
  if (boss) out.bossdb = boss;
  if (node.ome) out.ome = node.ome;
  if (Object.keys(node.attrs).length > 0) out.attrs = node.attrs;
  if (node.kind === 'array') {
    out.array = arrayInfo(node);
    return out;
  }
  if (kind === 'image') {
    const levels = [];
    for (const d of node.ome!.multiscales![0].datasets) {
      const level = await node.child(d.path, opts).catch(() => undefined);
      if (level?.kind === 'array') levels.push({ path: d.path, ...arrayInfo(level) });
    }
    out.levels = levels;
  }
  if (depth > 0) {
    const names = (await node.children(opts)).slice(0, 2000);
    const children = [];
    let summarised = 0;
    for (const n of names) {
      const child = await node.child(n, opts).catch((e: unknown) => e);
      if (child instanceof Error || child === undefined) {
        children.push({
          name: n,
          path: `${node.path ? `${node.path}/` : ''}${n}`,
          kind: 'error',
          error: String((child as Error | undefined)?.message ?? 'missing'),
        });
        continue;
      }
      const c = child as CatalogNode;
      const ck = nodeKind(c);
      const cboss = bossdbLevel(c.path);
      const image = ck === 'image' && summarised++ < SUMMARISED_IMAGES ? await imageSummary(c, opts) : undefined;
      children.push({
        name: n,
        path: c.path,
        kind: ck,
        ...(c.kind === 'array' ? { array: arrayInfo(c) } : {}),
        ...(cboss ? { bossdb: cboss } : {}),
        ...(image ? { image } : {}),
      });
    }
    out.children = children;
  }
  return out;
}

export const catalogFace: Face = {
  prefix: '/catalog',
  async handle(catalog: CatalogView, request, opts): Promise<FaceReply> {
    const path = request.segments.join('/');
    const node = await catalog.resolve(path, opts);
    if (!node) throw notFound(`no such node: ${path}`, path);
    const base = new URL(request.url).origin;
    const body = await describe(node, base, opts, 1);
    if (path === '' && catalog instanceof Catalog)
      body.mounts = catalog.mounts().map((m) => ({ kind: m.kind, name: m.name, path: m.path, origin: m.origin }));
    return { kind: 'json', body };
  },
};
