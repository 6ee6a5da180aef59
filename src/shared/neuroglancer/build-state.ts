/**
 * Scene → Neuroglancer state. Each visible channel becomes an image layer
 * drawn by the channel shader with its colour and contrast window; label
 * images and segmentation channels become segmentation layers; the global
 * dimensions are the first layer's level-0 voxels in SI units, and the
 * position and zoom are the viewer's, so Neuroglancer opens on what the
 * viewer shows.
 */
import type { CatalogNode } from '../catalog';
import { CHANNEL_SHADER, channelShaderControls, rgbToHex } from './channel-shader';
import type { Scene, SceneLayer } from './scene';
import { type SourceAxis, type SourcePlan, sourcePlan } from './source';
import type { Dimensions, ImageLayerState, LayerState, NeuroglancerState, SegmentationLayerState } from './state';

export class SceneError extends Error {
  readonly tag = 'EmptyScene';
  constructor() {
    super('a Neuroglancer state needs at least one layer');
  }
}

/** Segment ids rather than intensities: BossDB annotation channels and 64-bit integer images. */
export function isSegmentation(node: CatalogNode): boolean {
  const bossdb = node.attrs?.bossdb as { type?: unknown } | undefined;
  if (bossdb?.type === 'annotation') return true;
  const dtype = (node.levels?.[0] ?? node.array)?.dtype;
  return dtype === 'uint64' || dtype === 'int64';
}

/** Neuroglancer coordinate of the centre of voxel `index` along `axis`. */
function voxelCentre(plan: SourcePlan, axis: SourceAxis, index: number): number {
  return axis.offset + index + (plan.voxelOrigin === 'centre' ? 0 : 0.5);
}

/** Neuroglancer coordinate of a continuous level-0 pixel coordinate (pixel i spans [i, i + 1)). */
function pixelCoordinate(plan: SourcePlan, axis: SourceAxis, pixel: number): number {
  return axis.offset + pixel - (plan.voxelOrigin === 'centre' ? 0.5 : 0);
}

class LayerNames {
  readonly #used = new Set<string>();
  unique(name: string): string {
    let out = name;
    for (let k = 2; this.#used.has(out); k++) out = `${name} (${k})`;
    this.#used.add(out);
    return out;
  }
}

/** The layer's channel axis as a local dimension, set to `channel`. */
function localChannel(plan: SourcePlan, channel: number) {
  const axis = plan.axes.find((a) => a.local);
  if (!axis) return {};
  return {
    localDimensions: { [axis.name]: axis.scale } as Dimensions,
    localPosition: [voxelCentre(plan, axis, channel)],
  };
}

function imageLayers(layer: SceneLayer, plan: SourcePlan, names: LayerNames): ImageLayerState[] {
  const many = layer.channels.length > 1;
  const out: ImageLayerState[] = [];
  layer.channels.forEach((channel, c) => {
    if (!channel.visible) return;
    const suffix = channel.label ?? (many ? `c${c}` : '');
    out.push({
      type: 'image',
      name: names.unique(suffix ? `${layer.node.name} ${suffix}` : layer.node.name),
      source: plan.url,
      ...localChannel(plan, c),
      shader: CHANNEL_SHADER,
      shaderControls: channelShaderControls(channel.color, channel.window, channel.range),
      // As Neuroglancer's own multi-channel set-up: channels add up.
      blend: 'additive',
      ...(layer.opacity !== undefined && layer.opacity !== 1 ? { opacity: layer.opacity } : {}),
      ...(layer.visible === false ? { visible: false } : {}),
    });
  });
  return out;
}

function segmentationLayer(
  node: CatalogNode,
  plan: SourcePlan,
  names: LayerNames,
  opacity: number | undefined,
  visible: boolean,
): SegmentationLayerState {
  const colors: Record<string, string> = {};
  for (const c of node.ome?.imageLabel?.colors ?? []) {
    if (c.rgba) colors[String(c['label-value'])] = rgbToHex([c.rgba[0], c.rgba[1], c.rgba[2]]);
  }
  return {
    type: 'segmentation',
    name: names.unique(node.name),
    source: plan.url,
    ...localChannel(plan, 0),
    ...(Object.keys(colors).length ? { segmentColors: colors } : {}),
    ...(opacity !== undefined ? { selectedAlpha: opacity } : {}),
    ...(visible ? {} : { visible: false }),
  };
}

interface Placed {
  plan: SourcePlan;
  selection: Record<string, number>;
}

export function buildNeuroglancerState(scene: Scene): NeuroglancerState {
  const [base] = scene.layers;
  if (!base) throw new SceneError();
  const names = new LayerNames();
  const layers: LayerState[] = [];
  const placed: Placed[] = [];
  for (const layer of scene.layers) {
    const plan = sourcePlan(layer.node);
    placed.push({ plan, selection: layer.selection });
    if (layer.segmentation ?? isSegmentation(layer.node))
      layers.push(segmentationLayer(layer.node, plan, names, layer.opacity, layer.visible !== false));
    else layers.push(...imageLayers(layer, plan, names));
    for (const label of layer.labels ?? []) {
      const labelPlan = sourcePlan(label.node);
      placed.push({ plan: labelPlan, selection: layer.selection });
      layers.push(segmentationLayer(label.node, labelPlan, names, label.opacity ?? 0.5, layer.visible !== false));
    }
  }

  // Global dimensions: the base's axes x, y, z… (reverse array order), then any the others add.
  const dimensions: Dimensions = {};
  const position: number[] = [];
  const basePlan = placed[0].plan;
  const baseAxes = basePlan.axes.filter((a) => !a.local);
  const [xAxis, yAxis] = [baseAxes.at(-1), baseAxes.at(-2)];
  const target = scene.view?.target ?? [(xAxis?.size ?? 0) / 2, (yAxis?.size ?? 0) / 2];
  for (const { plan, selection } of placed) {
    for (const axis of [...plan.axes].reverse()) {
      if (axis.local || axis.name in dimensions) continue;
      dimensions[axis.name] = axis.scale;
      if (plan === basePlan && axis === xAxis) position.push(pixelCoordinate(plan, axis, target[0]));
      else if (plan === basePlan && axis === yAxis) position.push(pixelCoordinate(plan, axis, target[1]));
      else position.push(voxelCentre(plan, axis, selection[axis.name] ?? Math.floor(axis.size / 2)));
    }
  }
  return {
    dimensions,
    position,
    ...(scene.view ? { crossSectionScale: 2 ** -scene.view.zoom } : {}),
    layers,
    layout: scene.layout ?? 'xy',
  };
}
