/**
 * Decoding of N5 blocks: a big-endian header (mode, ndim, block dims in N5
 * order), then the compressed payload of big-endian elements, x fastest.
 * Edge blocks may be clipped (Java N5, z5py) or padded (zarr-python): the
 * header says which, so we always follow it.
 */
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { BridgeError } from '../../errors.js';
import { frameProblem } from '../../util/decode-limits.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export interface N5Compression {
  type: string;
  useZlib?: boolean;
  [k: string]: unknown;
}

export interface N5BlockHeader {
  mode: number;
  /** Block size actually stored, N5 order (x first). */
  dims: number[];
  headerBytes: number;
}

export function parseN5Header(bytes: Uint8Array): N5BlockHeader {
  if (bytes.length < 4) throw new Error('block shorter than its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mode = view.getUint16(0);
  const ndim = view.getUint16(2);
  if (mode > 2) throw new Error(`unknown N5 block mode ${mode}`);
  let offset = 4;
  if (bytes.length < offset + 4 * ndim) throw new Error('block shorter than its header');
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++, offset += 4) dims.push(view.getUint32(offset));
  if (mode === 1) offset += 4; // varlength: number of elements follows
  return { mode, dims, headerBytes: offset };
}

/**
 * The block's payload decompressed; `limit` is the bytes its header's
 * dimensions allow, and a payload announcing or inflating to more (a
 * decompression bomb) is refused before it is inflated.
 */
export async function decompressN5(
  payload: Uint8Array,
  compression: N5Compression,
  limit: number,
): Promise<Uint8Array> {
  const checked = (codec: 'blosc' | 'zstd') => {
    const problem = frameProblem(codec, payload, limit);
    if (problem) throw new Error(problem);
  };
  switch (compression.type) {
    case 'raw':
      return payload;
    case 'gzip': {
      const options = { maxOutputLength: Math.max(1, limit), chunkSize: Math.max(64, limit + 64) };
      return new Uint8Array(
        compression.useZlib ? await inflateAsync(payload, options) : await gunzipAsync(payload, options),
      );
    }
    case 'blosc': {
      checked('blosc');
      const { Blosc } = await import('numcodecs');
      return Blosc.fromConfig({ id: 'blosc' }).decode(payload);
    }
    case 'zstd': {
      checked('zstd');
      const { Zstd } = await import('numcodecs');
      return Zstd.fromConfig({ id: 'zstd' }).decode(payload);
    }
    default:
      throw new BridgeError('NotRepresentable', `N5 compression "${compression.type}" is not supported`);
  }
}
