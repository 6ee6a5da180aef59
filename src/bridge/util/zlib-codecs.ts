/**
 * gzip and zlib for zarrita, on Node's zlib: native code on libuv's thread
 * pool instead of web DecompressionStream on the event loop, so decoding
 * runs on both cores and the server keeps answering. Registered once, before
 * any array is opened (zarrita looks codecs up by name at open time).
 */
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import * as zarr from 'zarrita';
import { bytesPerElement, isDType } from '../model/dtype.js';

/** What zarrita tells a codec about the chunks it will see. */
interface ChunkMeta {
  shape?: readonly number[];
  dataType?: string;
}

/**
 * Decoded bytes of one chunk, when the data type has a fixed size: the output
 * buffer is then made to fit (plus a little slack, so zlib needs no second
 * trip to find the end), instead of a generous block that a cached chunk
 * would keep alive whole.
 */
function expectedBytes(meta: ChunkMeta | undefined): number | undefined {
  if (!meta?.shape || !meta.dataType || !isDType(meta.dataType)) return undefined;
  return meta.shape.reduce((a, b) => a * b, 1) * bytesPerElement(meta.dataType);
}

type Inflate = (b: Uint8Array, options: { chunkSize: number }) => Promise<Buffer>;

function codec(inflateWith: Inflate) {
  class NodeZlibCodec {
    kind = 'bytes_to_bytes' as const;
    readonly #expected?: number;
    constructor(expected?: number) {
      this.#expected = expected;
    }
    static fromConfig(_config: unknown, meta?: ChunkMeta) {
      return new NodeZlibCodec(expectedBytes(meta));
    }
    encode(): never {
      throw new Error('the bridge does not write through zarrita');
    }
    async decode(bytes: Uint8Array): Promise<Uint8Array> {
      // Unknown size: output is usually a few times the input, and a large block keeps it to one or two trips.
      const chunkSize = this.#expected !== undefined ? this.#expected + 64 : Math.max(256 * 1024, bytes.byteLength * 4);
      const out = await inflateWith(bytes, { chunkSize });
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
