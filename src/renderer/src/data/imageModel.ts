/** Types for an opened multiscale image and the user's per-channel display settings. */
import type { CatalogNode } from '../../../shared/catalog';
import type { Histogram } from './contrast';
import type { LabelPixelSource } from './labels';
import type { PhysicalFrame } from './physical';
import type { ZarrPixelSource } from './pixelSource';

export type Rgb = [number, number, number];

export interface AxisInfo {
  /** Name as stored (OME axes / dimension_names); viv sees the last two as y, x. */
  name: string;
  size: number;
  type?: string;
  unit?: string;
  /** Level-0 voxel size along this axis (OME scale), when known. */
  scale?: number;
  /** Level-0 origin along this axis (OME translation), when known. */
  translation?: number;
}

/**
 * Where a channel's window came from: OME metadata, data (a sample or the screen), the user; 'none' while the
 * data has not been looked at yet (the channel is not drawn: a window would only flash), 'default' when a
 * sample found only fill (the dtype's range is shown, and data seen later sets the window).
 */
export type LimitsSource = 'omero' | 'data' | 'user' | 'none' | 'default';

export interface ChannelState {
  visible: boolean;
  color: Rgb;
  limits: [number, number];
  /** Slider bounds. */
  range: [number, number];
  label: string;
  limitsFrom: LimitsSource;
  histogram?: Histogram;
}

export interface ImageModel {
  node: CatalogNode;
  sources: ZarrPixelSource[];
  /** A label image (segmentation): drawn in id colours from these sources, with no channels. */
  labelSources?: LabelPixelSource[];
  /** viv axis labels of level 0 (the last two are always 'y', 'x'). */
  labels: string[];
  axes: AxisInfo[];
  /** Name of the channel axis in `labels`, if any. */
  channelAxis?: string;
  channelCount: number;
  /** Physical size of one level-0 pixel along x, for the scale bar. */
  pixelSize?: { size: number; unit: string };
  /** Level-0 pixel size and origin in physical units (x, y), for overlaying layers. */
  frame: PhysicalFrame;
  defaultChannels: ChannelState[];
  defaultSelection: Record<string, number>;
}
