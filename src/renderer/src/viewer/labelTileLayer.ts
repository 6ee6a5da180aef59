/**
 * Label images drawn tile by tile as bitmaps of id colours (labels.ts colours them on the CPU, 64-bit ids
 * included). Its own small tile layer rather than viv's, because viv samples RGBA tiles linearly: between two
 * segments that invents a third colour, where a label image must show one segment or the other (nearest).
 * Tiles follow viv's scheme (index z = −level, world = level-0 pixels) and the same budgeted tileset.
 */
import { COORDINATE_SYSTEM, type CompositeLayerProps, type Layer as DeckLayer } from '@deck.gl/core';
import { TileLayer, type TileLayerProps } from '@deck.gl/geo-layers';
import { BitmapLayer } from '@deck.gl/layers';
import type { Matrix4 } from '@math.gl/core';
import type { LabelPixelSource } from '../data/labels';
import { SIGNAL_ABORTED } from '../data/pixelSource';
import type { TileEvents } from './imageLayers';

interface LabelTile {
  image: ImageData;
  width: number;
  height: number;
}

interface SubLayerProps {
  id: string;
  data: LabelTile | null;
  tile: { bbox: unknown; index: { x: number; y: number; z: number } };
  opacity: number;
  modelMatrix: Matrix4 | null;
}

const NEAREST = { minFilter: 'nearest', magFilter: 'nearest', mipmapFilter: undefined } as const;

export function labelTileLayer(args: {
  id: string;
  sources: LabelPixelSource[];
  selection: Record<string, number>;
  opacity: number;
  visible: boolean;
  modelMatrix?: Matrix4;
  TilesetClass: TileLayerProps['TilesetClass'];
  events: TileEvents;
}): DeckLayer {
  const { id, sources, selection, events } = args;
  const base = sources[0];
  const [height, width] = base.raw.shape.slice(-2);
  const tileSize = base.tileSize;
  const getTileData = async ({
    index,
    signal,
  }: {
    index: { x: number; y: number; z: number };
    signal?: AbortSignal;
  }) => {
    const level = Math.round(-index.z);
    try {
      const px = await sources[level].getTile({ x: index.x, y: index.y, selection, signal });
      const data = px.data as Uint8Array<ArrayBuffer>;
      const rgba = new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength);
      const image = new ImageData(rgba, px.width, px.height);
      return { image, width: px.width, height: px.height } satisfies LabelTile;
    } catch (e) {
      if (e === SIGNAL_ABORTED || signal?.aborted) return null;
      throw e;
    }
  };
  return new TileLayer<LabelTile | null>({
    id,
    data: null,
    getTileData,
    tileSize,
    extent: [0, 0, width, height],
    minZoom: -(sources.length - 1),
    maxZoom: 0,
    zoomOffset: Math.round(Math.log2(args.modelMatrix ? args.modelMatrix.getScale()[0] : 1)),
    refinementStrategy: 'no-overlap',
    maxRequests: 8,
    TilesetClass: args.TilesetClass,
    opacity: args.opacity,
    visible: args.visible,
    modelMatrix: args.modelMatrix ?? null,
    coordinateSystem: COORDINATE_SYSTEM.CARTESIAN,
    // Ids, the plane and the sources decide the tiles; a new selection object alone must not reload them.
    updateTriggers: { getTileData: [sources, JSON.stringify(selection)] },
    onTileError: events.onTileError,
    onViewportLoad: (tiles: unknown[]) => events.onViewportLoad(id, tiles as never, []),
    renderSubLayers: (props: SubLayerProps) => {
      const tile = props.tile;
      const content = props.data as LabelTile | null;
      if (!content) return null;
      const { left, top } = tile.bbox as { left: number; top: number };
      // World units per level pixel at this tile's level; edge tiles are narrower than tileSize.
      const scale = 2 ** -tile.index.z;
      return new BitmapLayer({
        id: `${props.id}-bitmap`,
        image: content.image,
        bounds: [left, top + content.height * scale, left + content.width * scale, top],
        textureParameters: NEAREST,
        opacity: props.opacity,
        modelMatrix: props.modelMatrix,
        coordinateSystem: COORDINATE_SYSTEM.CARTESIAN,
      });
    },
  } as unknown as TileLayerProps<LabelTile | null> & CompositeLayerProps) as unknown as DeckLayer;
}
