/**
 * Which files of a folder make an image stack, in what order. Kept apart from the readers (geotiff, fast-png),
 * so that telling whether a path is a TIFF source loads neither.
 */
import { sortNatural } from './natural-order.js';

/** File names a stack is made of. */
export const isSliceName = (name: string): boolean => !name.startsWith('.') && /\.(tiff?|png|jpe?g)$/i.test(name);

/** The slices of a folder, in natural order. */
export function sliceNames(names: readonly string[]): string[] {
  return sortNatural(names.filter(isSliceName));
}
