/**
 * How many bytes a chunk may decode to: what its metadata says it holds. A
 * compressed chunk that announces, or inflates to, more is a decompression
 * bomb and is refused before (or while) it is inflated, so hostile data
 * cannot take the bridge past its memory bound.
 */
import { bytesPerElement, isDType } from '../model/dtype.js';

/** Chunks of variable-size elements (strings, objects) have no exact size: at most this. */
export const VARIABLE_CHUNK_MAX = 64 * 2 ** 20;

/** What zarrita tells a codec about the chunks it will see. */
export interface ChunkMeta {
  shape?: readonly number[];
  dataType?: string;
}

/** The decoded size of one chunk, exactly, or the cap for variable-size elements. */
export function decodedLimit(meta: ChunkMeta | undefined): number {
  if (!meta?.shape || !meta.dataType || !isDType(meta.dataType)) return VARIABLE_CHUNK_MAX;
  return meta.shape.reduce((a, b) => a * b, 1) * bytesPerElement(meta.dataType);
}

/**
 * Stored bytes one chunk may take: its decoded size plus what a compressor
 * can add to incompressible data (blosc, gzip and zstd add well under 1/8).
 */
export const encodedLimit = (decoded: number): number => decoded + Math.ceil(decoded / 8) + 64 * 1024;

/** Why a compressed frame cannot be decoded within `limit` bytes, or undefined when it can. */
export function frameProblem(codec: 'blosc' | 'lz4' | 'zstd', frame: Uint8Array, limit: number): string | undefined {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const tooBig = (n: number | bigint) =>
    `${codec} frame announces ${n} decoded bytes, the chunk holds at most ${limit}`;
  if (codec === 'blosc') {
    if (frame.length < 16) return `blosc frame of ${frame.length} bytes is shorter than its header`;
    const nbytes = view.getUint32(4, true);
    const cbytes = view.getUint32(12, true);
    if (nbytes > limit) return tooBig(nbytes);
    if (cbytes !== frame.length) return `blosc frame announces ${cbytes} bytes, ${frame.length} are stored`;
    return undefined;
  }
  if (codec === 'lz4') {
    // numcodecs' LZ4: a little-endian int32 of the decoded size, then one block.
    if (frame.length < 4) return 'lz4 frame shorter than its size header';
    const n = view.getInt32(0, true);
    return n < 0 || n > limit ? tooBig(n) : undefined;
  }
  const size = zstdContentSize(view);
  if (size === 'not zstd') return 'not a zstd frame';
  if (size === undefined) return 'zstd frame does not declare its decoded size';
  return size > BigInt(limit) ? tooBig(size) : undefined;
}

/** The content size a zstd frame header declares (RFC 8878 §3.1.1.1), if it does. */
function zstdContentSize(view: DataView): bigint | undefined | 'not zstd' {
  if (view.byteLength < 5 || view.getUint32(0, true) !== 0xfd2fb528) return 'not zstd';
  const fhd = view.getUint8(4);
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const at = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][fhd & 3];
  const fcsBytes = fcsFlag === 0 ? singleSegment : [0, 2, 4, 8][fcsFlag];
  if (fcsBytes === 0 || view.byteLength < at + fcsBytes) return undefined;
  switch (fcsBytes) {
    case 1:
      return BigInt(view.getUint8(at));
    case 2:
      return BigInt(view.getUint16(at, true) + 256);
    case 4:
      return BigInt(view.getUint32(at, true));
    default:
      return view.getBigUint64(at, true);
  }
}
