/**
 * One plane of an uncompressed chunk, read with an HTTP Range request instead of the whole chunk. A chunk
 * stored with the `bytes` codec alone (no compression: what the bridge serves BossDB and other transcoded
 * arrays as on loopback, and raw local arrays) is the array's values in C order, so one plane of its leading
 * axes is one contiguous run of bytes. A viewer showing one z of a BossDB channel in 256×256×16 chunks then
 * fetches 64 KiB per tile instead of 1 MiB (measured on the 200000 × 160000 × 4000 channel: the page's
 * network and renderer work fell by about 0.6 s of CPU per open).
 */
import type * as zarr from 'zarrita';
import type { NumericArray } from './chunkCache';

type NumericCtor = {
  new (n: number): NumericArray;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): NumericArray;
  readonly BYTES_PER_ELEMENT: number;
};

/** Data types whose stored bytes are already the page's values (booleans and float16 are normalised instead). */
const PLANE_TYPES: Record<string, NumericCtor> = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
};

/** Bytes per element of a data type read by plane. */
export const planeElementBytes = (dtype: string): number => PLANE_TYPES[dtype]?.BYTES_PER_ELEMENT ?? 1;

/** What of a level's v3 metadata decides whether its chunks can be read a plane at a time. */
export interface PlaneMeta {
  codecs?: { name: string; configuration?: { endian?: string } }[];
  chunk_key_encoding?: { name?: string; configuration?: { separator?: string } };
}

/** Reads `length` bytes at `offset` of a chunk; undefined when the chunk is not stored (it reads as fill). */
export type ReadPlaneBytes = (
  coords: readonly number[],
  offset: number,
  length: number,
  signal?: AbortSignal,
) => Promise<Uint8Array | undefined>;

/** A reader of chunk byte ranges for `arr`, when its chunks are plain little-endian (or one-byte) values. */
export function planeReader(
  arr: zarr.Array<zarr.DataType, zarr.Readable>,
  meta: PlaneMeta,
): ReadPlaneBytes | undefined {
  const codecs = meta.codecs ?? [];
  const bytes = codecs[0];
  if (codecs.length !== 1 || bytes?.name !== 'bytes') return undefined;
  const ctor = PLANE_TYPES[arr.dtype];
  if (!ctor) return undefined;
  // The page is little-endian; big-endian values would need swapping.
  if (ctor.BYTES_PER_ELEMENT > 1 && bytes.configuration?.endian !== 'little') return undefined;
  const encoding = meta.chunk_key_encoding;
  if (encoding?.name !== undefined && encoding.name !== 'default') return undefined;
  const separator = encoding?.configuration?.separator ?? '/';
  const store = arr.store as zarr.AsyncReadable;
  if (!store.getRange) return undefined;
  const prefix = arr.path === '/' ? '' : arr.path;
  // The key as zarrita's default encoding writes it ("c" joined with the separator too: `c.0.1` for ".").
  return (coords, offset, length, signal) =>
    store.getRange!(
      `${prefix}/${['c', ...coords].join(separator)}` as zarr.AbsolutePath,
      { offset, length },
      { signal },
    );
}

/** The values of a plane from its bytes, or `fill` throughout when the chunk is not stored. */
export function planeValues(
  dtype: string,
  bytes: Uint8Array | undefined,
  count: number,
  fill: number | bigint,
): NumericArray {
  const ctor = PLANE_TYPES[dtype];
  if (!ctor) throw new Error(`${dtype} chunks are not read by plane`);
  if (!bytes) {
    const out = new ctor(count);
    // biome-ignore lint/suspicious/noExplicitAny: a bigint fill goes with the 64-bit arrays, a number with the rest.
    (out as any).fill(ctor === BigInt64Array || ctor === BigUint64Array ? BigInt(fill) : Number(fill));
    return out;
  }
  const size = count * ctor.BYTES_PER_ELEMENT;
  if (bytes.byteLength !== size) throw new Error(`a plane of ${size} bytes came back as ${bytes.byteLength}`);
  // A view when aligned (a fetched body is its own buffer), else a copy that is.
  const owned = bytes.byteOffset % ctor.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice();
  return new ctor(owned.buffer as ArrayBuffer, owned.byteOffset, count);
}
