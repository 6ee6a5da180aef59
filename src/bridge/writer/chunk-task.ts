/**
 * The CPU work of one written chunk, the same in a worker thread or inline:
 * downsample the block read from the level before, pad it to the full chunk,
 * and encode it. An all-zero chunk (the fill value) is not written at all.
 * Asked for, it also downsamples the chunk for the next level while its
 * voxels are at hand (a piece of the next level, see pieces.ts).
 */
import { copyRegion } from '../encode/c-order.js';
import { bytesPerElement, type DType } from '../model/dtype.js';
import { type CodecSpec, loadEncoder } from './codec.js';
import { downsample, downsampledShape } from './downsample.js';
import type { DownsampleMethod } from './options.js';

export interface ChunkTask {
  /** C-order block of `srcShape` (level-0 input, or the level before). */
  src: Uint8Array;
  srcShape: number[];
  /** 1s for level 0. */
  factors: number[];
  method: DownsampleMethod;
  dtype: DType;
  /** The full chunk shape; the downsampled block is its corner, the rest is fill. */
  chunk: number[];
  codec: CodecSpec;
  /** The next level's factors: also return this chunk's voxels downsampled by them. */
  next?: number[];
}

/** Encoded bytes, or undefined for a chunk of fill values only. */
export type ChunkResult = Uint8Array | undefined;

export interface TaskResult {
  encoded: ChunkResult;
  /** The next level's piece (C order, `downsampledShape` of the chunk's voxels), or 'fill' when all fill. */
  piece?: Uint8Array | 'fill';
  /** The task's `src`, handed back for the next block when nothing returned shares its memory. */
  spare?: Uint8Array;
}

const encoders = new Map<string, Promise<(b: Uint8Array) => Promise<Uint8Array>>>();

function encoderFor(codec: CodecSpec, bytesPerElement: number) {
  const key = `${codec.name}:${codec.level}:${bytesPerElement}`;
  let e = encoders.get(key);
  if (!e) {
    e = loadEncoder(codec, bytesPerElement);
    encoders.set(key, e);
  }
  return e;
}

function allZero(bytes: Uint8Array): boolean {
  // Eight bytes at a time where aligned: most chunks are decided by their first bytes anyway.
  const words = bytes.byteOffset % 8 === 0 ? Math.floor(bytes.byteLength / 8) : 0;
  const big = new BigUint64Array(bytes.buffer, bytes.byteOffset, words);
  for (let i = 0; i < words; i++) if (big[i] !== 0n) return false;
  for (let i = words * 8; i < bytes.byteLength; i++) if (bytes[i] !== 0) return false;
  return true;
}

export async function runChunkTask(task: ChunkTask): Promise<TaskResult> {
  const bpe = bytesPerElement(task.dtype);
  const reduced = downsample(task.src, task.srcShape, task.factors, task.method, task.dtype);
  const valid = downsampledShape(task.srcShape, task.factors);
  const padded = copyRegion(reduced, valid, task.chunk, bpe);
  if (allZero(padded)) return { encoded: undefined, piece: task.next && 'fill', spare: task.src };
  const piece = task.next && downsample(reduced, valid, task.next, task.method, task.dtype);
  const encode = await encoderFor(task.codec, bpe);
  const encoded = await encode(padded);
  // Without compression the encoded chunk may be the input itself: then it is not spare.
  const shared = [encoded, piece].some((b) => b instanceof Uint8Array && b.buffer === task.src.buffer);
  return { encoded, piece, spare: shared ? undefined : task.src };
}
