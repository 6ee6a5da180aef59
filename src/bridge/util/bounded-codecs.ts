/**
 * blosc, lz4 and zstd for zarrita (numcodecs' WebAssembly builds), each
 * checking first that the frame's declared decoded size fits the chunk its
 * metadata describes. WebAssembly memory grows and never shrinks: a bomb
 * must be refused before it is inflated, not after. Registered once, before
 * any array is opened (zarrita looks codecs up by name at open time).
 */
import * as zarr from 'zarrita';
import { type ChunkMeta, decodedLimit, frameProblem } from './decode-limits.js';

interface NumcodecsCodec {
  decode(bytes: Uint8Array): Promise<Uint8Array>;
}
interface NumcodecsClass {
  fromConfig(config: unknown, meta?: ChunkMeta): NumcodecsCodec;
}

function bounded(codec: 'blosc' | 'lz4' | 'zstd', Inner: NumcodecsClass) {
  class BoundedCodec {
    kind = 'bytes_to_bytes' as const;
    readonly #inner: NumcodecsCodec;
    readonly #limit: number;
    constructor(inner: NumcodecsCodec, limit: number) {
      this.#inner = inner;
      this.#limit = limit;
    }
    static fromConfig(config: unknown, meta?: ChunkMeta) {
      return new BoundedCodec(Inner.fromConfig(config, meta), decodedLimit(meta));
    }
    encode(): never {
      throw new Error('the bridge does not write through zarrita');
    }
    async decode(bytes: Uint8Array): Promise<Uint8Array> {
      const problem = frameProblem(codec, bytes, this.#limit);
      if (problem) throw new Error(problem);
      const out = await this.#inner.decode(bytes);
      if (out.byteLength > this.#limit)
        throw new Error(`${codec} decoded to ${out.byteLength} bytes, more than the chunk holds`);
      return out;
    }
  }
  return BoundedCodec;
}

type Entry = Awaited<ReturnType<NonNullable<ReturnType<typeof zarr.registry.get>>>>;
const loaders = {
  blosc: async () => (await import('numcodecs/blosc')).default as unknown as NumcodecsClass,
  lz4: async () => (await import('numcodecs/lz4')).default as unknown as NumcodecsClass,
  zstd: async () => (await import('numcodecs/zstd')).default as unknown as NumcodecsClass,
};
for (const codec of ['blosc', 'lz4', 'zstd'] as const) {
  const load = async () => bounded(codec, await loaders[codec]()) as unknown as Entry;
  for (const name of [codec, `numcodecs.${codec}`]) zarr.registry.set(name, load);
}
