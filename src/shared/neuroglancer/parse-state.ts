/**
 * Neuroglancer state → what the viewer should open: the layers that read
 * this bridge, as catalog paths with their channel settings and labels, and
 * the view. The inverse of build-state.ts for states it built, and a best
 * effort for states made in Neuroglancer by hand.
 */
import { hexToRgb, type Rgb } from './channel-shader';
import type { Face } from './source';
import { catalogPathOf } from './source-path';
import type { DimensionScale } from './state';
import { stateFromText } from './state-text';

export interface ParsedChannel {
  visible: boolean;
  color?: Rgb;
  /** The contrast window (the invlerp control's `range`). */
  window?: [number, number];
  /** The window slider's extent (the invlerp control's `window`). */
  range?: [number, number];
}

export interface ParsedLabel {
  /** The label image's name (`…/labels/<name>`). */
  name: string;
  path: string;
  visible: boolean;
  opacity: number;
}

export interface ParsedLayer {
  /** Catalog path of the image (or array) to open. */
  path: string;
  face: Face;
  /** By channel index; undefined where the state shows no layer for that channel. */
  channels: (ParsedChannel | undefined)[];
  labels: ParsedLabel[];
  /** Shown as a segmentation layer in Neuroglancer (a BossDB annotation channel, a uint64 array). */
  segmentation: boolean;
  /** False when every layer of it is hidden in Neuroglancer. */
  visible: boolean;
  opacity: number;
}

export interface ParsedScene {
  layers: ParsedLayer[];
  /**
   * The view in the first layer's level-0 pixels, assuming Neuroglancer's
   * dimensions are those pixels (true of states the bridge builds, and of
   * Neuroglancer's own default for a state's first layer) and no OME translation.
   */
  view?: { target: [number, number]; zoom: number };
  /** Index along every other dimension (z, t, …), by name, under the same assumption. */
  selection: Record<string, number>;
  /** The raw global position, for callers that know the voxel sizes. */
  position: Record<string, { value: number; scale: DimensionScale }>;
  /** Layers left out (another server, an annotation layer…), with the reason. */
  skipped: { name: string; reason: string }[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const pair = (v: unknown): [number, number] | undefined =>
  Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number' && Number.isFinite(n))
    ? [v[0], v[1]]
    : undefined;

function sourceUrls(source: unknown): string[] {
  const one = (s: unknown) =>
    typeof s === 'string' ? s : isObject(s) && typeof s.url === 'string' ? s.url : undefined;
  const list = Array.isArray(source) ? source : [source];
  return list.map(one).filter((u): u is string => u !== undefined);
}

/** Channel settings from the channel shader's controls, or from any invlerp and colour controls. */
function channelOf(layer: Json): ParsedChannel {
  const controls = isObject(layer.shaderControls) ? layer.shaderControls : {};
  const values = [controls.contrast, controls.color, ...Object.values(controls)];
  const invlerp = values.find((v): v is Json => isObject(v) && pair(v.range) !== undefined);
  const color = values.map((v) => (typeof v === 'string' ? hexToRgb(v) : undefined)).find((c) => c !== undefined);
  return {
    visible: layer.visible !== false && layer.archived !== true,
    ...(color ? { color } : {}),
    ...(invlerp ? { window: pair(invlerp.range) } : {}),
    ...(invlerp && pair(invlerp.window) ? { range: pair(invlerp.window) } : {}),
  };
}

/** The channel a layer shows: its position along a local channel axis (`c'`), voxel centres on whole numbers. */
function channelIndex(layer: Json): number {
  const dims = isObject(layer.localDimensions) ? Object.keys(layer.localDimensions) : [];
  const at = dims.findIndex((d) => d.endsWith("'"));
  const pos = Array.isArray(layer.localPosition) ? layer.localPosition[at === -1 ? 0 : at] : undefined;
  return typeof pos === 'number' && Number.isFinite(pos) ? Math.max(0, Math.floor(pos + 0.5)) : 0;
}

export function parseNeuroglancerState(input: string | Json, bridgeOrigins: readonly string[]): ParsedScene {
  const state = typeof input === 'string' ? stateFromText(input) : input;
  const layers: ParsedLayer[] = [];
  const skipped: ParsedScene['skipped'] = [];
  const layerFor = (path: string, face: Face): ParsedLayer => {
    let l = layers.find((x) => x.path === path);
    if (!l) {
      l = { path, face, channels: [], labels: [], segmentation: false, visible: false, opacity: 1 };
      layers.push(l);
    }
    return l;
  };

  for (const raw of Array.isArray(state.layers) ? state.layers : []) {
    if (!isObject(raw)) continue;
    const name = typeof raw.name === 'string' ? raw.name : '(unnamed)';
    const type = raw.type ?? (raw.source !== undefined ? 'image' : undefined);
    if (type !== 'image' && type !== 'segmentation') {
      skipped.push({ name, reason: `a ${String(type)} layer` });
      continue;
    }
    const urls = sourceUrls(raw.source);
    const matches = urls.map((u) => catalogPathOf(u, bridgeOrigins));
    const match = matches.find((m): m is { path: string; face: Face } => 'path' in m);
    if (!match) {
      const why = matches.find((m): m is { skip: string } => 'skip' in m);
      skipped.push({ name, reason: why?.skip ?? 'no data source' });
      continue;
    }
    const visible = raw.visible !== false && raw.archived !== true;
    // An OME label image; a BossDB channel is never one, even in an experiment called `labels`.
    const label = match.path.startsWith('bossdb/') ? null : /^(.+)\/labels\/([^/]+)$/.exec(match.path);
    if (type === 'segmentation' && label) {
      const alpha = typeof raw.selectedAlpha === 'number' ? raw.selectedAlpha : 0.5;
      layerFor(label[1], match.face).labels.push({ name: label[2], path: match.path, visible, opacity: alpha });
      continue;
    }
    const layer = layerFor(match.path, match.face);
    if (typeof raw.opacity === 'number') layer.opacity = raw.opacity;
    layer.visible ||= visible;
    if (type === 'segmentation') {
      layer.segmentation = true;
      continue;
    }
    layer.channels[channelIndex(raw)] = channelOf(raw);
  }
  // An image opened only for its labels shows, with its own channel defaults.
  for (const l of layers) if (l.channels.length === 0 && !l.segmentation && l.labels.length) l.visible = true;

  return { layers, ...viewOf(state, layers[0]?.face), skipped };
}

function viewOf(state: Json, face: Face | undefined): Pick<ParsedScene, 'view' | 'selection' | 'position'> {
  const dims = isObject(state.dimensions) ? state.dimensions : {};
  const names = Object.keys(dims);
  const values = Array.isArray(state.position) ? state.position : [];
  const position: ParsedScene['position'] = {};
  names.forEach((n, i) => {
    const scale = dims[n];
    if (typeof values[i] === 'number' && Array.isArray(scale))
      position[n] = { value: values[i] as number, scale: [Number(scale[0]), String(scale[1] ?? '')] };
  });
  // OME images (the Zarr faces) have voxel centres on whole numbers; N5 has voxel corners there.
  const centred = face !== 'n5';
  const xName = 'x' in position ? 'x' : names[0];
  const yName = 'y' in position ? 'y' : names[1];
  const selection: Record<string, number> = {};
  for (const [n, p] of Object.entries(position)) {
    if (n !== xName && n !== yName) selection[n] = Math.max(0, Math.floor(p.value + (centred ? 0.5 : 0)));
  }
  const scale =
    typeof state.crossSectionScale === 'number' && state.crossSectionScale > 0 ? state.crossSectionScale : 1;
  const [x, y] = [position[xName], position[yName]];
  const view =
    x && y
      ? {
          target: [x.value + (centred ? 0.5 : 0), y.value + (centred ? 0.5 : 0)] as [number, number],
          zoom: -Math.log2(scale),
        }
      : undefined;
  return { ...(view ? { view } : {}), selection, position };
}
