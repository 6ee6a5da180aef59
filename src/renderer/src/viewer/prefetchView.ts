/**
 * The first view's tiles, asked for before deck.gl is ready. Creating the WebGL context and compiling viv's
 * shaders holds the page for half a second or more (software GL: over a second), and the tiles' requests
 * need not wait behind it. The tiles are chosen by the layer's own tileset class (budgetTileset over
 * deck.gl's selection), with the viewport deck.gl will build, so the layer's requests then join these in
 * the chunk cache (chunkCache.ts) instead of repeating them. A view over the budget prefetches nothing.
 */
import { OrthographicViewport } from '@deck.gl/core';
import { Matrix4 } from '@math.gl/core';
import type { Layer } from '../state/layers';
import type { ViewParams } from '../state/urlState';
import { budgetTileset } from './budgetTileset';
import { drawnChannels, selectionsOf } from './imageLayers';
import { spreadOrder } from './spreadOrder';

type TileIndex = { x: number; y: number; z: number };

/** The tiles (level = −z) a `width`×`height` canvas shows of `layer` at `view`, as the layer will ask. */
export function tilesInView(layer: Layer, view: ViewParams, width: number, height: number): TileIndex[] {
  const { sources } = layer.image;
  const [h, w] = sources[0].shape.slice(-2);
  const minZoom = Math.round(-(sources.length - 1));
  // The options viv's MultiscaleImageLayer gives its TileLayer (a base layer: no model matrix, no zoom offset).
  const Tileset = budgetTileset(() => undefined);
  const tileset = new Tileset({
    getTileData: () => null,
    tileSize: sources[0].tileSize,
    extent: [0, 0, w, h],
    minZoom,
    maxZoom: 0,
    zoomOffset: 0,
  });
  const viewport = new OrthographicViewport({
    id: 'detail',
    width,
    height,
    target: [view.target[0], view.target[1], 0],
    zoom: view.zoom,
  });
  const identity = new Matrix4();
  return tileset.getTileIndices({
    viewport,
    minZoom,
    maxZoom: 0,
    zRange: null,
    modelMatrix: identity,
    modelMatrixInverse: identity,
  } as Parameters<InstanceType<typeof Tileset>['getTileIndices']>[0]) as TileIndex[];
}

/**
 * Starts reading the base layer's tiles for `view`. Resolves once their levels are open, when every chunk
 * request is on its way (a level's metadata is one small request); the tiles themselves load meanwhile.
 */
export async function prefetchView(layer: Layer, view: ViewParams, width: number, height: number): Promise<void> {
  if (layer.image.labelSources || width <= 0 || height <= 0) return;
  const drawn = drawnChannels(layer);
  if (drawn.length === 0) return;
  const tiles = tilesInView(layer, view, width, height);
  const { sources } = layer.image;
  const levels = [...new Set(tiles.map((t) => Math.round(-t.z)))];
  await Promise.all(levels.map((k) => sources[k].level.opened().catch(() => undefined)));
  const selections = selectionsOf(layer, drawn);
  for (const { x, y, z } of spreadOrder(tiles)) {
    for (const selection of selections) {
      // Errors are the layer's to report when it reads the same tile.
      sources[Math.round(-z)].getTile({ x, y, selection }).catch(() => undefined);
    }
  }
}
