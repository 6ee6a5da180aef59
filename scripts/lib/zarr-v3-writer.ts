/**
 * A small Zarr v3 writer for the project's own generated data (the demo image,
 * benchmark volumes): C order, `bytes` (little-endian) + `gzip`, optionally
 * inside `sharding_indexed` (index at the end, crc32c). Chunks are produced
 * by a callback so large arrays never sit in memory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export type Dtype = 'uint8' | 'uint16' | 'uint32';
type Typed = Uint8Array | Uint16Array | Uint32Array;

export interface ArraySpec {
  shape: number[];
  /** Chunk (inner chunk when sharded). */
  chunks: number[];
  /** Shard shape, a multiple of `chunks`; omitted: no sharding. */
  shards?: number[];
  dtype: Dtype;
  dimensionNames: string[];
  gzipLevel?: number;
}

const CTOR = { uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array } as const;

/** `fill(out, origin, shape)` writes the C-order values of the region at `origin` with `shape`. */
export type ChunkFill = (out: Typed, origin: number[], shape: number[]) => void;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function* grid(counts: number[]): Generator<number[]> {
  const idx = counts.map(() => 0);
  if (counts.some((c) => c === 0)) return;
  while (true) {
    yield [...idx];
    let d = counts.length - 1;
    while (d >= 0 && ++idx[d] === counts[d]) idx[d--] = 0;
    if (d < 0) return;
  }
}

function encodeChunk(spec: ArraySpec, coords: number[], fill: ChunkFill): Uint8Array {
  const n = spec.chunks.reduce((a, b) => a * b, 1);
  const out = new CTOR[spec.dtype](n);
  fill(
    out,
    coords.map((c, i) => c * spec.chunks[i]),
    spec.chunks,
  );
  return gzipSync(new Uint8Array(out.buffer), { level: spec.gzipLevel ?? 6 });
}

export function writeArray(
  dir: string,
  spec: ArraySpec,
  fill: ChunkFill,
  attributes: Record<string, unknown> = {},
): void {
  mkdirSync(dir, { recursive: true });
  const inner = [
    { name: 'bytes', configuration: { endian: 'little' } },
    { name: 'gzip', configuration: { level: spec.gzipLevel ?? 6 } },
  ];
  const codecs = spec.shards
    ? [
        {
          name: 'sharding_indexed',
          configuration: {
            chunk_shape: spec.chunks,
            codecs: inner,
            index_codecs: [{ name: 'bytes', configuration: { endian: 'little' } }, { name: 'crc32c' }],
            index_location: 'end',
          },
        },
      ]
    : inner;
  const outer = spec.shards ?? spec.chunks;
  const meta = {
    zarr_format: 3,
    node_type: 'array',
    shape: spec.shape,
    data_type: spec.dtype,
    chunk_grid: { name: 'regular', configuration: { chunk_shape: outer } },
    chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
    fill_value: 0,
    codecs,
    dimension_names: spec.dimensionNames,
    attributes,
  };
  writeFileSync(join(dir, 'zarr.json'), JSON.stringify(meta, null, 2));
  const counts = spec.shape.map((s, i) => Math.ceil(s / outer[i]));
  for (const coords of grid(counts)) {
    const file = join(dir, 'c', ...coords.map(String));
    mkdirSync(dirname(file), { recursive: true });
    if (!spec.shards) {
      writeFileSync(file, encodeChunk(spec, coords, fill));
      continue;
    }
    const per = spec.shards.map((s, i) => s / spec.chunks[i]);
    const parts: Uint8Array[] = [];
    const index = new BigUint64Array(per.reduce((a, b) => a * b, 1) * 2);
    let offset = 0;
    let k = 0;
    for (const local of grid(per)) {
      const global = local.map((l, i) => coords[i] * per[i] + l);
      if (global.some((g, i) => g * spec.chunks[i] >= spec.shape[i])) {
        index[2 * k] = index[2 * k + 1] = 2n ** 64n - 1n;
      } else {
        const bytes = encodeChunk(spec, global, fill);
        index[2 * k] = BigInt(offset);
        index[2 * k + 1] = BigInt(bytes.length);
        parts.push(bytes);
        offset += bytes.length;
      }
      k++;
    }
    const indexBytes = new Uint8Array(index.buffer);
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(crc32c(indexBytes));
    writeFileSync(file, Buffer.concat([...parts, indexBytes, crc]));
  }
}

export function writeGroup(dir: string, attributes: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'zarr.json'), JSON.stringify({ zarr_format: 3, node_type: 'group', attributes }, null, 2));
}
