/**
 * A decode worker thread: decompresses frames posted by the decode pool
 * (decode-pool.ts), so a 4 MiB BossDB cuboid's blosc does not hold up every
 * other request on the bridge's event loop.
 */

import { parentPort } from 'node:worker_threads';
// Only blosc's module: the package index also loads zstd, lz4 and zlib, which a worker start would pay for.
import Blosc from 'numcodecs/blosc';
import type { DecodeReply, DecodeRequest } from './decode-pool.js';

const blosc = Blosc.fromConfig({ id: 'blosc' });
// numcodecs compiles its WebAssembly on first use: a worker started ahead (warmDecoders) does it now, not
// while the first cuboid waits. The first real frame awaits the same module.
Promise.resolve(blosc.encode(new Uint8Array(64))).catch(() => undefined);

parentPort?.on('message', (m: DecodeRequest) => {
  // Only codecs it knows: a request for another fails alone (the pool goes on).
  const decoded =
    m.codec === 'blosc'
      ? Promise.resolve(blosc.decode(m.frame))
      : Promise.reject(new Error(`no decoder for ${m.codec}`));
  decoded.then(
    (bytes: Uint8Array) => {
      const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      const reply: DecodeReply = { id: m.id, bytes };
      parentPort?.postMessage(reply, whole ? [bytes.buffer as ArrayBuffer] : []);
    },
    (e: unknown) => {
      const reply: DecodeReply = { id: m.id, error: e instanceof Error ? e.message : String(e) };
      parentPort?.postMessage(reply);
    },
  );
});
