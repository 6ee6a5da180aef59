/**
 * A BossDB channel as a multiscale OME image group: levels "0".."n-1" (all
 * of the experiment's hierarchy when the channel is DOWNSAMPLED, else level 0
 * only), shapes from /downsample extents counted from 0, scales from its
 * voxel sizes. Axes are z,y,x, or t,z,y,x when the experiment has more than
 * one time sample; no `c` axis: a BossDB channel is one scalar field, and a
 * singleton axis would only make every client index through it. Annotation
 * channels are label images (OME `image-label`).
 */

import type { Attrs, GroupNode, IoOptions } from '../../model/node.js';
import type { OmeAxis, OmeDataset, OmeMeta } from '../../model/ome.js';
import { warmDecoders } from '../../util/decode-pool.js';
import type { BossdbClient } from './client.js';
import { isBossdbError } from './errors.js';
import type { Box } from './geometry.js';
import { type BlockLoad, type LevelSpec, levelArray } from './level-array.js';
import type { BossChannel, BossCoordFrame, BossDownsample, BossExperiment, Xyz } from './payloads.js';
import { omeSpaceUnit, omeTimeUnit } from './units.js';

/** Grid sizes chosen by the source (x, y, z order, as BossDB writes them). */
export interface Tiling {
  /** Served chunk, x,y,z. */
  readonly chunk: Xyz;
  /** Upstream block, x,y,z: a whole number of BossDB cuboids. */
  readonly block: Xyz;
}

export interface ChannelMeta {
  readonly channel: BossChannel;
  readonly experiment: BossExperiment;
  readonly frame: BossCoordFrame;
  readonly downsample: BossDownsample;
}

/** Fetch what a channel image needs: channel, experiment, coordinate frame, /downsample. */
export async function loadChannelMeta(
  client: BossdbClient,
  c: string,
  e: string,
  ch: string,
  opts: IoOptions,
): Promise<ChannelMeta> {
  // Cutouts follow a channel's metadata: their decoders load meanwhile.
  warmDecoders();
  // Two round trips: the frame's name comes with the experiment; the rest only needs the names.
  const [channel, experiment, asked] = await Promise.all([
    client.getChannel(c, e, ch, opts),
    client.getExperiment(c, e, opts),
    client.getDownsample(c, e, ch, opts).catch((err: unknown) => {
      // BossDB refuses /downsample for some frames (anisotropic with x≠y voxels: 400 code 9001);
      // level 0 is still well defined by the coordinate frame.
      if (isBossdbError(err) && err.tag === 'BadRequest') return undefined;
      throw err;
    }),
  ]);
  const frame = await client.getCoordFrame(experiment.coord_frame, opts);
  const downsample = asked ?? levelZeroOnly(frame, channel.downsample_status);
  return { channel, experiment, frame, downsample };
}

function levelZeroOnly(frame: BossCoordFrame, status: string): BossDownsample {
  return {
    status,
    num_hierarchy_levels: 1,
    extent: { '0': [frame.x_stop, frame.y_stop, frame.z_stop] },
    voxel_size: { '0': [frame.x_voxel_size, frame.y_voxel_size, frame.z_voxel_size] },
    cuboid_size: { '0': [512, 512, 16] },
  };
}

/** Number of levels presented: the hierarchy when downsampled, else level 0 alone. */
export function levelCount(meta: ChannelMeta): number {
  const { channel, experiment, downsample } = meta;
  if (channel.downsample_status !== 'DOWNSAMPLED') return 1;
  let n = Math.min(experiment.num_hierarchy_levels, downsample.num_hierarchy_levels);
  while (n > 1 && !(downsample.extent[String(n - 1)] && downsample.voxel_size[String(n - 1)])) n--;
  return Math.max(1, n);
}

export function levelSpecs(
  meta: ChannelMeta,
  names: { c: string; e: string; ch: string; path: string },
  tiling: Tiling,
): LevelSpec[] {
  const { channel, experiment, frame, downsample } = meta;
  const hasTime = experiment.num_time_samples > 1;
  const specs: LevelSpec[] = [];
  for (let k = 0; k < levelCount(meta); k++) {
    const [ex, ey, ez] = downsample.extent[String(k)]!;
    const spatial = [ez, ey, ex];
    const shape = hasTime ? [experiment.num_time_samples, ...spatial] : spatial;
    const chunkXyz = [tiling.chunk[2], tiling.chunk[1], tiling.chunk[0]];
    const blockXyz = [tiling.block[2], tiling.block[1], tiling.block[0]];
    // Small levels get one chunk along an axis instead of a mostly-padding one.
    const chunk = chunkXyz.map((n, i) => Math.max(1, Math.min(n, spatial[i]!)));
    // BossDB refuses levels outside [base, base + levels) and any range starting below the BASE frame's
    // start, whatever the level: those voxels read as zeros, never asked for.
    const servable = k >= channel.base_resolution && k < channel.base_resolution + experiment.num_hierarchy_levels;
    const start = [frame.z_start, frame.y_start, frame.x_start];
    let dataBox: Box | undefined;
    if (servable && start.every((s, i) => s < spatial[i]!)) {
      const origin = hasTime ? [0, ...start] : start;
      dataBox = { origin, shape: shape.map((n, i) => n - origin[i]!) };
    }
    specs.push({
      path: `${names.path}/${k}`,
      collection: names.c,
      experiment: names.e,
      channel: names.ch,
      resolution: k,
      dtype: channel.datatype,
      hasTime,
      shape,
      chunkShape: hasTime ? [1, ...chunk] : chunk,
      blockShape: hasTime ? [1, ...blockXyz] : blockXyz,
      dataBox,
    });
  }
  return specs;
}

export function omeFor(meta: ChannelMeta, specs: LevelSpec[], name: string): OmeMeta {
  const { experiment, frame, downsample } = meta;
  const hasTime = experiment.num_time_samples > 1;
  const space = omeSpaceUnit(frame.voxel_unit);
  const axes: OmeAxis[] = ['z', 'y', 'x'].map((n) =>
    space ? { name: n, type: 'space', unit: space } : { name: n, type: 'space' },
  );
  if (hasTime) {
    const unit = omeTimeUnit(experiment.time_step_unit);
    axes.unshift(unit ? { name: 't', type: 'time', unit } : { name: 't', type: 'time' });
  }
  const datasets: OmeDataset[] = specs.map((_, k) => {
    const [vx, vy, vz] = downsample.voxel_size[String(k)]!;
    const scale = hasTime ? [experiment.time_step ?? 1, vz, vy, vx] : [vz, vy, vx];
    return { path: String(k), coordinateTransformations: [{ type: 'scale', scale }] };
  });
  // An annotation channel holds segment ids: OME marks such an image as a label image, so viewers colour
  // ids (napari, vizarr, ours) instead of drawing them as intensities.
  const imageLabel = meta.channel.type === 'annotation' ? { imageLabel: {} } : {};
  return { sourceVersion: '0.4', multiscales: [{ name, axes, datasets }], ...imageLabel };
}

/** The channel's image group, with its level arrays built once. */
export function channelImage(
  meta: ChannelMeta,
  names: { c: string; e: string; ch: string; path: string; url: string },
  tiling: Tiling,
  loadBlock: BlockLoad,
  encoding: string,
): GroupNode {
  const specs = levelSpecs(meta, names, tiling);
  const arrays = specs.map((s) => levelArray(s, loadBlock, encoding));
  const { channel, experiment, frame } = meta;
  const attrs: Attrs = {
    bossdb: {
      url: names.url,
      collection: names.c,
      experiment: names.e,
      channel: names.ch,
      type: channel.type,
      datatype: channel.datatype,
      downsample_status: channel.downsample_status,
      base_resolution: channel.base_resolution,
      hierarchy_method: experiment.hierarchy_method,
      coord_frame: { ...frame },
    },
  };
  return {
    kind: 'group',
    path: names.path,
    attrs,
    ome: omeFor(meta, specs, names.ch),
    async children() {
      return arrays.map((_, k) => String(k));
    },
    async child(name: string) {
      return /^(0|[1-9]\d*)$/.test(name) ? arrays[Number(name)] : undefined;
    },
  };
}
