/**
 * The same conversion with `@fideus-labs/ngff-zarr` (the TypeScript
 * ngff-zarr), timed by the benchmark as a whole process like `convert`:
 * read the input → pyramid (bin-shrink, a block mean) → OME-Zarr 0.5,
 * 64³ chunks, blosc-zstd (clevel 5, shuffle: its only codec). ngff-zarr 0.14
 * writes no shards to a folder (`chunksPerShard` is honoured only in memory),
 * so it writes one file per chunk. It holds the whole volume in memory, as
 * its API takes an array. Input:
 * - `tiff FOLDER`: the TIFF slices, read plane by plane with geotiff (the
 *   library the bridge's TIFF source uses), in name order;
 * - `raw FILE`: raw C-order voxels (the BossDB region, fetched beforehand:
 *   ngff-zarr cannot read BossDB).
 * It expects the browser's `Worker`; Node 20 gets one from `web-worker`.
 * argv: one JSON object {kind, input, dtype, shape: [z, y, x], factors: the
 * cumulative factor of each level below 0 as {z, y, x} (the pyramid convert
 * plans), output, threads}.
 * Prints {"seconds", "peakRssBytes"}. Plain JavaScript, with its own
 * node_modules (bench/ngff-zarr/package.json): ngff-zarr needs zarrita 0.6,
 * the project has 0.7; geotiff resolves to the project's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Worker from 'web-worker';

globalThis.Worker ??= Worker;
const { kind, input, dtype, shape, factors, output, threads } = JSON.parse(process.argv[2]);
const started = performance.now();
const { NgffImage, toMultiscales, toNgffZarr, Methods, terminateWorkerPool, config, bytesOnlyCodecs } = await import(
  '@fideus-labs/ngff-zarr'
);
const zarr = await import('zarrita');
// Its default is navigator.hardwareConcurrency (Node ≥ 21: the cores) or 4: the same threads as convert.
config.workerPoolSize = Number(threads);
const Typed = dtype === 'uint16' ? Uint16Array : Uint8Array;
let data;
if (kind === 'tiff') {
  const { fromArrayBuffer } = await import('geotiff');
  const names = readdirSync(input)
    .filter((n) => /\.tiff?$/i.test(n))
    .sort();
  data = new Typed(shape[0] * shape[1] * shape[2]);
  const plane = shape[1] * shape[2];
  for (let i = 0; i < names.length; i++) {
    const file = readFileSync(join(input, names[i]));
    const tiff = await fromArrayBuffer(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength));
    const [band] = await (await tiff.getImage()).readRasters();
    data.set(band, i * plane);
  }
} else {
  const raw = readFileSync(input);
  data = new Typed(raw.buffer, raw.byteOffset, raw.byteLength / Typed.BYTES_PER_ELEMENT);
}
// Not `toNgffImage`: it turns every typed array into float32. The volume goes in with its own
// dtype, as an uncompressed in-memory array already in 64³ chunks (nothing to rechunk or decompress).
const array = await zarr.create(zarr.root(new Map()).resolve('data'), {
  shape,
  chunk_shape: shape.map((s) => Math.min(s, 64)),
  data_type: dtype,
  fill_value: 0,
  codecs: bytesOnlyCodecs(),
});
await zarr.set(array, null, { data, shape, stride: [shape[1] * shape[2], shape[2], 1] });
const image = new NgffImage({
  data: array,
  dims: ['z', 'y', 'x'],
  scale: { z: 1, y: 1, x: 1 },
  translation: { z: 0, y: 0, x: 0 },
  name: 'image',
  axesUnits: undefined,
  computedCallbacks: undefined,
});
const multiscales = await toMultiscales(image, {
  scaleFactors: factors,
  method: Methods.ITKWASM_BIN_SHRINK,
  chunks: 64,
});
await toNgffZarr(output, multiscales, { version: '0.5', chunksPerShard: 8, overwrite: true });
const seconds = (performance.now() - started) / 1000;
terminateWorkerPool();
// VmHWM, not resourceUsage().maxRSS: after fork and exec, maxRSS still holds the forked parent's high-water mark.
const hwm = (() => {
  try {
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024 || undefined;
  } catch {
    return undefined;
  }
})();
process.stdout.write(`${JSON.stringify({ seconds, peakRssBytes: hwm ?? process.resourceUsage().maxRSS * 1024 })}\n`);
process.exit(0);
