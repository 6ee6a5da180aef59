/**
 * A deck.gl tileset that picks the level nearest the zoom and never asks for more tiles than a screenful
 * allows. deck.gl takes the level at ceil(zoom): up to four times the tiles a screen shows, each drawn at half
 * its size; rounding instead keeps a texel between 0.7 and 1.4 screen pixels (as Neuroglancer chooses) and
 * requests a quarter as much when just below a level. Zoomed out past an image's coarsest
 * level (a pyramid too shallow for its size, or a plane with no pyramid at all), covering the view would take
 * thousands of tiles; then only tiles already loaded stay drawn, nothing new is requested, and `onOverBudget`
 * tells the viewer to ask the user to zoom in.
 */
import { _Tileset2D as Tileset2D } from '@deck.gl/geo-layers';
import { tileBudget } from './tileBudget';

type TileIndex = { x: number; y: number; z: number };
type Opts = Parameters<Tileset2D['getTileIndices']>[0];

/** A Tileset2D class bound to one layer's report callback (a class per layer: deck.gl compares it by identity). */
export function budgetTileset(onOverBudget: (needed: number) => void): typeof Tileset2D {
  return class BudgetTileset extends Tileset2D {
    getTileIndices(opts: Opts): TileIndex[] {
      // deck.gl reads the offset from this.opts; shift it by (round − ceil) of the zoom for this one call.
      const o = this.opts as { zoomOffset?: number; tileSize?: number };
      const base = o.zoomOffset ?? 0;
      o.zoomOffset = base + Math.round(opts.viewport.zoom as number) - Math.ceil(opts.viewport.zoom as number);
      let all: TileIndex[];
      try {
        all = super.getTileIndices(opts) as TileIndex[];
      } finally {
        o.zoomOffset = base;
      }
      const { width, height } = opts.viewport;
      const tileSize = o.tileSize ?? 512;
      if (all.length <= tileBudget(width, height, tileSize)) {
        onOverBudget(0);
        return all;
      }
      onOverBudget(all.length);
      const loaded = new Set(this.tiles.filter((t) => t.isLoaded).map((t) => t.id));
      return all.filter((i) => loaded.has(this.getTileId(i)));
    }
  };
}
