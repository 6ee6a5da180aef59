/**
 * Opens a catalog image node as viv pixel sources read through the bridge. Levels are read on `/zarr/v3`
 * (stored bytes passed through, decoded in the page, blosc/zstd/lz4 in workers); a level whose codecs the page
 * cannot decode is read on `/zarr/v2`, where the bridge decodes it. Initial contrast comes from a bounded
 * sample (sample.ts), never from reading a whole level.
 */
import * as zarr from 'zarrita';
import type { CatalogNode, OmeMultiscale } from '../../../shared/catalog';
import { decodeWhere } from '../codecs/decodeWhere';
import { canDecode, warmDecoders } from '../codecs/registerCodecs';
import { faceUrlPath, nodeRoot } from './bridgeStore';
import { defaultColor, hexToRgb } from './colors';
import { histogram, percentileLimits, roundWindow, sliderRange } from './contrast';
import { encodePath } from './encodePath';
import type { AxisInfo, ChannelState, ImageModel } from './imageModel';
import { isLabelImage, labelSources } from './labels';
import { LevelArray, type OpenedLevel } from './levelArray';
import { physicalFrame } from './physical';
import { guessTileSize, isDisplayable, isIntegerDtype, type Selection, ZarrPixelSource } from './pixelSource';
import { type PlaneMeta, planeReader } from './planeRead';
import { samplePlane } from './sample';

/** viv draws at most this many channels of one layer at once. */
export const MAX_VISIBLE_CHANNELS = 10;
/** With more channels than viv can draw, this many are on at first (as vizarr does). */
export const DEFAULT_ON_WHEN_MANY = 6;

function scaleOf(ms: OmeMultiscale | undefined, level: number): number[] | undefined {
  return ms?.datasets[level]?.coordinateTransformations?.find((t) => t.type === 'scale')?.scale;
}

function translationOf(ms: OmeMultiscale | undefined, level: number): number[] | undefined {
  return ms?.datasets[level]?.coordinateTransformations?.find((t) => t.type === 'translation')?.translation;
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
  const scale = scaleOf(ms, 0);
  const translation = translationOf(ms, 0);
  return Array.from({ length: rank }, (_, i) => {
    const axis = names?.[i];
    const fallback = dims?.[i] ?? (i === rank - 1 ? 'x' : i === rank - 2 ? 'y' : `dim_${i}`);
    return {
      name: axis?.name ?? fallback,
      size: 0,
      type: axis?.type,
      unit: axis?.unit,
      scale: scale?.length === rank ? scale[i] : undefined,
      translation: translation?.length === rank ? translation[i] : undefined,
    };
  });
}

interface V3Meta {
  codecs?: { name: string }[];
}

/** Chosen once per page load (`?decode=bridge` is not kept in the view's URL). */
const WHERE = decodeWhere();

/** The URL path of a level of a catalog node on a face (what error messages name). */
const levelUrl = (nodePath: string, levelPath: string, face: 'v2' | 'v3') =>
  faceUrlPath(nodePath, face) + (levelPath ? `/${encodePath(levelPath)}` : '');

/** One level, on /zarr/v3 when the page can decode its codecs, else on /zarr/v2 (decoded by the bridge). */
async function openLevel(nodePath: string, levelPath: string, signal?: AbortSignal): Promise<OpenedLevel> {
  const v3 = levelPath ? nodeRoot(nodePath, 'v3').resolve(levelPath) : nodeRoot(nodePath, 'v3');
  const arr = await zarr.open.v3(v3, { kind: 'array', signal });
  // The metadata document is cached by the store: reading it again costs nothing.
  const bytes = await v3.store.get(v3.resolve('zarr.json').path, { signal });
  const meta = bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as V3Meta & PlaneMeta) : {};
  if (WHERE === 'page' && canDecode(meta.codecs ?? [])) {
    warmDecoders(meta.codecs ?? []);
    return { arr, url: levelUrl(nodePath, levelPath, 'v3'), readPlane: planeReader(arr, meta) };
  }
  const v2 = levelPath ? nodeRoot(nodePath, 'v2').resolve(levelPath) : nodeRoot(nodePath, 'v2');
  return { arr: await zarr.open.v2(v2, { kind: 'array', signal }), url: levelUrl(nodePath, levelPath, 'v2') };
}

/** The pixel sources of every pyramid level of a catalog image node. */
export async function openPyramid(node: CatalogNode, signal?: AbortSignal) {
  const levels = node.levels ?? [];
  if (levels.length === 0) throw new Error(`${node.path} has no pyramid levels to show`);
  const rank = levels[0].shape.length;
  if (rank < 2) throw new Error(`${node.path} has ${rank} dimension(s); an image needs at least y and x`);
  if (!isDisplayable(levels[0].dtype))
    throw new Error(`${node.path} holds ${levels[0].dtype} data, which cannot be shown as an image`);
  // Levels are opened when first read; the lowest now, since the overview and the first sample read it first
  // (and a level that cannot be read at all then fails the opening, not a tile).
  const arrays = levels.map(
    (l) =>
      new LevelArray(
        { shape: l.shape, chunks: l.chunkShape, dtype: l.dtype },
        () => openLevel(node.path, l.path),
        levelUrl(node.path, l.path, 'v3'),
      ),
  );
  await arrays[arrays.length - 1].opened();
  signal?.throwIfAborted();
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

/** The channels' first settings: omero's where given, else a window from a bounded sample of the data. */
async function defaultChannels(
  node: CatalogNode,
  sources: ZarrPixelSource[],
  channelAxis: string | undefined,
  channelCount: number,
  selection: Selection,
  given: GivenChannel[],
  windows: WindowsWhen,
  signal?: AbortSignal,
): Promise<ChannelState[]> {
  const omero = node.ome?.omero;
  const many = channelCount > MAX_VISIBLE_CHANNELS;
  let on = 0;
  const dtype = sources[0].dtype;
  const integer = isIntegerDtype(dtype);
  const channels: ChannelState[] = Array.from({ length: channelCount }, (_, c) => {
    const meta = omero?.channels?.[c];
    const wanted = meta?.active ?? true;
    const visible = wanted && on < (many ? DEFAULT_ON_WHEN_MANY : MAX_VISIBLE_CHANNELS);
    if (visible) on += 1;
    const w = meta?.window;
    const hasWindow = w?.start !== undefined && w?.end !== undefined && (w.end as number) > (w.start as number);
    const limits: [number, number] = hasWindow ? [w?.start as number, w?.end as number] : sliderRange(dtype, []);
    const range: [number, number] =
      w?.min !== undefined && w?.max !== undefined && w.max > w.min ? [w.min, w.max] : sliderRange(dtype, []);
    const color = meta?.color ? hexToRgb(meta.color) : undefined;
    const greyscale = omero?.rdefs?.model === 'greyscale' && channelCount === 1;
    return {
      visible,
      color: greyscale ? [255, 255, 255] : (color ?? defaultColor(c, channelCount)),
      limits,
      range: [Math.min(range[0], limits[0]), Math.max(range[1], limits[1])],
      label: meta?.label ?? (channelCount > 1 ? `${channelAxis ?? 'channel'} ${c}` : node.name),
      limitsFrom: hasWindow ? 'omero' : 'none',
    };
  });
  if (windows === 'later') return channels;
  // Visible channels without a window get one from a sample; the others when they are turned on. Channels
  // whose window and visibility the caller already has (a shared view's URL) need no sample.
  await Promise.all(
    channels.map(async (ch, c) => {
      const g = given[c];
      if (g ? !g.visible : !ch.visible) return;
      if (g) return;
      const sel = channelAxis ? { ...selection, [channelAxis]: c } : selection;
      Object.assign(ch, await channelFromSample(ch, sources, sel, integer, signal));
    }),
  );
  return channels;
}

/** A channel's window (unless omero or the user set it), range and histogram from a bounded sample. */
export async function channelFromSample(
  ch: ChannelState,
  sources: readonly ZarrPixelSource[],
  selection: Selection,
  integer: boolean,
  signal?: AbortSignal,
): Promise<Partial<ChannelState>> {
  const { values } = await samplePlane(sources, selection, signal);
  if (values.length === 0) return {};
  return statsUpdate(ch, values, sources[0].dtype, integer);
}

/** New limits (when data may set them), slider range and histogram from values seen. */
export function statsUpdate(
  ch: ChannelState,
  values: ArrayLike<number>,
  dtype: string,
  integer: boolean,
  force = false,
): Partial<ChannelState> {
  const range = sliderRange(dtype, values);
  const setLimits = force || ch.limitsFrom === 'none' || ch.limitsFrom === 'default' || ch.limitsFrom === 'data';
  const limits = setLimits ? roundWindow(percentileLimits(values), integer) : ch.limits;
  const lo = Math.min(range[0], limits[0]);
  const hi = Math.max(range[1], limits[1]);
  return {
    limits,
    range: [lo, hi],
    histogram: histogram(values, lo, hi),
    ...(setLimits ? { limitsFrom: 'data' as const } : {}),
  };
}

/**
 * When visible channels without a window get one: 'now' reads a sample before the image is returned (a
 * well's thumbnail is drawn once); 'later' returns them with limitsFrom 'none', for the caller to fill while
 * the first tiles load (the viewer: useChannelStats, from the same sample or from the screen).
 */
export type WindowsWhen = 'now' | 'later';

/** A channel's settings known before opening (from the URL): no sample is read for it. */
export interface GivenChannel {
  visible: boolean;
}

export async function openImage(
  node: CatalogNode,
  signal?: AbortSignal,
  given: (GivenChannel | undefined)[] = [],
  windows: WindowsWhen = 'now',
): Promise<ImageModel> {
  const { sources, labels, axes, rank, ms } = await openPyramid(node, signal);
  const label = isLabelImage(node);
  const channelAxis = label ? undefined : axes.slice(0, -2).find((a) => a.type === 'channel' || a.name === 'c')?.name;
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
  const channels = label
    ? []
    : await defaultChannels(
        node,
        sources,
        channelAxis,
        channelCount,
        defaultSelection,
        given as GivenChannel[],
        windows,
        signal,
      );

  const xIndex = rank - 1;
  const xScale = scaleOf(ms, 0)?.[xIndex];
  const xUnit = ms?.axes?.[xIndex]?.unit;
  const pixelSize = xScale !== undefined && xUnit ? { size: xScale, unit: xUnit } : undefined;
  return {
    node,
    sources,
    ...(label ? { labelSources: labelSources(node, sources) } : {}),
    labels,
    axes,
    channelAxis,
    channelCount: label ? 0 : channelCount,
    pixelSize,
    frame: physicalFrame(node),
    defaultChannels: channels,
    defaultSelection,
  };
}
