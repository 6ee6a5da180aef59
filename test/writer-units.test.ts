/**
 * The writer's arithmetic, checked by values: the pyramid rule (factor 2 per
 * spatial axis, except axes already ≥ 2× the smallest voxel; odd extents
 * round up; scale and translation of each level), parts, downsampling of edge
 * blocks, the shard index checksum, and `convert`'s flags.
 */
import { describe, expect, it } from 'vitest';
import { runChunkTask } from '../src/bridge/writer/chunk-task.js';
import { codecSpec, v2Compressor, v3Codecs } from '../src/bridge/writer/codec.js';
import { crc32c } from '../src/bridge/writer/crc32c.js';
import { downsample } from '../src/bridge/writer/downsample.js';
import { isWriterError } from '../src/bridge/writer/errors.js';
import { partOf, planLevels, shardCoords } from '../src/bridge/writer/plan.js';
import { createChunkPool } from '../src/bridge/writer/worker-pool.js';
import { parseConvertArgs, parseRegion } from '../src/cli/convert-args.js';

const zyx = [
  { name: 'z', type: 'space' },
  { name: 'y', type: 'space' },
  { name: 'x', type: 'space' },
];

describe('plan', () => {
  it('keeps an anisotropic z until x and y catch up, rounding odd extents up', () => {
    const levels = planLevels(
      { axes: zyx, shape: [100, 1000, 1001], scale: [40, 4, 4], translation: [0, 0, 0] },
      { ome: '0.5', shard: 8, levels: 6 },
      'mean',
    );
    expect(levels.map((l) => l.scale)).toEqual([
      [40, 4, 4],
      [40, 8, 8],
      [40, 16, 16],
      [40, 32, 32],
      [80, 64, 64],
      [160, 128, 128],
    ]);
    expect(levels.map((l) => l.shape)).toEqual([
      [100, 1000, 1001],
      [100, 500, 501],
      [100, 250, 251],
      [100, 125, 126],
      [50, 63, 63],
      [25, 32, 32],
    ]);
    // Mean: a level's voxel centre is the middle of the level-0 block it covers.
    expect(levels[1].translation).toEqual([0, 2, 2]);
    expect(levels[4].translation).toEqual([20, 30, 30]);
    expect(levels[1].factor).toEqual([1, 2, 2]);
    expect(levels[4].factor).toEqual([2, 2, 2]);
  });

  it('stops at auto when the largest extent fits one chunk; t and c are never downsampled', () => {
    const tczyx = [{ name: 't', type: 'time' }, { name: 'c', type: 'channel' }, ...zyx];
    const levels = planLevels(
      { axes: tczyx, shape: [3, 4, 5, 300, 200], scale: [1, 1, 1, 1, 1], translation: [0, 0, 0, 0, 0] },
      { ome: '0.5', shard: 8, levels: 'auto' },
      'nearest',
    );
    expect(levels.map((l) => l.shape)).toEqual([
      [3, 4, 5, 300, 200],
      [3, 4, 3, 150, 100],
      [3, 4, 2, 75, 50],
      [3, 4, 1, 38, 25],
    ]);
    // Nearest keeps the first voxel of each block: no shift.
    expect(levels[3].translation).toEqual([0, 0, 0, 0, 0]);
    expect(levels[0].chunk).toEqual([1, 1, 5, 64, 64]);
    expect(levels[0].shard).toEqual([1, 1, 5, 320, 256]);
  });

  it('splits level-0 shards into parts and leaves shards spanning parts to --finalize', () => {
    const levels = planLevels(
      { axes: zyx, shape: [256, 256, 256], scale: [1, 1, 1], translation: [0, 0, 0] },
      { ome: '0.5', shard: 2, levels: 3, chunk: 32 },
      'mean',
    );
    expect(levels[0].grid).toEqual([4, 4, 4]);
    const parts = [...shardCoords(levels[0])].map((c) => partOf(levels, 0, c, 4));
    expect(parts.filter((p) => p === 0)).toHaveLength(16);
    expect(new Set(parts)).toEqual(new Set([0, 1, 2, 3]));
    // Level 1: each shard covers 2×2×2 level-0 shards. With 2 parts (two z-slabs each) it lies in one part;
    // with 4 parts (one z-slab each) it spans two, and --finalize writes it.
    expect([...shardCoords(levels[1])].map((c) => partOf(levels, 1, c, 2))).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect([...shardCoords(levels[1])].every((c) => partOf(levels, 1, c, 4) === -1)).toBe(true);
  });
});

describe('downsample', () => {
  it('averages only the voxels an edge block has, rounding half to even', () => {
    // 1×3×3 uint16 → 1×2×2: the last row and column are blocks of 2 and 1 voxels.
    const src = new Uint16Array([1, 2, 10, 3, 5, 20, 7, 8, 30]);
    const out = new Uint16Array(downsample(new Uint8Array(src.buffer), [1, 3, 3], [1, 2, 2], 'mean', 'uint16').buffer);
    // (1+2+3+5)/4 = 2.75 → 3; (10+20)/2 = 15; (7+8)/2 = 7.5 → 8; 30.
    expect([...out]).toEqual([3, 15, 8, 30]);
    const half = new Uint8Array(downsample(new Uint8Array([1, 2, 3, 4]), [4], [2], 'mean', 'uint8'));
    expect([...half]).toEqual([2, 4]); // 1.5 → 2, 3.5 → 4
  });

  it('mode picks the most frequent label (ties: the smallest), also for uint64', () => {
    const labels = new BigUint64Array([7n, 7n, 2n ** 40n, 2n ** 40n, 5n, 9n, 9n, 5n]);
    const out = new BigUint64Array(downsample(new Uint8Array(labels.buffer), [2, 4], [2, 2], 'mode', 'uint64').buffer);
    expect([...out]).toEqual([7n, 2n ** 40n]);
    const tie = new Uint32Array(
      downsample(new Uint8Array(new Uint32Array([9, 3, 9, 3]).buffer), [4], [4], 'mode', 'uint32').buffer,
    );
    expect([...tie]).toEqual([3]);
    const max = new Int16Array(
      downsample(new Uint8Array(new Int16Array([-5, -3, 4, -9]).buffer), [4], [2], 'max', 'int16').buffer,
    );
    expect([...max]).toEqual([-3, 4]);
    const nearest = new Uint8Array(downsample(new Uint8Array([1, 2, 3, 4, 5]), [5], [2], 'nearest', 'uint8'));
    expect([...nearest]).toEqual([1, 3, 5]);
  });
});

/** The mean, block by block, the slow obvious way (numpy's rint: half to even), for any rank. */
function referenceMean(values: number[], shape: number[], factors: number[], round: boolean): number[] {
  const outShape = shape.map((s, d) => Math.ceil(s / factors[d]));
  const total = outShape.reduce((a, b) => a * b, 1);
  const at = (idx: number[]) => idx.reduce((acc, v, d) => acc * shape[d] + v, 0);
  const out: number[] = [];
  for (let n = 0; n < total; n++) {
    let rest = n;
    const o = outShape.map(() => 0);
    for (let d = shape.length - 1; d >= 0; d--) {
      o[d] = rest % outShape[d];
      rest = Math.floor(rest / outShape[d]);
    }
    let blocks: number[][] = [[]];
    for (let d = 0; d < shape.length; d++) {
      const from = o[d] * factors[d];
      const to = Math.min(shape[d], from + factors[d]);
      blocks = blocks.flatMap((b) => Array.from({ length: to - from }, (_, k) => [...b, from + k]));
    }
    const m = blocks.reduce((a, idx) => a + values[at(idx)], 0) / blocks.length;
    const r = Math.round(m);
    // `|| 0`: an integer has no −0.
    out.push(!round ? m : (m - Math.floor(m) === 0.5 && r % 2 !== 0 ? r - 1 : r) || 0);
  }
  return out;
}

describe('downsample, against the obvious block-by-block mean', () => {
  it('agrees on edge blocks of every rank, for integers (half to even) and floats', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let t = 0; t < 300; t++) {
      const rank = 1 + (t % 4);
      const shape = Array.from({ length: rank }, () => 1 + Math.floor(random() * 7));
      const factors = shape.map(() => [1, 2, 2, 3][Math.floor(random() * 4)]);
      const count = shape.reduce((a, b) => a * b, 1);
      const ints = Int16Array.from({ length: count }, () => Math.floor(random() * 9) - 4);
      const got = [...new Int16Array(downsample(new Uint8Array(ints.buffer), shape, factors, 'mean', 'int16').buffer)];
      expect(got, `${shape} by ${factors}`).toEqual(referenceMean([...ints], shape, factors, true));
      // The full ranges of the small unsigned types (sums of 8 up to 8 × 65535).
      const u16 = Uint16Array.from({ length: count }, () => Math.floor(random() * 65536));
      const gotU16 = [
        ...new Uint16Array(downsample(new Uint8Array(u16.buffer), shape, factors, 'mean', 'uint16').buffer),
      ];
      expect(gotU16, `uint16 ${shape} by ${factors}`).toEqual(referenceMean([...u16], shape, factors, true));
      const u8 = Uint8Array.from({ length: count }, () => Math.floor(random() * 256));
      const gotU8 = [...downsample(u8, shape, factors, 'mean', 'uint8')];
      expect(gotU8, `uint8 ${shape} by ${factors}`).toEqual(referenceMean([...u8], shape, factors, true));
      const floats = Float32Array.from({ length: count }, () => random() * 10);
      const mean = [
        ...new Float32Array(downsample(new Uint8Array(floats.buffer), shape, factors, 'mean', 'float32').buffer),
      ];
      expect(mean).toEqual([...Float32Array.from(referenceMean([...floats], shape, factors, false))]);
    }
  });
});

describe('blosc shuffle', () => {
  // A 64³ uint8 block like EM: a ramp with noise, as one 64³ chunk.
  const em = Uint8Array.from(
    { length: 64 ** 3 },
    (_, i) => ((i % 64) + ((i >> 6) % 64) * 2 + ((i * 2654435761) >>> 29)) & 255,
  );
  const encoded = async (dtype: 'uint8' | 'uint16', src: Uint8Array) => {
    const r = await runChunkTask({
      src,
      srcShape: [64, 64, dtype === 'uint8' ? 64 : 32],
      factors: [1, 1, 1],
      method: 'mean',
      dtype,
      chunk: [64, 64, dtype === 'uint8' ? 64 : 32],
      codec: codecSpec('blosc'),
    });
    if (!(r.encoded instanceof Uint8Array)) throw new Error('no chunk');
    return r.encoded;
  };
  /** Blosc 1 frame header, byte 2: bit 0 byte shuffle, bit 2 bit shuffle. */
  const shuffled = (frame: Uint8Array) => (frame[2] & 0b101) !== 0;

  it('is off for 1-byte elements (numcodecs would shuffle them as 4-byte ones), on for wider ones', async () => {
    expect(shuffled(await encoded('uint8', em.slice()))).toBe(false);
    expect(shuffled(await encoded('uint16', em.slice()))).toBe(true);
    // The metadata says what the frames hold.
    expect(v2Compressor(codecSpec('blosc'), 1)).toMatchObject({ shuffle: 0 });
    expect(v2Compressor(codecSpec('blosc'), 2)).toMatchObject({ shuffle: 1 });
    expect(v3Codecs(codecSpec('blosc'), 1)[0]).toMatchObject({ configuration: { shuffle: 'noshuffle', typesize: 1 } });
    expect(v3Codecs(codecSpec('blosc'), 2)[0]).toMatchObject({ configuration: { shuffle: 'shuffle', typesize: 2 } });
  });
});

describe('codec worker pool', () => {
  it('answers each of many tasks queued at once with its own chunk; a failing task rejects only its own', async () => {
    const pool = createChunkPool(2);
    const codec = codecSpec('zstd', 1);
    try {
      // 40 distinct 32² uint16 blocks, all posted before any answer; each must come back as its own chunk.
      const blocks = Array.from({ length: 40 }, (_, k) => {
        const v = new Uint16Array(32 * 32);
        for (let i = 0; i < v.length; i++) v[i] = (k * 7919 + i * 31) % 65521;
        return new Uint8Array(v.buffer);
      });
      const expected = blocks.map((b) => Buffer.from(b));
      /** A 32² uint16 block, encoded as it is (factors 1). */
      const encodeTask = (src: Uint8Array) => ({
        src,
        srcShape: [32, 32],
        factors: [1, 1],
        method: 'mean' as const,
        dtype: 'uint16' as const,
        chunk: [32, 32],
        codec,
      });
      const results = await Promise.all(blocks.map((src) => pool.run(encodeTask(src))));
      const Zstd = (await import('numcodecs/zstd')).default;
      const zstd = Zstd.fromConfig({ id: 'zstd', level: 1 });
      for (const [k, r] of results.entries()) {
        expect(r.encoded, `task ${k}`).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(await zstd.decode(r.encoded!)).equals(expected[k]!), `task ${k}`).toBe(true);
      }
      // A codec no worker knows fails that task, in its worker: it rejects its own promise only; the pool goes on.
      const bad = pool.run({
        ...encodeTask(new Uint8Array(expected[1]!)),
        codec: { ...codec, name: 'no-such-codec' as never },
      });
      await expect(bad).rejects.toThrow();
      const after = await pool.run(encodeTask(new Uint8Array(expected[0]!)));
      expect(Buffer.from(await zstd.decode(after.encoded!)).equals(expected[0]!)).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

describe('shard index checksum', () => {
  it('is CRC-32C (Castagnoli)', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });
});

describe('convert flags', () => {
  const parse = (...args: string[]) => parseConvertArgs(['in.zarr', '-o', 'out.zarr', ...args], {});

  it('reads every flag', () => {
    const a = parse(
      '--ome',
      '0.4',
      '--chunk',
      '16,32,32',
      '--shard',
      '4',
      '--compression',
      'gzip',
      '--compression-level',
      '6',
      '--levels',
      '3',
      '--downsample',
      'max',
      '--voxel-size',
      '40,4,4',
      '--unit',
      'nanometer',
      '--region',
      'x=0:1024,y=:512,z=3:',
      '--threads',
      '3',
      '--memory',
      '256',
      '--progress',
      'json',
    );
    expect(a.options).toMatchObject({
      ome: '0.4',
      chunk: [16, 32, 32],
      shard: 4,
      compression: 'gzip',
      compressionLevel: 6,
      levels: 3,
      downsample: 'max',
      voxelSize: [40, 4, 4],
      unit: 'nanometer',
      threads: 3,
      memoryBytes: 256 * 2 ** 20,
    });
    expect(a.options.region).toEqual({ x: [0, 1024], y: [undefined, 512], z: [3, undefined] });
    expect(a.progress).toBe('json');
    expect(parse('--part', '2/5').mode.part).toEqual({ index: 1, count: 5 });
    // 0.4 defaults to blosc-zstd with shuffle; 0.5 to zstd.
    expect(parse('--ome', '0.4').options.compression).toBe('blosc');
    expect(parse().options.compression).toBe('zstd');
  });

  it('refuses what makes no sense, as usage errors', () => {
    for (const bad of [
      ['--ome', '0.3'],
      ['--chunk', '0'],
      ['--compression', 'lzma'],
      ['--unit', 'furlong'],
      ['--part', '0/3'],
      ['--part', '4/3'],
      ['--part', '1/2', '--finalize'],
      ['--memory', '128'],
      ['--levels', 'many'],
      ['--bogus'],
    ]) {
      let error: unknown;
      try {
        parse(...bad);
      } catch (e) {
        error = e;
      }
      expect(isWriterError(error, 'Usage'), bad.join(' ')).toBe(true);
    }
    expect(() => parseRegion('x=5')).toThrow(/axis=start:stop/);
  });
});
