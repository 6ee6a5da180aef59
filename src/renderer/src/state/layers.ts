/** An image open as a layer, and how one is loaded from a `source` (catalog path or URL) with URL state. */
import type { CatalogNode } from '../../../shared/catalog';
import { fetchCatalog, resolveSource } from '../data/catalogClient';
import type { ChannelState, ImageModel } from '../data/imageModel';
import { openImage } from '../data/openImage';
import type { LayerParams } from './urlState';

export interface Layer {
  /** Stable React key and deck.gl layer id (a path may be open twice). */
  id: string;
  /** What the address bar names: the catalog path, or a remote URL so the link remounts it. */
  source: string;
  image: ImageModel;
  channels: ChannelState[];
  selection: Record<string, number>;
  visible: boolean;
  opacity: number;
}

/** Nodes that are collections, not images: open their first image instead (plates are shown as grids). */
async function resolveImageNode(node: CatalogNode, signal: AbortSignal): Promise<CatalogNode> {
  if (node.kind === 'image' || (node.kind === 'array' && node.levels?.length)) return node;
  // A plain array is a one-level pyramid of itself.
  if (node.kind === 'array' && node.array) return { ...node, levels: [{ path: '', ...node.array }] };
  if (node.kind === 'bioformats2raw') {
    const first = node.children?.find((c) => c.kind === 'image');
    if (first) return fetchCatalog(first.path, signal);
  }
  throw new Error(`${node.path} is a ${node.kind}; choose an image inside it in the catalog`);
}

function mergeChannels(defaults: ChannelState[], fromUrl: LayerParams['channels']): ChannelState[] {
  return defaults.map((d, i) => {
    const u = fromUrl[i];
    if (!u) return d;
    return {
      ...d,
      ...u,
      range: [Math.min(d.range[0], u.limits[0]), Math.max(d.range[1], u.limits[1])],
      limitsFrom: 'user',
    };
  });
}

let nextId = 0;

export type Loaded = { kind: 'layer'; layer: Layer } | { kind: 'plate'; plate: CatalogNode; source: string };

/** Resolves and opens `source`; `params` (from the URL) override the image's defaults. */
export async function loadSource(
  source: string,
  params: Partial<Omit<LayerParams, 'source'>>,
  signal: AbortSignal,
): Promise<Loaded> {
  const path = await resolveSource(source);
  const found = await fetchCatalog(path, signal);
  if (found.kind === 'plate') return { kind: 'plate', plate: found, source: path };
  const node = await resolveImageNode(found, signal);
  // Windows come while the first tiles load (useChannelStats), not before them: a sample read first would
  // put its round trips in front of every tile.
  const image = await openImage(node, signal, params.channels ?? [], 'later');
  nextId += 1;
  return {
    kind: 'layer',
    layer: {
      id: `layer${nextId}`,
      source: /^https?:/i.test(source) && path.startsWith('remote/') ? source : node.path,
      image,
      channels: mergeChannels(image.defaultChannels, params.channels ?? []),
      selection: { ...image.defaultSelection, ...params.selection },
      visible: params.visible ?? true,
      opacity: params.opacity ?? 1,
    },
  };
}
