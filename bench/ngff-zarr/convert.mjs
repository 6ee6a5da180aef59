/**
 * The same conversion with `@fideus-labs/ngff-zarr` (the TypeScript
 * ngff-zarr): a raw uint8/uint16 volume (read before the clock starts) →
 * pyramid (bin-shrink, a block mean) → OME-Zarr 0.5, sharded, blosc-zstd
 * (its default codec). It expects the browser's `Worker`; Node 20 gets one
 * from `web-worker`. argv: raw-file dtype z y x output levels
 * Prints {"seconds", "peakRssBytes"}. Plain JavaScript, with its own node_modules
 * (bench/ngff-zarr/package.json): ngff-zarr needs zarrita 0.6, the project has 0.7.
 */
import { readFileSync } from 'node:fs';
import Worker from 'web-worker';

globalThis.Worker ??= Worker;
const { toNgffImage, toMultiscales, toNgffZarr, Methods, terminateWorkerPool } = await import('@fideus-labs/ngff-zarr');

const [file, dtype, z, y, x, output, levels] = process.argv.slice(2);
const shape = [Number(z), Number(y), Number(x)];
const raw = readFileSync(file);
const data =
  dtype === 'uint16'
    ? new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2)
    : new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
const started = performance.now();
const image = await toNgffImage(data, {
  dims: ['z', 'y', 'x'],
  shape,
  scale: { z: 1, y: 1, x: 1 },
  translation: { z: 0, y: 0, x: 0 },
});
const scaleFactors = Array.from({ length: Number(levels) - 1 }, (_, k) => 2 ** (k + 1));
const multiscales = await toMultiscales(image, { scaleFactors, method: Methods.ITKWASM_BIN_SHRINK, chunks: 64 });
await toNgffZarr(output, multiscales, { version: '0.5', chunksPerShard: 8, overwrite: true });
const seconds = (performance.now() - started) / 1000;
terminateWorkerPool();
process.stdout.write(`${JSON.stringify({ seconds, peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
process.exit(0);
