/** Opens a catalog image node as viv pixel sources read through the bridge's /zarr/v3 face. */
import * as zarr from 'zarrita';
import type { CatalogNode, OmeMultiscale } from '../../../shared/catalog';
import { nodeRoot } from './bridgeStore';
import { defaultColor, hexToRgb } from './colors';
import { percentileLimits, sliderRange } from './contrast';
import type { AxisInfo, ChannelState, ImageModel } from './imageModel';
import { physicalFrame } from './physical';
import { guessTileSize, type Selection, ZarrPixelSource } from './pixelSource';

function scaleOf(ms: OmeMultiscale | undefined, level: number): number[] | undefined {
  return ms?.datasets[level]?.coordinateTransformations?.find((t) => t.type === 'scale')?.scale;
}

/**
 * For each non-y/x axis, a level's index is found from physical position, not copied:
 * a pyramid downsampled along z (n5 s1 = s0[::2]) needs z/2 at level 1, one that is not needs z.
 */
function selectionMapper(labels: string[], shape0: number[], shapeK: number[], scale0?: number[], scaleK?: number[]) {
  const ratios = labels.slice(0, -2).map((_, i) => {
    if (shapeK[i] === shape0[i]) return 1;
    if (scale0 && scaleK && scale0[i] > 0 && scaleK[i] > 0) return scale0[i] / scaleK[i];
    return shapeK[i] / shape0[i];
  });
  if (ratios.every((r) => r === 1)) return undefined;
  return (sel: Selection): Selection => {
    const out: Selection = { ...sel };
    labels.slice(0, -2).forEach((name, i) => {
      if (ratios[i] !== 1 && name in sel) {
        out[name] = Math.min(shapeK[i] - 1, Math.floor((sel[name] + 0.5) * ratios[i]));
      }
    });
    return out;
  };
}

function axisNames(node: CatalogNode, rank: number): AxisInfo[] {
  const ms = node.ome?.multiscales?.[0];
  const names = ms?.axes?.length === rank ? ms.axes : undefined;
  const dims = node.levels?.[0]?.dimensionNames;
  return Array.from({ length: rank }, (_, i) => {
    const axis = names?.[i];
    const fallback = dims?.[i] ?? (i === rank - 1 ? 'x' : i === rank - 2 ? 'y' : `dim_${i}`);
    return { name: axis?.name ?? fallback, size: 0, type: axis?.type, unit: axis?.unit };
  });
}

/** The pixel sources of every pyramid level of a catalog image node, read through /zarr/v3. */
export async function openPyramid(node: CatalogNode, signal?: AbortSignal) {
  const levels = node.levels ?? [];
  if (levels.length === 0) throw new Error(`${node.path} has no pyramid levels to show`);
  const rank = levels[0].shape.length;
  if (rank < 2) throw new Error(`${node.path} has ${rank} dimension(s); an image needs at least y and x`);
  const root = nodeRoot(node.path);
  const arrays = await Promise.all(levels.map((l) => zarr.open.v3(root.resolve(l.path), { kind: 'array', signal })));
  const axes = axisNames(node, rank).map((a, i) => ({ ...a, size: levels[0].shape[i] }));
  // viv requires the last two labels to be literally y and x.
  const labels = [...axes.slice(0, -2).map((a) => a.name), 'y', 'x'];
  const tileSize = guessTileSize(levels[0].chunkShape);
  const ms = node.ome?.multiscales?.[0];
  const sources = arrays.map(
    (arr, k) =>
      new ZarrPixelSource(
        arr,
        labels,
        tileSize,
        selectionMapper(labels, levels[0].shape, levels[k].shape, scaleOf(ms, 0), scaleOf(ms, k)),
      ),
  );
  return { sources, labels, axes, rank, ms };
}

export async function openImage(node: CatalogNode, signal?: AbortSignal): Promise<ImageModel> {
  const { sources, labels, axes, rank, ms } = await openPyramid(node, signal);
  const channelAxis = axes.slice(0, -2).find((a) => a.type === 'channel' || a.name === 'c')?.name;

  const channelCount = channelAxis ? (axes.find((a) => a.name === channelAxis)?.size ?? 1) : 1;
  const omero = node.ome?.omero;
  const defaultSelection: Selection = {};
  for (const a of axes.slice(0, -2)) {
    if (a.name === channelAxis) continue;
    let index = a.name === 'z' ? Math.floor(a.size / 2) : 0;
    if (a.name === 'z' && omero?.rdefs?.defaultZ !== undefined) index = omero.rdefs.defaultZ;
    if (a.name === 't' && omero?.rdefs?.defaultT !== undefined) index = omero.rdefs.defaultT;
    defaultSelection[a.name] = Math.max(0, Math.min(a.size - 1, index));
  }

  const lowest = sources[sources.length - 1];
  // Every channel's lowest level at once: the requests overlap instead of queueing one per channel.
  const rasters = await Promise.all(
    Array.from({ length: channelCount }, (_, c) =>
      lowest.getRaster({
        selection: channelAxis ? { ...defaultSelection, [channelAxis]: c } : defaultSelection,
        signal,
      }),
    ),
  );
  const defaultChannels: ChannelState[] = [];
  for (let c = 0; c < channelCount; c++) {
    const meta = omero?.channels?.[c];
    const raster = rasters[c];
    const range = sliderRange(lowest.dtype, raster.data);
    const w = meta?.window;
    const auto = percentileLimits(raster.data);
    const limits: [number, number] = w?.start !== undefined && w?.end !== undefined ? [w.start, w.end] : auto;
    const color = meta?.color ? hexToRgb(meta.color) : undefined;
    const greyscale = omero?.rdefs?.model === 'greyscale' && channelCount === 1;
    defaultChannels.push({
      visible: meta?.active ?? true,
      color: greyscale ? [255, 255, 255] : (color ?? defaultColor(c, channelCount)),
      limits,
      range: [Math.min(range[0], limits[0]), Math.max(range[1], limits[1])],
      label: meta?.label ?? `${channelAxis ?? 'channel'} ${c}`,
    });
  }

  const xIndex = rank - 1;
  const xScale = scaleOf(ms, 0)?.[xIndex];
  const xUnit = ms?.axes?.[xIndex]?.unit;
  const pixelSize = xScale !== undefined && xUnit ? { size: xScale, unit: xUnit } : undefined;
  const frame = physicalFrame(node);
  return {
    node,
    sources,
    labels,
    axes,
    channelAxis,
    channelCount,
    pixelSize,
    frame,
    defaultChannels,
    defaultSelection,
  };
}
