/**
 * gzip and zlib for zarrita, on Node's zlib: native code on libuv's thread
 * pool instead of web DecompressionStream on the event loop, so decoding
 * runs on both cores and the server keeps answering. Registered once, before
 * any array is opened (zarrita looks codecs up by name at open time).
 */
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import * as zarr from 'zarrita';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

function codec(decode: (b: Uint8Array) => Promise<Buffer>) {
  class NodeZlibCodec {
    kind = 'bytes_to_bytes' as const;
    static fromConfig() {
      return new NodeZlibCodec();
    }
    encode(): never {
      throw new Error('the bridge does not write through zarrita');
    }
    async decode(bytes: Uint8Array): Promise<Uint8Array> {
      const out = await decode(bytes);
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
  }
  return NodeZlibCodec;
}

/** Output is usually a few times the input: a large chunkSize keeps it to one or two thread-pool trips. */
const big = (b: Uint8Array) => ({ chunkSize: Math.max(256 * 1024, b.byteLength * 4) });
const NodeGzip = codec((b) => gunzipAsync(b, big(b)));
const NodeZlib = codec((b) => inflateAsync(b, big(b)));
type Entry = Awaited<ReturnType<NonNullable<ReturnType<typeof zarr.registry.get>>>>;

for (const name of ['gzip', 'numcodecs.gzip']) zarr.registry.set(name, async () => NodeGzip as unknown as Entry);
for (const name of ['zlib', 'numcodecs.zlib']) zarr.registry.set(name, async () => NodeZlib as unknown as Entry);
