/**
 * Child process for the memory-bound test: converts a large generated volume
 * (an ArrayNode computing its chunks, so no input file is needed) with
 * `--memory` set, and prints the peak RSS. argv: output z y x memoryMB
 */
import type { ArrayNode } from '../../src/bridge/model/node.js';
import { runConvert } from '../../src/bridge/writer/job.js';
import { defaultWriteOptions } from '../../src/bridge/writer/options.js';

const [output, z, y, x, memoryMb] = process.argv.slice(2);
const shape = [Number(z), Number(y), Number(x)];
const chunkShape = [64, 256, 256];
const node: ArrayNode = {
  kind: 'array',
  path: 'generated/volume',
  attrs: {},
  meta: { shape, chunkShape, dtype: 'uint16', fillValue: 0, dimensionNames: ['z', 'y', 'x'] },
  async readChunk(coords) {
    const values = new Uint16Array(chunkShape[0] * chunkShape[1] * chunkShape[2]);
    // Smooth structure plus a little noise, different in every chunk.
    let seed = coords[0] * 7919 + coords[1] * 104729 + coords[2] * 1299709;
    for (let i = 0; i < values.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      values[i] = 1000 + ((i >> 4) % 700) + (seed >>> 28);
    }
    return { shape: chunkShape, bytes: new Uint8Array(values.buffer) };
  },
};
const result = await runConvert({
  node,
  inputIdentity: 'generated',
  output,
  options: { ...defaultWriteOptions(2), memoryBytes: Number(memoryMb) * 2 ** 20, levels: 2 },
  mode: { overwrite: false, resume: false, finalize: false },
});
process.stdout.write(
  `${JSON.stringify({ peakRssBytes: process.resourceUsage().maxRSS * 1024, voxels: result.voxelsWritten })}\n`,
);
