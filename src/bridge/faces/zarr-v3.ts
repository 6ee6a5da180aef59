/**
 * Zarr v3, with Tiled's URL shapes (`zarr.json`, `c/i/j/k`, listings). OME
 * groups carry 0.5 metadata under `attributes.ome`. Arrays stored as Zarr v3
 * (sharded or not) are passed through; Zarr v2 arrays stored with zlib are
 * re-wrapped as gzip (zlib-as-gzip.ts); others are little-endian, compressed
 * as the server says, with the byte order declared truthfully.
 */

import { type Compression, zarrV3Compression } from '../encode/compression.js';
import { notFound } from '../errors.js';
import { bytesPerElement, isDType } from '../model/dtype.js';
import type { ArrayNode, Attrs } from '../model/node.js';
import { renderOme05 } from '../model/ome.js';
import { storedChunk, transcodable, unrepresentable, zarrChunkReply } from './chunk-bytes.js';
import { checkChunkCoords } from './chunk-key.js';
import { type Face, type FaceReply, listing } from './face.js';
import { parseIndices, walk } from './walk.js';
import { gzipChunk, zlibStored } from './zlib-as-gzip.js';

export const zarrV3Face: Face = {
  prefix: '/zarr/v3',
  async handle(catalog, request, opts): Promise<FaceReply> {
    const { node, rest } = await walk(catalog, request.segments, opts);
    const key = rest.join('/');
    if (node.kind === 'group') {
      if (rest.length === 0) return listing(request.url, await node.children(opts));
      if (key === 'zarr.json') {
        return {
          kind: 'json',
          body: { zarr_format: 3, node_type: 'group', attributes: renderOme05(node.attrs, node.ome) },
        };
      }
      throw notFound(`no such node: ${request.segments.join('/')}`, key);
    }
    if (rest.length === 0 || key === 'zarr.json') return { kind: 'json', body: zarrJson(node, request.compression) };
    if (rest[0] !== 'c' && !passThrough(node)) throw notFound(`no such key: ${key}`, key);
    return chunk(node, rest, request.compression, opts.signal);
  },
};

const passThrough = (node: ArrayNode): boolean => node.stored?.format === 'zarr3';

export function zarrJson(node: ArrayNode, compression: Compression): Attrs {
  if (passThrough(node)) return node.stored!.metadata;
  const { meta } = node;
  if (!transcodable(node)) throw unrepresentable(node, 'Zarr v3');
  const { _ARRAY_DIMENSIONS: _dims, ...attrs } = renderOme05(node.attrs, node.ome);
  const zlib = zlibStored(node);
  const endian = zlib ? zlib.endian : isDType(meta.dtype) && bytesPerElement(meta.dtype) > 1 ? 'little' : undefined;
  const bytesCodec = !isDType(meta.dtype)
    ? { name: 'vlen-utf8', configuration: {} }
    : endian
      ? { name: 'bytes', configuration: { endian } }
      : { name: 'bytes' };
  const compressed = zlib ? [{ name: 'gzip', configuration: { level: zlib.level } }] : zarrV3Compression(compression);
  return {
    zarr_format: 3,
    node_type: 'array',
    shape: meta.shape,
    data_type: meta.dtype,
    chunk_grid: { name: 'regular', configuration: { chunk_shape: meta.chunkShape } },
    chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
    fill_value: meta.fillValue,
    codecs: [bytesCodec, ...compressed],
    ...(meta.dimensionNames ? { dimension_names: meta.dimensionNames } : {}),
    attributes: attrs,
  };
}

async function chunk(
  node: ArrayNode,
  rest: string[],
  compression: Compression,
  signal: AbortSignal | undefined,
): Promise<FaceReply> {
  const key = rest.join('/');
  if (passThrough(node)) return storedChunk(node, key, signal);
  const coords = checkChunkCoords(node.meta, parseIndices(rest.slice(1)), key);
  const zlib = zlibStored(node);
  if (zlib) return gzipChunk(node, zlib, coords, signal);
  return zarrChunkReply(node, coords, compression, { signal });
}
