/**
 * The part of Neuroglancer's JSON state (2.41) that Zarr Bridge writes and
 * reads: global dimensions and position, zoom, and image / segmentation
 * layers. Everything else Neuroglancer puts in a state passes through as
 * unknown keys.
 */

/** `[scale, unit]`: one unit of the dimension is `scale` of an SI unit (`m`, `s`) or of nothing (`''`). */
export type DimensionScale = [number, string];

/** Dimensions by name, in order; the order is that of `position`. */
export type Dimensions = Record<string, DimensionScale>;

/** A source URL with an optional transform, or just the URL. */
export type LayerSource = string | { url: string; transform?: unknown; [key: string]: unknown };

interface LayerCommon {
  name: string;
  source: LayerSource | LayerSource[];
  /** Channel axes (`c'`) are local: each layer shows one channel of the source. */
  localDimensions?: Dimensions;
  localPosition?: number[];
  visible?: boolean;
  [key: string]: unknown;
}

/** `contrast` (invlerp) and `color` (vec3) are the controls of the channel shader (see channel-shader.ts). */
export interface InvlerpControl {
  /** Values drawn black and at full colour. */
  range?: [number, number];
  /** The extent of the control's slider. */
  window?: [number, number];
  [key: string]: unknown;
}

export interface ImageLayerState extends LayerCommon {
  type: 'image';
  shader?: string;
  shaderControls?: Record<string, unknown>;
  blend?: string;
  opacity?: number;
}

export interface SegmentationLayerState extends LayerCommon {
  type: 'segmentation';
  /** Segment id (decimal string) → `#rrggbb`. */
  segmentColors?: Record<string, string>;
  /** Opacity of segments in cross sections. */
  selectedAlpha?: number;
}

export interface OtherLayerState extends LayerCommon {
  type: string;
}

export type LayerState = ImageLayerState | SegmentationLayerState;

export interface NeuroglancerState {
  dimensions: Dimensions;
  position?: number[];
  /** Global units per screen pixel in cross sections (smaller is closer). */
  crossSectionScale?: number;
  projectionScale?: number;
  layers: (LayerState | OtherLayerState)[];
  layout?: string;
  selectedLayer?: { layer?: string; visible?: boolean };
  [key: string]: unknown;
}
