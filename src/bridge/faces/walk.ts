/**
 * Walks URL segments down the catalog until an array is reached: what is left
 * over is a key inside that array (a chunk key, or a metadata file name).
 */
import type { CatalogView } from '../catalog/catalog.js';
import { notFound } from '../errors.js';
import type { CatalogNode, IoOptions } from '../model/node.js';

export interface Walked {
  node: CatalogNode;
  /** Segments after the node: [] for the node itself. */
  rest: string[];
}

/** `alias` lets a face map a segment (N5's `s0`) to a child name. */
export async function walk(
  catalog: CatalogView,
  segments: readonly string[],
  opts: IoOptions,
  alias?: (node: CatalogNode, segment: string) => string,
): Promise<Walked> {
  let node: CatalogNode = catalog.root;
  for (let i = 0; i < segments.length; i++) {
    if (node.kind === 'array') return { node, rest: segments.slice(i) };
    const name = alias ? alias(node, segments[i]) : segments[i];
    node.expect?.([name, ...segments.slice(i + 1)], opts);
    const child: CatalogNode | undefined = await node.child(name, opts);
    if (!child) {
      // Metadata files of a group (`.zattrs`, `zarr.json`…) are left to the face.
      if (i === segments.length - 1) return { node, rest: [segments[i]] };
      throw notFound(`no such node: ${segments.slice(0, i + 1).join('/')}`, segments.slice(0, i + 1).join('/'));
    }
    node = child;
  }
  return { node, rest: [] };
}

/** Parse decimal chunk indices; undefined when any is not a plain integer. */
export function parseIndices(parts: readonly string[]): number[] | undefined {
  if (!parts.every((p) => /^\d{1,9}$/.test(p))) return undefined;
  return parts.map(Number);
}
