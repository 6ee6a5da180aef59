/** An image's OME label images (its `labels` group): listed with the image, opened when first shown. */
import type { CatalogNode } from '../../../shared/catalog';
import { fetchCatalog } from './catalogClient';
import { type LabelPixelSource, labelSources } from './labels';
import { openPyramid } from './openImage';
import { type PhysicalFrame, physicalFrame } from './physical';

export interface LabelLayerModel {
  name: string;
  path: string;
  sources: LabelPixelSource[];
  /** Where its level-0 pixels lie, so it overlays the image where it physically is. */
  frame: PhysicalFrame;
}

/** Names and catalog paths of an image's label images (from its `labels` child). */
export async function listLabels(image: CatalogNode, signal?: AbortSignal): Promise<{ name: string; path: string }[]> {
  const group = image.children?.find((c) => c.kind === 'labels');
  if (!group) return [];
  const node = await fetchCatalog(group.path, signal);
  const names = node.ome?.labels ?? node.children?.map((c) => c.name) ?? [];
  return names.map((name) => ({ name, path: `${group.path}/${name}` }));
}

export async function openLabels(path: string, signal?: AbortSignal): Promise<LabelLayerModel> {
  const node = await fetchCatalog(path, signal);
  const { sources } = await openPyramid(node, signal);
  return { name: node.name, path, sources: labelSources(node, sources), frame: physicalFrame(node) };
}
