/**
 * The URL shapes of APL's `bossdb-zarr`, as aliases of the BossDB tree:
 * `/ome/<c>/<e>/<ch>/…` is our Zarr v2 face (OME 0.4) on `bossdb/<c>/<e>/<ch>`,
 * and `/api/<c>/<e>/<ch>/…` is our N5 face on the same channel with the
 * trailing singleton `c` axis bossdb-zarr declares (`axes: [x, y, z, c]`, block
 * keys `s<k>/<x>/<y>/<z>/<c>`). Levels are the channel's own, not a fixed 4.
 */
import type { CatalogView } from '../catalog/catalog.js';
import { badRequest, notFound } from '../errors.js';
import type { ArrayNode, CatalogNode, GroupNode, IoOptions } from '../model/node.js';
import type { OmeMeta } from '../model/ome.js';
import type { Face } from './face.js';
import { n5Face } from './n5.js';
import { zarrV2Face } from './zarr-v2.js';

/** The BossDB subtree as a view rooted at `bossdb`, each node passed through `wrap`. */
function bossdbView(
  catalog: CatalogView,
  wrap: (n: CatalogNode) => CatalogNode,
  opts: IoOptions,
): Promise<CatalogView> {
  return catalog.resolve('bossdb', opts).then((root) => {
    if (!root || root.kind !== 'group') throw notFound('no BossDB source is configured', 'bossdb');
    return {
      root: wrap(root) as GroupNode,
      resolve: async (path, o) => {
        const node = await catalog.resolve(path, o);
        return node && wrap(node);
      },
    };
  });
}

const identity = (n: CatalogNode) => n;

export const bossdbOmeFace: Face = {
  prefix: '/ome',
  async handle(catalog, request, opts) {
    return zarrV2Face.handle(await bossdbView(catalog, identity, opts), request, opts);
  },
};

export const bossdbN5Face: Face = {
  prefix: '/api',
  async handle(catalog, request, opts) {
    return n5Face.handle(await bossdbView(catalog, withChannelAxis, opts), request, opts);
  },
};

/** Images gain a leading (Zarr order) singleton `c` axis: N5's trailing `c`. */
function withChannelAxis(node: CatalogNode): CatalogNode {
  if (node.kind === 'array') return node;
  const ms = node.ome?.multiscales?.[0];
  if (!ms) {
    return { ...node, child: async (name, opts) => await node.child(name, opts).then((c) => c && withChannelAxis(c)) };
  }
  const levels = new Set(ms.datasets.map((d) => d.path));
  const ome: OmeMeta = {
    ...node.ome!,
    multiscales: [
      {
        ...ms,
        axes: [{ name: 'c', type: 'channel' }, ...ms.axes],
        datasets: ms.datasets.map((d) => ({
          ...d,
          coordinateTransformations: d.coordinateTransformations?.map((t) =>
            Array.isArray(t.scale)
              ? { ...t, scale: [1, ...(t.scale as number[])] }
              : Array.isArray(t.translation)
                ? { ...t, translation: [0, ...(t.translation as number[])] }
                : t,
          ),
        })),
      },
    ],
  };
  return {
    ...node,
    ome,
    child: async (name, opts) => {
      const c = await node.child(name, opts);
      return c?.kind === 'array' && levels.has(name) ? leadingAxis(c) : c;
    },
  };
}

function leadingAxis(node: ArrayNode): ArrayNode {
  const { meta } = node;
  return {
    ...node,
    stored: undefined,
    meta: {
      ...meta,
      shape: [1, ...meta.shape],
      chunkShape: [1, ...meta.chunkShape],
      dimensionNames: ['c', ...(meta.dimensionNames ?? meta.shape.map((_, i) => `d${i}`))],
    },
    async readChunk(coords, opts) {
      if (coords[0] !== 0) throw badRequest(`channel block ${coords[0]} does not exist`);
      const chunk = await node.readChunk(coords.slice(1), opts);
      return { shape: [1, ...chunk.shape], bytes: chunk.bytes };
    },
  };
}
