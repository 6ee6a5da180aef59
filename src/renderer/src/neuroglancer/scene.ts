/** The viewer's layers, view and visible labels as the Neuroglancer state builder's scene. */
import type { CatalogNode } from '../../../shared/catalog';
import type { Scene, SceneLabel, SceneLayer } from '../../../shared/neuroglancer/scene';
import type { Layer } from '../state/layers';
import type { ViewParams } from '../state/urlState';

export function sceneLayer(layer: Layer, labels: SceneLabel[] = []): SceneLayer {
  const { image } = layer;
  const selection = { ...layer.selection };
  if (image.channelAxis) delete selection[image.channelAxis];
  return {
    node: image.node,
    channels: layer.channels.map((c) => ({
      visible: c.visible,
      color: c.color,
      window: c.limits,
      range: c.range,
      ...(c.label ? { label: c.label } : {}),
    })),
    selection,
    visible: layer.visible,
    opacity: layer.opacity,
    labels,
  };
}

/** `labels`: the base layer's visible label images, with their catalog nodes. */
export function sceneOf(
  layers: Layer[],
  view: ViewParams | undefined,
  labels: { node: CatalogNode; opacity: number }[],
): Scene {
  return {
    layers: layers.map((l, i) => sceneLayer(l, i === 0 ? labels : [])),
    ...(view ? { view: { target: view.target, zoom: view.zoom } } : {}),
  };
}
