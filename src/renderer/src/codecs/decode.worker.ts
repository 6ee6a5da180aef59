/**
 * Decodes compressed chunk bytes (blosc, zstd, lz4) off the page's thread, with numcodecs' WebAssembly builds of
 * c-blosc, zstd and lz4 (the decoders zarrita itself uses). Emscripten's embind glue compiles small invokers with
 * `new Function`, which the page's CSP forbids; this worker is served with a policy of its own (see
 * `decodeWorkerPolicy` in src/shared/csp.ts) that allows that and nothing else: no network, no DOM.
 */
import { Blosc, LZ4, Zstd } from 'numcodecs';
import type { DecodeReply, DecodeRequest, PooledCodecName } from './decodeProtocol';

interface Decoder {
  decode(bytes: Uint8Array): Promise<Uint8Array> | Uint8Array;
}

// The formats are self-describing (blosc's header, zstd's frame, numcodecs lz4's size prefix): one decoder each.
const decoders: Record<PooledCodecName, () => Decoder> = {
  blosc: () => Blosc.fromConfig({ id: 'blosc' }),
  zstd: () => Zstd.fromConfig({ id: 'zstd' }),
  lz4: () => LZ4.fromConfig({ id: 'lz4' }),
};
const made = new Map<PooledCodecName, Decoder>();

self.onmessage = async (event: MessageEvent<DecodeRequest>) => {
  const { id, codec, bytes } = event.data;
  let reply: DecodeReply;
  try {
    let decoder = made.get(codec);
    if (!decoder) {
      decoder = decoders[codec]();
      made.set(codec, decoder);
    }
    if (!bytes) {
      // A warm-up: instantiating the module is the slow part of a first decode.
      await Promise.resolve()
        .then(() => decoder.decode(new Uint8Array(0)))
        .catch(() => undefined);
      reply = { id, bytes: new Uint8Array(0) };
      (self as unknown as Worker).postMessage(reply);
      return;
    }
    const out = await decoder.decode(bytes);
    // numcodecs may return a view into its wasm heap copy; send an exact, owned buffer.
    const owned = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out : out.slice();
    reply = { id, bytes: owned };
    (self as unknown as Worker).postMessage(reply, [owned.buffer as ArrayBuffer]);
  } catch (e) {
    reply = { id, error: e instanceof Error ? e.message : String(e) };
    (self as unknown as Worker).postMessage(reply);
  }
};
