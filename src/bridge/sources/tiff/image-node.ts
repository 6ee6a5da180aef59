/**
 * An image layout as catalog nodes: a multiscale OME image group (levels
 * "0".."n-1") whose arrays cut chunks from the image's planes. Axes follow
 * NGFF's order t, c, z, y, x, keeping t, c and z only when larger than 1.
 */
import { BridgeError } from '../../errors.js';
import { bytesPerElement } from '../../model/dtype.js';
import type { ArrayNode, Attrs, Chunk, GroupNode, IoOptions, StoredObject } from '../../model/node.js';
import type { OmeAxis, OmeMeta } from '../../model/ome.js';
import type { DecodedChunks } from '../store/decoded-chunks.js';
import type { KvStore } from '../store/kv-store.js';
import type { ImageLayout, LevelLayout, PlaneAt } from './image-layout.js';
import type { Region } from './read-region.js';
import { zlibTileEncoding } from './zlib-tiles.js';

type AxisName = 't' | 'c' | 'z' | 'y' | 'x';

/** Where decoded chunks are cached, and the store that vouches for their files' versions. */
export interface ChunkCache {
  readonly chunks: DecodedChunks;
  readonly kv: KvStore;
  /** Distinguishes this source's chunks from every other's. */
  readonly id: string;
}

function axisNames(image: ImageLayout): AxisName[] {
  const names: AxisName[] = [];
  if (image.sizeT > 1) names.push('t');
  if (image.sizeC > 1) names.push('c');
  if (image.sizeZ > 1) names.push('z');
  names.push('y', 'x');
  return names;
}

function omeAxes(image: ImageLayout, names: AxisName[]): OmeAxis[] {
  return names.map((name) => {
    const type = name === 't' ? 'time' : name === 'c' ? 'channel' : 'space';
    const unit = name === 'c' ? undefined : image.physical[name]?.unit;
    return unit ? { name, type, unit } : { name, type };
  });
}

function omeMeta(image: ImageLayout, names: AxisName[]): OmeMeta {
  const level0 = image.levels[0]!;
  const datasets = image.levels.map((level, k) => {
    const scale = names.map((n) => {
      if (n === 'c') return 1;
      const base = image.physical[n]?.value ?? 1;
      // The ratio first: 0.2 × (1536 / 768) is 0.4 exactly, 0.2 × 1536 / 768 is not.
      if (n === 'y') return base * (level0.height / level.height);
      if (n === 'x') return base * (level0.width / level.width);
      return base;
    });
    return { path: String(k), coordinateTransformations: [{ type: 'scale', scale }] };
  });
  const ome: OmeMeta = {
    sourceVersion: '0.4',
    multiscales: [{ name: image.name, axes: omeAxes(image, names), datasets }],
  };
  // Without names or colours from the file, the viewer's own defaults serve better than made-up ones.
  if (image.channels.some((c) => c.color || c.label)) {
    const rgb8 = image.samplesPerPlane === 3 && image.dtype === 'uint8';
    ome.omero = {
      name: image.name,
      channels: Array.from({ length: image.sizeC }, (_, c) => {
        const info = image.channels[c] ?? {};
        return {
          label: info.label ?? `channel ${c}`,
          color: info.color ?? fallbackColor(c, image.sizeC),
          active: true,
          // 8-bit RGB is meant to be shown as is; other data get the viewer's own contrast.
          ...(rgb8 ? { window: { min: 0, max: 255, start: 0, end: 255 } } : {}),
        };
      }),
      rdefs: { model: 'color' },
    };
  }
  return ome;
}

/** A channel's colour when the file names some channels' colours but not this one's. */
function fallbackColor(c: number, count: number): string {
  if (count === 1) return 'FFFFFF';
  if (count === 2) return ['FF00FF', '00FF00'][c]!;
  return ['FF0000', '00FF00', '0000FF', 'FFFF00', 'FF00FF', '00FFFF', 'FFFFFF'][c % 7]!;
}

function levelArray(
  image: ImageLayout,
  level: LevelLayout,
  names: AxisName[],
  path: string,
  cache: ChunkCache | undefined,
): ArrayNode {
  const spp = image.samplesPerPlane;
  const size: Record<AxisName, number> = {
    t: image.sizeT,
    c: image.sizeC,
    z: image.sizeZ,
    y: level.height,
    x: level.width,
  };
  // Samples stored together are read together: a chunk holds all of an RGB plane's samples.
  const chunkOf: Record<AxisName, number> = { t: 1, c: spp, z: 1, y: level.chunk[0], x: level.chunk[1] };
  const shape = names.map((n) => size[n]);
  const chunkShape = names.map((n) => chunkOf[n]);
  const grid = shape.map((n, i) => Math.ceil(n / chunkShape[i]!));
  const bpe = bytesPerElement(image.dtype);
  const [ch, cw] = level.chunk;

  async function readChunk(coords: readonly number[], opts: IoOptions): Promise<Chunk> {
    if (coords.length !== names.length || !coords.every(Number.isInteger)) {
      throw new BridgeError(
        'BadRequest',
        `chunk coordinates ${JSON.stringify(coords)} do not fit rank ${names.length}`,
        {
          key: path,
        },
      );
    }
    if (coords.some((c, i) => c < 0 || c >= grid[i]!)) {
      throw new BridgeError('NotFound', `chunk ${coords.join('/')} is outside the grid ${grid.join('×')}`, {
        key: path,
      });
    }
    const id = cache && `${cache.id}\0${path}\0${coords.join('/')}`;
    const hit = id && (await cache.chunks.get(cache.kv, id, opts));
    if (hit) return hit;
    const at: Record<AxisName, number> = { t: 0, c: 0, z: 0, y: 0, x: 0 };
    names.forEach((n, i) => {
      at[n] = coords[i]! * chunkShape[i]!;
    });
    const region: Region = {
      y: at.y,
      x: at.x,
      height: Math.min(ch, level.height - at.y),
      width: Math.min(cw, level.width - at.x),
    };
    const chunkBytes = chunkShape.reduce((a, b) => a * b, 1) * bpe;
    // A chunk that is exactly one plane's region takes the region's bytes as they come (no copy).
    let whole: Uint8Array | undefined;
    let bytes: Uint8Array | undefined;
    const target = () => {
      bytes ??= new Uint8Array(chunkBytes);
      return bytes;
    };
    const reads: string[] = [];
    const cEnd = Math.min(at.c + chunkOf.c, image.sizeC);
    const jobs: Promise<void>[] = [];
    for (let c = at.c; c < cEnd; ) {
      const planeC = Math.floor(c / spp);
      const first = c % spp;
      const count = Math.min(spp - first, cEnd - c);
      const outAt = (c - at.c) * ch * cw * bpe;
      const planeAt: PlaneAt = { t: at.t, c: planeC, z: at.z };
      jobs.push(
        level.plane(planeAt, opts).then(async (plane) => {
          if (!plane) return;
          if (plane.width !== level.width || plane.height !== level.height || plane.dtype !== image.dtype) {
            throw new BridgeError(
              'CorruptData',
              `${plane.key}: a plane of ${plane.width}×${plane.height} ${plane.dtype} where ${level.width}×${level.height} ${image.dtype} was expected`,
              { key: path },
            );
          }
          reads.push(plane.key);
          const data = await plane.read(region, first, count, opts);
          if (data.byteLength === chunkBytes && region.height === ch && region.width === cw) whole = data;
          else copyInto(data, region, count, target(), outAt, ch, cw, bpe);
        }),
      );
      c += count;
    }
    await Promise.all(jobs);
    const chunk: Chunk = { shape: chunkShape, bytes: whole ?? target() };
    return id && cache ? cache.chunks.set(cache.kv, id, chunk, reads, opts) : chunk;
  }

  /** The stored tile behind chunk `coords` of a level of zlib tiles (one sample per plane, one tile per chunk). */
  async function storedChunk(coords: readonly number[], opts: IoOptions): Promise<StoredObject | undefined> {
    const at: Record<AxisName, number> = { t: 0, c: 0, z: 0, y: 0, x: 0 };
    names.forEach((n, i) => {
      at[n] = coords[i]!;
    });
    const plane = await level.plane({ t: at.t, c: at.c, z: at.z }, opts);
    return plane?.storedTile?.(at.y, at.x, opts);
  }

  return {
    kind: 'array',
    path,
    attrs: {},
    meta: { shape, chunkShape, dtype: image.dtype, fillValue: 0, dimensionNames: names },
    readChunk,
    ...(level.zlibTiles && spp === 1
      ? { stored: zlibTileEncoding(shape, chunkShape, image.dtype, level.zlibTiles.littleEndian, storedChunk) }
      : {}),
  };
}

/** Planar region data (count × h × w) into a chunk's planes (ch × cw each), from `outAt`. */
function copyInto(
  data: Uint8Array,
  region: Region,
  count: number,
  out: Uint8Array,
  outAt: number,
  ch: number,
  cw: number,
  bpe: number,
): void {
  const rowBytes = region.width * bpe;
  for (let s = 0; s < count; s++) {
    for (let y = 0; y < region.height; y++) {
      const from = (s * region.height + y) * rowBytes;
      out.set(data.subarray(from, from + rowBytes), outAt + (s * ch * cw + y * cw) * bpe);
    }
  }
}

/** The image's group, its level arrays built once. */
export function imageGroup(image: ImageLayout, path: string, cache?: ChunkCache, attrs: Attrs = {}): GroupNode {
  const names = axisNames(image);
  const arrays = image.levels.map((level, k) => levelArray(image, level, names, `${path}/${k}`, cache));
  return {
    kind: 'group',
    path,
    attrs: { ...attrs, ...image.attrs },
    ome: omeMeta(image, names),
    async children() {
      return arrays.map((_, k) => String(k));
    },
    async child(name) {
      return /^(0|[1-9]\d*)$/.test(name) ? arrays[Number(name)] : undefined;
    },
  };
}

/**
 * Several images (the series of a multi-series OME-TIFF) in the
 * bioformats2raw layout: images at "0".."n-1", and an `OME` group listing them.
 */
export function seriesGroup(images: readonly ImageLayout[], path: string, cache?: ChunkCache): GroupNode {
  const groups = images.map((image, i) => imageGroup(image, `${path}/${i}`, cache));
  const series = groups.map((_, i) => String(i));
  const omeGroup: GroupNode = {
    kind: 'group',
    path: `${path}/OME`,
    attrs: {},
    ome: { sourceVersion: '0.4', series },
    children: async () => [],
    child: async () => undefined,
  };
  return {
    kind: 'group',
    path,
    attrs: {},
    ome: { sourceVersion: '0.4', bioformats2rawLayout: 3 },
    async children() {
      return [...series, 'OME'];
    },
    async child(name) {
      if (name === 'OME') return omeGroup;
      return /^(0|[1-9]\d*)$/.test(name) ? groups[Number(name)] : undefined;
    },
  };
}
