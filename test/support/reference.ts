/**
 * Reads a fixture array straight from disk with zarrita's own file store —
 * not through the bridge — and dumps it as raw little-endian C-order bytes
 * for the Python reader to compare against.
 */
import { writeFileSync } from 'node:fs';
import { Float16Array } from '@petamoriken/float16';
import FileSystemStore from '@zarrita/storage/fs';
import * as zarr from 'zarrita';

// zarrita needs a Float16Array to read float16 fixtures on Node 20.
(globalThis as { Float16Array?: unknown }).Float16Array ??= Float16Array;

export interface RawArray {
  shape: number[];
  dtype: string;
  data: ArrayLike<unknown> & { length: number };
}

export async function readFromDisk(folder: string, rel: string): Promise<RawArray> {
  const root = zarr.root(new FileSystemStore(folder));
  const arr = await zarr.open(rel === '' ? root : root.resolve(rel), { kind: 'array' });
  const out = await zarr.get(arr);
  return { shape: out.shape, dtype: arr.dtype, data: inCOrder(out.data as RawArray['data'], out.shape, out.stride) };
}

/** zarrita returns F-ordered data for `order: "F"` arrays; the dump must be C order. */
export function inCOrder<T extends RawArray['data']>(data: T, shape: number[], stride: number[]): T {
  const n = shape.reduce((a, b) => a * b, 1);
  const cStride = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  if (stride.every((s, i) => s === cStride[i] || shape[i] === 1)) return data;
  const ctor = (data as unknown as { constructor: new (n: number) => T }).constructor;
  const out = new ctor(n) as unknown as { [i: number]: unknown };
  const src = data as unknown as { [i: number]: unknown };
  for (let c = 0; c < n; c++) {
    let s = 0;
    for (let d = 0; d < shape.length; d++) s += (Math.floor(c / cStride[d]) % shape[d]) * stride[d];
    out[c] = src[s];
  }
  return out as unknown as T;
}

const NUMPY: Record<string, string> = {
  bool: '|b1',
  int8: '|i1',
  uint8: '|u1',
  int16: '<i2',
  uint16: '<u2',
  int32: '<i4',
  uint32: '<u4',
  int64: '<i8',
  uint64: '<u8',
  float16: '<f2',
  float32: '<f4',
  float64: '<f8',
};

/** Write a raw dump; returns the reference description for read_back.py, or undefined for non-numeric types. */
export function dumpRaw(
  a: RawArray,
  file: string,
): { kind: 'raw'; file: string; dtype: string; shape: number[] } | undefined {
  const dtype = NUMPY[a.dtype];
  if (!dtype) return undefined;
  const view = a.data as unknown as { buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
  writeFileSync(file, new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return { kind: 'raw', file, dtype, shape: a.shape };
}

/** Dump a string array as JSON for read_back.py; undefined when its values are not text. */
export function dumpStrings(a: RawArray, file: string): { kind: 'strings'; file: string; shape: number[] } | undefined {
  if (!(a.dtype === 'string' || /^v2:[US]\d+$/.test(a.dtype) || a.dtype === 'v2:object')) return undefined;
  const values = Array.from(a.data as unknown as Iterable<unknown>);
  if (!values.every((v) => typeof v === 'string')) return undefined;
  writeFileSync(file, JSON.stringify(values));
  return { kind: 'strings', file, shape: a.shape };
}
