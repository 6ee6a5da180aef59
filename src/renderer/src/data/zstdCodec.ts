/**
 * zstd for the viewer's zarrita, in plain JavaScript (fzstd): numcodecs'
 * WebAssembly build needs `eval` for its bindings, which the viewer's CSP
 * forbids, and sharded OME-Zarr 0.5 (what `zarr-bridge convert` writes by
 * default) is zstd and passed through unchanged by the bridge's v3 face.
 */
import { decompress } from 'fzstd';
import * as zarr from 'zarrita';

class FzstdCodec {
  kind = 'bytes_to_bytes' as const;
  static fromConfig() {
    return new FzstdCodec();
  }
  encode(): never {
    throw new Error('the viewer does not write');
  }
  decode(bytes: Uint8Array): Uint8Array {
    return decompress(bytes);
  }
}

type Entry = Awaited<ReturnType<NonNullable<ReturnType<typeof zarr.registry.get>>>>;
for (const name of ['zstd', 'numcodecs.zstd']) zarr.registry.set(name, async () => FzstdCodec as unknown as Entry);
