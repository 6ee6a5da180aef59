/**
 * The metadata document of one written level: Zarr v3 `zarr.json` (sharded
 * with the v3 sharding codec, index at the end with crc32c, as zarr-python
 * writes by default; or plain chunks) or Zarr v2 `.zarray` (`/`-separated
 * keys, as OME-Zarr 0.4 wants). Also the key of a chunk or shard file.
 */
import { bytesPerElement, type DType, v2Descr } from '../model/dtype.js';
import type { Attrs } from '../model/node.js';
import { type CodecSpec, v2Compressor, v3Codecs } from './codec.js';
import type { OmeVersion } from './options.js';
import type { LevelPlan } from './plan.js';

export interface ArrayEncoding {
  version: OmeVersion;
  dtype: DType;
  codec: CodecSpec;
  /** Shards hold `shard / chunk` inner chunks; false: one file per chunk. */
  sharded: boolean;
  dimensionNames: readonly string[];
}

const fillValue = (dtype: DType) => (dtype === 'bool' ? false : 0);

const BYTES = { name: 'bytes', configuration: { endian: 'little' } };

/** File name → document for the level's array. */
export function arrayDocs(level: LevelPlan, enc: ArrayEncoding): Record<string, Attrs> {
  if (enc.version === '0.4') {
    return {
      '.zarray': {
        zarr_format: 2,
        shape: level.shape,
        chunks: level.chunk,
        dtype: v2Descr(enc.dtype),
        compressor: v2Compressor(enc.codec, bytesPerElement(enc.dtype)),
        fill_value: fillValue(enc.dtype),
        order: 'C',
        filters: null,
        dimension_separator: '/',
      },
    };
  }
  const inner = [BYTES, ...v3Codecs(enc.codec, bytesPerElement(enc.dtype))];
  return {
    'zarr.json': {
      zarr_format: 3,
      node_type: 'array',
      shape: level.shape,
      data_type: enc.dtype,
      chunk_grid: { name: 'regular', configuration: { chunk_shape: enc.sharded ? level.shard : level.chunk } },
      chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
      fill_value: fillValue(enc.dtype),
      codecs: enc.sharded
        ? [
            {
              name: 'sharding_indexed',
              configuration: {
                chunk_shape: level.chunk,
                codecs: inner,
                index_codecs: [BYTES, { name: 'crc32c' }],
                index_location: 'end',
              },
            },
          ]
        : inner,
      attributes: {},
      dimension_names: enc.dimensionNames,
    },
  };
}

/** Key of the chunk (or shard) file at `coords` inside the array's folder. */
export const chunkKey = (version: OmeVersion, coords: readonly number[]): string =>
  version === '0.4' ? (coords.length === 0 ? '0' : coords.join('/')) : ['c', ...coords].join('/');
