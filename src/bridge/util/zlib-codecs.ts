/**
 * gzip and zlib for zarrita, on Node's zlib: native code on libuv's thread
 * pool instead of web DecompressionStream on the event loop, so decoding
 * runs on both cores and the server keeps answering. Registered once, before
 * any array is opened (zarrita looks codecs up by name at open time).
 */
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import * as zarr from 'zarrita';
import { type ChunkMeta, decodedLimit, VARIABLE_CHUNK_MAX } from './decode-limits.js';

type Inflate = (b: Uint8Array, options: { chunkSize: number; maxOutputLength: number }) => Promise<Buffer>;

function codec(inflateWith: Inflate) {
  class NodeZlibCodec {
    kind = 'bytes_to_bytes' as const;
    /** Decoded bytes the chunk holds: the output buffer is made to fit, and inflating stops there (bombs). */
    readonly #limit: number;
    constructor(limit: number) {
      this.#limit = limit;
    }
    static fromConfig(_config: unknown, meta?: ChunkMeta) {
      return new NodeZlibCodec(decodedLimit(meta));
    }
    encode(): never {
      throw new Error('the bridge does not write through zarrita');
    }
    async decode(bytes: Uint8Array): Promise<Uint8Array> {
      // A known size is one output block (plus slack, so zlib needs no second trip to find the end), instead of
      // a generous block a cached chunk would keep alive whole. Unknown (strings): a few times the input.
      const known = this.#limit !== VARIABLE_CHUNK_MAX;
      const chunkSize = known ? this.#limit + 64 : Math.max(256 * 1024, Math.min(this.#limit, bytes.byteLength * 4));
      const out = await inflateWith(bytes, { chunkSize, maxOutputLength: this.#limit });
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
  }
  return NodeZlibCodec;
}

const NodeGzip = codec(promisify(gunzip));
const NodeZlib = codec(promisify(inflate));
type Entry = Awaited<ReturnType<NonNullable<ReturnType<typeof zarr.registry.get>>>>;

for (const name of ['gzip', 'numcodecs.gzip']) zarr.registry.set(name, async () => NodeGzip as unknown as Entry);
for (const name of ['zlib', 'numcodecs.zlib']) zarr.registry.set(name, async () => NodeZlib as unknown as Entry);
