/**
 * Decoding BossDB's `application/npygz` bodies: `zlib.compress(np.save(arr))`,
 * i.e. a zlib stream (not gzip) around a .npy file (v1–v3 header), C order.
 * The result is normalised to little-endian bytes.
 */
import { promisify } from 'node:util';
import { inflate } from 'node:zlib';

const inflateAsync = promisify(inflate);

/** What a .npy header may add to the voxels (v1 headers are at most 64 KiB). */
const NPY_HEADER_MAX = 64 * 1024 + 10;

export interface Npy {
  /** numpy descr, e.g. `|u1`, `<u2`. */
  descr: string;
  shape: number[];
  /** Element bytes, C order, little-endian. */
  bytes: Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parse a .npy file; throws an Error saying what is wrong. */
export function parseNpy(npy: Uint8Array): Npy {
  if (npy.length < 10 || MAGIC.some((b, i) => npy[i] !== b)) throw new Error('not a .npy file');
  const major = npy[6]!;
  const view = new DataView(npy.buffer, npy.byteOffset, npy.byteLength);
  const [lenBytes, headerLen] = major === 1 ? [2, view.getUint16(8, true)] : [4, view.getUint32(8, true)];
  const start = 8 + lenBytes;
  if (npy.length < start + headerLen) throw new Error('.npy header is cut short');
  const header = new TextDecoder('latin1').decode(npy.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined)
    throw new Error(`unreadable .npy header ${JSON.stringify(header)}`);
  if (fortran === 'True') throw new Error('.npy in Fortran order');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const size = Number(/(\d+)$/.exec(descr)?.[1] ?? 'NaN');
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = npy.subarray(start + headerLen);
  if (!Number.isInteger(size) || bytes.length !== count * size) {
    throw new Error(`.npy data is ${bytes.length} bytes, header announces ${count} × ${size}`);
  }
  return { descr, shape, bytes: descr.startsWith('>') && size > 1 ? swapBytes(bytes, size) : bytes };
}

function swapBytes(src: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += size) for (let j = 0; j < size; j++) out[i + j] = src[i + size - 1 - j]!;
  return out;
}

/**
 * Inflate (on the thread pool) and parse an npygz body holding `expectedBytes`
 * of voxels; throws an Error (truncated zlib, bad header, or a body inflating
 * to more than the voxels asked for: a decompression bomb, stopped there).
 */
export async function decodeNpygz(body: Uint8Array, expectedBytes: number): Promise<Npy> {
  const npy = await inflateAsync(body, { maxOutputLength: expectedBytes + NPY_HEADER_MAX });
  return parseNpy(new Uint8Array(npy.buffer, npy.byteOffset, npy.byteLength));
}
