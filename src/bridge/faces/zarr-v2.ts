/**
 * Zarr v2, with Tiled's URL shapes: `.zgroup`, `.zattrs`, `.zarray`, chunk
 * keys, and a JSON listing of absolute child URLs. OME groups carry 0.4
 * metadata. Arrays stored as Zarr v2 are passed through byte for byte.
 */

import { type Compression, zarrV2Compressor } from '../encode/compression.js';
import { BridgeError, notFound } from '../errors.js';
import { isDType, v2Descr } from '../model/dtype.js';
import type { ArrayNode, Attrs } from '../model/node.js';
import { renderOme04 } from '../model/ome.js';
import { storedChunk, transcodable, unrepresentable, zarrChunkReply } from './chunk-bytes.js';
import { checkChunkCoords } from './chunk-key.js';
import { type Face, type FaceReply, listing } from './face.js';
import { parseIndices, walk } from './walk.js';

export const zarrV2Face: Face = {
  prefix: '/zarr/v2',
  async handle(catalog, request, opts): Promise<FaceReply> {
    const { node, rest } = await walk(catalog, request.segments, opts);
    const key = rest.join('/');
    if (node.kind === 'group') {
      if (rest.length === 0) return listing(request.url, await node.children(opts));
      if (key === '.zgroup') return { kind: 'json', body: { zarr_format: 2 } };
      if (key === '.zattrs') return { kind: 'json', body: renderOme04(node.attrs, node.ome) };
      throw notFound(`no such node: ${request.segments.join('/')}`, key);
    }
    if (rest.length === 0) return { kind: 'json', body: {} };
    if (key === '.zarray') return { kind: 'json', body: zarray(node, request.compression) };
    if (key === '.zattrs') return { kind: 'json', body: zattrs(node) };
    if (key === '.zgroup' || key === '.zmetadata') throw notFound(`${key} is not there for an array`, key);
    return chunk(node, rest, request.compression, opts.signal);
  },
};

const passThrough = (node: ArrayNode): boolean => node.stored?.format === 'zarr2';

export function zarray(node: ArrayNode, compression: Compression): Attrs {
  if (passThrough(node)) return node.stored!.metadata;
  const { meta } = node;
  if (!transcodable(node)) throw unrepresentable(node, 'Zarr v2');
  const text = meta.dtype === 'string';
  return {
    zarr_format: 2,
    shape: meta.shape,
    chunks: meta.chunkShape,
    dtype: isDType(meta.dtype) ? v2Descr(meta.dtype) : '|O',
    compressor: zarrV2Compressor(compression),
    // toJson writes NaN and ±Infinity as the strings Zarr expects.
    fill_value: meta.fillValue,
    order: 'C',
    filters: text ? [{ id: 'vlen-utf8' }] : null,
    dimension_separator: '/',
  };
}

function zattrs(node: ArrayNode): Attrs {
  const attrs = renderOme04(node.attrs, node.ome);
  // Arrays stored as Zarr v2 by a folder carry their names in `attrs`; a TIFF level passed on does not.
  if (!node.meta.dimensionNames || attrs._ARRAY_DIMENSIONS) return attrs;
  return { ...attrs, _ARRAY_DIMENSIONS: node.meta.dimensionNames };
}

async function chunk(
  node: ArrayNode,
  rest: string[],
  compression: Compression,
  signal: AbortSignal | undefined,
): Promise<FaceReply> {
  if (passThrough(node)) return storedChunk(node, rest.join('/'), signal);
  if (!transcodable(node)) throw unrepresentable(node, 'Zarr v2');
  // We declare "/" but accept Tiled's "." spelling too.
  const parts = rest.length === 1 && node.meta.shape.length > 1 ? rest[0].split('.') : rest;
  const key = rest.join('/');
  const coords =
    node.meta.shape.length === 0
      ? key === '0'
        ? []
        : undefined
      : checkChunkCoords(node.meta, parseIndices(parts), key);
  if (!coords) throw new BridgeError('BadRequest', `malformed chunk key: ${key}`, { key });
  return zarrChunkReply(node, coords, compression, { signal });
}
