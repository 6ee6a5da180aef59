/**
 * Which of the bridge's faces Neuroglancer reads a catalog node through, and
 * the coordinate space Neuroglancer will then give it: axis names, voxel
 * sizes and where voxel 0 lies. The state builder needs the latter to write a
 * position Neuroglancer accepts (its `position` must cover every dimension of
 * every layer, by the names Neuroglancer itself derives).
 */
import type { CatalogArrayInfo, CatalogNode, OmeMultiscale, OmeTransform } from '../catalog';
import type { DimensionScale } from './state';
import { dimensionScale } from './units';

export type Face = 'zarr3' | 'zarr2' | 'n5';

export interface SourceAxis {
  /** As Neuroglancer names it; a channel axis gets a trailing `'` and is local to the layer. */
  name: string;
  local: boolean;
  /** Size of one level-0 voxel. */
  scale: DimensionScale;
  /** The OME translation in level-0 voxels: Neuroglancer puts voxel i at `offset + i` (0 without one). */
  offset: number;
  /** Level-0 extent in voxels. */
  size: number;
}

export interface SourcePlan {
  url: string;
  face: Face;
  /**
   * Where voxel i lies along every axis in Neuroglancer's coordinates (in voxels):
   * OME images are read with voxel centres on whole numbers, [i − ½, i + ½);
   * plain arrays and N5 datasets with corners there, [i, i + 1).
   */
  voxelOrigin: 'centre' | 'corner';
  /** In the array's own (C) order. */
  axes: SourceAxis[];
}

function level0(node: CatalogNode): CatalogArrayInfo | undefined {
  return node.levels?.[0] ?? node.array;
}

function scaleAndTranslation(ms: OmeMultiscale): { scale: number[]; translation: number[] } {
  const rank = ms.axes.length;
  const pick = (ts: OmeTransform[] | undefined, type: 'scale' | 'translation') => {
    const v = ts?.find((t) => t.type === type)?.[type];
    return v && v.length === rank ? v : undefined;
  };
  const ds = ms.datasets[0]?.coordinateTransformations;
  const [s, t] = [pick(ds, 'scale'), pick(ds, 'translation')];
  const [gs, gt] = [pick(ms.coordinateTransformations, 'scale'), pick(ms.coordinateTransformations, 'translation')];
  // Dataset transforms apply first, then the multiscale's own (OME-NGFF 0.4 §coordinateTransformations).
  const scale = ms.axes.map((_, i) => (s?.[i] ?? 1) * (gs?.[i] ?? 1));
  const translation = ms.axes.map((_, i) => (t?.[i] ?? 0) * (gs?.[i] ?? 1) + (gt?.[i] ?? 0));
  return { scale, translation };
}

/** Neuroglancer's names for a plain array's dimensions (`getNormalizedDimensionNames`). */
function arrayAxisNames(names: (string | null)[] | null | undefined, rank: number, face: Face): string[] {
  const prefix = face === 'zarr2' ? 'd' : 'dim_';
  const seen = new Set<string>();
  return Array.from({ length: rank }, (_, i) => {
    let name = names?.[i] ?? null;
    if (name === null) {
      let j = i;
      while (seen.has(`${prefix}${j}`)) j++;
      name = `${prefix}${j}`;
    } else if (seen.has(name)) {
      let j = 1;
      while (seen.has(`${name}${j}`)) j++;
      name = `${name}${j}`;
    }
    seen.add(name);
    return name;
  });
}

function isBossdb(node: CatalogNode): boolean {
  return node.urls.bossdbN5 !== undefined || node.path.startsWith('bossdb/');
}

/**
 * The face for a node. Stored encodings pass through where the face matches:
 * Zarr v3 (sharded or not) on `/zarr/v3`, Zarr v2 on `/zarr/v2`, N5 on `/n5`.
 * BossDB channels go through `/zarr/v3` rather than bossdb-zarr's `/api`: the
 * latter's N5 declares a fourth, singleton `c` axis, and Neuroglancer 2.41
 * cannot read its uint64 blocks uncompressed (a 4-D N5 header is 20 bytes, and
 * it views the payload in place as a BigUint64Array, which needs a multiple of 8).
 * N5 images with a channel axis go through `/zarr/v3` too, where OME metadata
 * marks the axis as channels.
 */
export function chooseFace(node: CatalogNode): Face {
  if (isBossdb(node)) return 'zarr3';
  const stored = level0(node)?.stored;
  const ms = node.ome?.multiscales?.[0];
  if (stored === 'zarr2') return 'zarr2';
  if (stored === 'n5' && !ms?.axes.some((a) => a.type === 'channel')) return 'n5';
  return 'zarr3';
}

export function sourcePlan(node: CatalogNode, face: Face = chooseFace(node)): SourcePlan {
  const url = { zarr3: node.urls.neuroglancerZarr3, zarr2: node.urls.neuroglancerZarr2, n5: node.urls.neuroglancerN5 }[
    face
  ];
  const info = level0(node);
  const ms = node.ome?.multiscales?.[0];
  const shape = info?.shape ?? [];
  if (ms) {
    const { scale, translation } = scaleAndTranslation(ms);
    const axes = ms.axes.map((a, i) => {
      const local = a.type === 'channel' && face !== 'n5';
      return {
        name: local ? `${a.name}'` : a.name,
        local,
        scale: local ? ([1, ''] as DimensionScale) : dimensionScale(scale[i], a.unit),
        // Neuroglancer reads OME translations; the n5 face carries none.
        offset: face === 'n5' || local ? 0 : translation[i] / scale[i],
        size: shape[i] ?? 1,
      };
    });
    return { url, face, voxelOrigin: face === 'n5' ? 'corner' : 'centre', axes };
  }
  const names = arrayAxisNames(info?.dimensionNames, shape.length, face);
  return {
    url,
    face,
    voxelOrigin: 'corner',
    axes: names.map((name, i) => ({ name, local: false, scale: [1, ''], offset: 0, size: shape[i] })),
  };
}
