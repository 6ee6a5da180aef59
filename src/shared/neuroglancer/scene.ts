/**
 * A scene: what the viewer shows, as the Neuroglancer state builder takes it.
 * Deliberately small and independent of the renderer's own state, which the
 * viewer maps onto it.
 */
import type { CatalogNode } from '../catalog';
import type { Rgb } from './channel-shader';

export type { Rgb } from './channel-shader';

export interface SceneChannel {
  visible: boolean;
  /** 0–255 per component. */
  color: Rgb;
  /** Contrast window: values drawn black and at full colour. */
  window: [number, number];
  /** Extent of the window's slider (omero `min`/`max`, or the data range), when known. */
  range?: [number, number];
  /** omero `label`, shown in the layer's name. */
  label?: string;
}

export interface SceneLabel {
  /** `/catalog/<path>` of the OME label image (an `…/labels/<name>` image). */
  node: CatalogNode;
  /** 0–1; default 0.5. */
  opacity?: number;
}

export interface SceneLayer {
  /** `/catalog/<path>` of the image (kind `image`), or of a plain array. */
  node: CatalogNode;
  /** Along the channel axis, by index; one entry for an image without a channel axis. */
  channels: SceneChannel[];
  /** Index along each axis other than the two shown (z, t, …), by axis name; the channel axis is ignored. */
  selection: Record<string, number>;
  /** Default true. */
  visible?: boolean;
  /** 0–1; default 1. */
  opacity?: number;
  /** Label images of this image to show as segmentation layers. */
  labels?: SceneLabel[];
  /**
   * Show the node itself as a segmentation layer (segment ids, not intensities).
   * Default: BossDB annotation channels and 64-bit integer images.
   */
  segmentation?: boolean;
}

export interface SceneView {
  /** Centre of the view in the first layer's level-0 pixels (x, y), as the viewer keeps it. */
  target: [number, number];
  /** log2 of screen pixels per level-0 pixel. */
  zoom: number;
}

export interface Scene {
  /** The first layer is the base: its level-0 pixels are what `view` is measured in. */
  layers: SceneLayer[];
  view?: SceneView;
  /** Neuroglancer's layout; default `xy`, the viewer's own. */
  layout?: 'xy' | 'yz' | 'xz' | '3d' | '4panel' | 'xy-3d' | 'yz-3d' | 'xz-3d';
}
