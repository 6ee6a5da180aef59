/** Validation shared by the faces: a chunk key's rank and its place in the grid. */
import { badRequest, notFound } from '../errors.js';
import type { ArrayMeta } from '../model/node.js';

export function checkChunkCoords(meta: ArrayMeta, coords: number[] | undefined, key: string): number[] {
  if (!coords) throw badRequest(`malformed chunk key: ${key}`, key);
  if (coords.length !== meta.shape.length) {
    throw badRequest(
      `chunk key ${key} has ${coords.length} indices, the array has ${meta.shape.length} dimensions`,
      key,
    );
  }
  for (let i = 0; i < coords.length; i++) {
    if (coords[i] >= Math.max(1, Math.ceil(meta.shape[i] / meta.chunkShape[i]))) {
      throw notFound(`chunk ${key} is outside the chunk grid`, key);
    }
  }
  return coords;
}
