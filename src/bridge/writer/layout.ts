/**
 * Which groups and images a conversion writes, and their OME metadata:
 * a single image (with its labels), an HCS plate (rows, wells, fields) or the
 * bioformats2raw layout (series). How an image's arrays are encoded is not
 * decided here (see array-doc.ts and shards.ts): one layout serves 0.4 and 0.5.
 */
import { isDType } from '../model/dtype.js';
import type { ArrayNode, Attrs, CatalogNode, GroupNode, IoOptions } from '../model/node.js';
import { type OmeAxis, type OmeMeta, type OmeMultiscale, renderOme04, renderOme05 } from '../model/ome.js';
import { WriterError } from './errors.js';
import type { OmeVersion, Region, WriteOptions } from './options.js';
import type { ImageGeometry, LevelPlan } from './plan.js';

/** One multiscale image to write. */
export interface ImageSource {
  /** Path inside OUTPUT ('' = its root). */
  outPath: string;
  /** The input's level 0, read through the catalog. */
  level0: ArrayNode;
  /** The region's first voxel in `level0`. */
  start: number[];
  geometry: ImageGeometry;
  name?: string;
  omero?: Attrs;
  imageLabel?: Attrs;
  isLabel: boolean;
  /** Values are ids, not intensities (labels, BossDB annotation channels): downsampled by mode. */
  categorical: boolean;
}

/** A group that is not an image: plate, row, well, `labels`, bioformats2raw root, `OME`. */
export interface GroupDoc {
  outPath: string;
  ome?: OmeMeta;
}

export interface Layout {
  images: ImageSource[];
  groups: GroupDoc[];
}

type LayoutOptions = Pick<WriteOptions, 'region' | 'voxelSize' | 'unit'>;

const isObject = (v: unknown): v is Attrs => typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (...parts: string[]) => parts.filter((p) => p !== '').join('/');

async function childAt(group: GroupNode, path: string, opts: IoOptions): Promise<CatalogNode | undefined> {
  let node: CatalogNode | undefined = group;
  for (const seg of path.split('/').filter((s) => s !== '' && s !== '.')) {
    if (node?.kind !== 'group') return undefined;
    node = await node.child(seg, opts);
  }
  return node;
}

const AXIS_TYPES: Record<string, string> = { t: 'time', c: 'channel', z: 'space', y: 'space', x: 'space' };

/** Axes of an array that carries no OME metadata: its dimension names when they are t/c/z/y/x, else by rank. */
function plainAxes(array: ArrayNode): OmeAxis[] {
  const rank = array.meta.shape.length;
  const names = array.meta.dimensionNames;
  const known = names?.every((n) => n in AXIS_TYPES) && new Set(names).size === names?.length;
  const chosen = known && names ? [...names] : ['t', 'c', 'z', 'y', 'x'].slice(5 - rank);
  if (rank < 2 || rank > 5) throw new WriterError('Input', `${array.path}: an OME image has 2 to 5 axes, not ${rank}`);
  return chosen.map((name) => ({ name, type: AXIS_TYPES[name] }));
}

function transforms(list: unknown): { scale?: number[]; translation?: number[] } {
  const out: { scale?: number[]; translation?: number[] } = {};
  if (!Array.isArray(list)) return out;
  for (const t of list.filter(isObject)) {
    if (t.type === 'scale' && Array.isArray(t.scale)) out.scale = t.scale.map(Number);
    if (t.type === 'translation' && Array.isArray(t.translation)) out.translation = t.translation.map(Number);
  }
  return out;
}

/** Applies `--region` (strict: out of range is an error; labels clip to their own extent). */
function cut(
  axes: readonly OmeAxis[],
  shape: readonly number[],
  region: Region | undefined,
  strict: boolean,
): { start: number[]; shape: number[] } {
  const start = shape.map(() => 0);
  const size = [...shape];
  for (const [name, [from, to]] of Object.entries(region ?? {})) {
    const i = axes.findIndex((a) => a.name === name);
    if (i < 0) {
      if (!strict) continue;
      throw new WriterError('Usage', `--region: no axis "${name}" (axes: ${axes.map((a) => a.name).join(', ')})`);
    }
    let a = from ?? 0;
    let b = to ?? shape[i];
    if (!strict) {
      a = Math.min(a, shape[i]);
      b = Math.min(b, shape[i]);
    }
    if (a < 0 || b > shape[i] || a >= b) {
      throw new WriterError('Usage', `--region ${name}=${a}:${b} is outside 0:${shape[i]} or empty`);
    }
    start[i] = a;
    size[i] = b - a;
  }
  return { start, shape: size };
}

function numericLevel0(node: CatalogNode | undefined, where: string): ArrayNode {
  if (node?.kind !== 'array') throw new WriterError('Input', `${where}: level 0 is not an array`);
  if (!isDType(String(node.meta.dtype))) {
    throw new WriterError('Input', `${where}: data type ${node.meta.dtype} cannot be written as an OME image`);
  }
  return node;
}

function geometryOf(
  axesIn: readonly OmeAxis[],
  ms: OmeMultiscale | undefined,
  level0: ArrayNode,
  options: LayoutOptions,
  strict: boolean,
): { geometry: ImageGeometry; start: number[] } {
  const rank = level0.meta.shape.length;
  if (axesIn.length !== rank) {
    throw new WriterError('Input', `${level0.path}: ${axesIn.length} axes for an array of rank ${rank}`);
  }
  const axes = axesIn.map((a) => ({ ...a }));
  const ds = transforms(ms?.datasets[0]?.coordinateTransformations);
  const top = transforms(ms?.coordinateTransformations);
  const s0 = ds.scale ?? new Array<number>(rank).fill(1);
  const t0 = ds.translation ?? new Array<number>(rank).fill(0);
  let scale = s0.map((s, i) => s * (top.scale?.[i] ?? 1));
  const translation = t0.map((t, i) => t * (top.scale?.[i] ?? 1) + (top.translation?.[i] ?? 0));
  const spatial = axes.map((a, i) => (a.type === 'space' ? i : -1)).filter((i) => i >= 0);
  if (options.voxelSize) {
    if (options.voxelSize.length !== spatial.length) {
      throw new WriterError(
        'Usage',
        `--voxel-size has ${options.voxelSize.length} values for ${spatial.length} spatial axes (${spatial.map((i) => axes[i].name).join(',')})`,
      );
    }
    scale = scale.map((s, i) => (spatial.includes(i) ? options.voxelSize![spatial.indexOf(i)] : s));
  }
  if (options.unit) for (const i of spatial) axes[i].unit = options.unit;
  const { start, shape } = cut(axes, level0.meta.shape, options.region, strict);
  // The region keeps its place in physical space (channels are categories, not positions).
  const shifted = translation.map((t, i) => (axes[i].type === 'channel' ? t : t + start[i] * scale[i]));
  return { geometry: { axes, shape, scale, translation: shifted }, start };
}

/** BossDB says which channels hold annotations (segment ids) rather than intensities. */
const isAnnotation = (attrs: Attrs): boolean => isObject(attrs.bossdb) && attrs.bossdb.type === 'annotation';

async function imageFrom(
  node: CatalogNode,
  outPath: string,
  options: LayoutOptions,
  opts: IoOptions,
  into: Layout,
  isLabel: boolean,
): Promise<void> {
  if (node.kind === 'array') {
    const level0 = numericLevel0(node, node.path);
    const { geometry, start } = geometryOf(plainAxes(level0), undefined, level0, options, !isLabel);
    into.images.push({
      outPath,
      level0,
      start,
      geometry,
      isLabel,
      categorical: isLabel,
      name: node.path.split('/').at(-1),
    });
    return;
  }
  const ms = node.ome?.multiscales?.[0];
  if (!ms || ms.datasets.length === 0) throw new WriterError('Input', `${node.path}: not an OME image`);
  const level0 = numericLevel0(await childAt(node, ms.datasets[0].path, opts), node.path);
  const { geometry, start } = geometryOf(ms.axes, ms, level0, options, !isLabel);
  const c = geometry.axes.findIndex((a) => a.type === 'channel');
  let omero = node.ome?.omero;
  if (omero && c >= 0 && Array.isArray(omero.channels)) {
    // A region over channels keeps the channels it keeps.
    omero = { ...omero, channels: omero.channels.slice(start[c], start[c] + geometry.shape[c]) };
  }
  into.images.push({
    outPath,
    level0,
    start,
    geometry,
    isLabel,
    categorical: isLabel || !!node.ome?.imageLabel || isAnnotation(node.attrs),
    name: ms.name ?? node.path.split('/').at(-1),
    ...(omero ? { omero } : {}),
    ...(node.ome?.imageLabel ? { imageLabel: node.ome.imageLabel } : {}),
  });
  if (isLabel) return;
  const labelsGroup = await node.child('labels', opts).catch(() => undefined);
  const names = labelsGroup?.kind === 'group' ? (labelsGroup.ome?.labels ?? []) : [];
  const written: string[] = [];
  for (const name of names) {
    const label = await childAt(labelsGroup as GroupNode, name, opts);
    if (label?.kind !== 'group' || !label.ome?.multiscales) continue;
    await imageFrom(label, join(outPath, 'labels', name), options, opts, into, true);
    written.push(name);
  }
  if (written.length > 0)
    into.groups.push({ outPath: join(outPath, 'labels'), ome: { sourceVersion: '', labels: written } });
}

async function plateFrom(group: GroupNode, options: LayoutOptions, opts: IoOptions, into: Layout): Promise<void> {
  const plate = group.ome!.plate!;
  const wells = (Array.isArray(plate.wells) ? plate.wells : []).filter(isObject);
  into.groups.push({ outPath: '', ome: { sourceVersion: '', plate } });
  const rows = new Set<string>();
  for (const well of wells) {
    const path = String(well.path);
    const node = await childAt(group, path, opts);
    if (node?.kind !== 'group' || !node.ome?.well) throw new WriterError('Input', `${group.path}/${path}: not a well`);
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) rows.add(segments.slice(0, i).join('/'));
    into.groups.push({ outPath: path, ome: { sourceVersion: '', well: node.ome.well } });
    const images = (Array.isArray(node.ome.well.images) ? node.ome.well.images : []).filter(isObject);
    for (const image of images) {
      const field = await childAt(node, String(image.path), opts);
      if (!field) throw new WriterError('Input', `${node.path}/${image.path}: no such field`);
      await imageFrom(field, join(path, String(image.path)), options, opts, into, false);
    }
  }
  for (const row of rows) into.groups.push({ outPath: row });
}

async function seriesFrom(group: GroupNode, options: LayoutOptions, opts: IoOptions, into: Layout): Promise<void> {
  const omeGroup = await group.child('OME', opts).catch(() => undefined);
  let series = omeGroup?.kind === 'group' ? omeGroup.ome?.series : undefined;
  if (!series) {
    // Layout 3 without an OME group: the series are the numbered children.
    series = (await group.children(opts)).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b));
  }
  into.groups.push({ outPath: '', ome: { sourceVersion: '', bioformats2rawLayout: group.ome!.bioformats2rawLayout } });
  into.groups.push({ outPath: 'OME', ome: { sourceVersion: '', series } });
  for (const name of series) {
    const node = await childAt(group, name, opts);
    if (!node) throw new WriterError('Input', `${group.path}/${name}: no such series`);
    await imageFrom(node, name, options, opts, into, false);
  }
}

/** What to write for a catalog node: an array, an image, a plate or a bioformats2raw series. */
export async function layoutOf(node: CatalogNode, options: LayoutOptions, opts: IoOptions): Promise<Layout> {
  const into: Layout = { images: [], groups: [] };
  if (node.kind === 'array' || node.ome?.multiscales) await imageFrom(node, '', options, opts, into, false);
  else if (node.ome?.plate) await plateFrom(node, options, opts, into);
  else if (node.ome?.bioformats2rawLayout !== undefined) await seriesFrom(node, options, opts, into);
  else {
    throw new WriterError(
      'Input',
      `${node.path || 'the input'} is a group without an image, a plate or series: choose one with --path`,
    );
  }
  if (into.images.length === 0) throw new WriterError('Input', `${node.path}: nothing to write`);
  return into;
}

/** The OME metadata of a written image, from its plan: each level's scale and translation as they are. */
export function imageOme(image: ImageSource, levels: readonly LevelPlan[], method: string): OmeMeta {
  const datasets = levels.map((l) => ({
    path: String(l.index),
    coordinateTransformations: [
      { type: 'scale', scale: l.scale },
      ...(l.translation.some((t) => t !== 0) ? [{ type: 'translation', translation: l.translation }] : []),
    ],
  }));
  return {
    sourceVersion: '',
    multiscales: [
      {
        ...(image.name ? { name: image.name } : {}),
        axes: image.geometry.axes.map((a) => ({ ...a })),
        datasets,
        type: method,
        metadata: { method: `zarr-bridge ${method}`, description: 'each level from the one before' },
      },
    ],
    ...(image.omero ? { omero: image.omero } : {}),
    ...(image.imageLabel ? { imageLabel: image.imageLabel } : {}),
  };
}

/** A group's metadata documents (file name → JSON), for 0.4 (Zarr v2) or 0.5 (Zarr v3). */
export function groupDocs(ome: OmeMeta | undefined, version: OmeVersion): Record<string, Attrs> {
  if (version === '0.5') {
    return { 'zarr.json': { zarr_format: 3, node_type: 'group', attributes: renderOme05({}, ome) } };
  }
  // `.zgroup` last: it is what makes a v2 reader see a group.
  return { '.zattrs': renderOme04({}, ome), '.zgroup': { zarr_format: 2 } };
}
