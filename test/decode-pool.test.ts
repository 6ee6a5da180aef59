/**
 * BossDB's blosc cuboids decode on worker threads (src/bridge/util/decode-pool.ts): the same bytes as
 * numcodecs inline, for BossDB's frames (typesize = bit depth, byte-shuffled) and for other compressors;
 * a frame that does not decode fails alone; an abandoned frame still waiting is dropped; and the built
 * bridge (out/main, its decode-worker.js) serves BossDB voxels through its workers.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Blosc } from 'numcodecs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DecodePool, type FrameCodec } from '../src/bridge/util/decode-pool.js';
import { workerEntry } from '../src/bridge/util/worker-entry.js';
import { encodeBossdbBlosc } from './bossdb-fixture/blosc-bossdb.js';
import { cutoutBytes } from './bossdb-fixture/encode.js';
import { expectedVoxel, startBossdbFixture } from './bossdb-fixture/index.js';
import { missing, REPO } from './support/env.js';

const entry = workerEntry(
  new URL('../src/bridge/util/decode-pool.ts', import.meta.url).href,
  './decode-worker.ts',
  'decode-worker.js',
);

describe('decode pool', () => {
  const pools: DecodePool[] = [];
  const pool = (size: number) => {
    if (!entry) throw new Error('no decode worker entry');
    const p = new DecodePool(entry, size);
    pools.push(p);
    return p;
  };
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('decodes BossDB cuboid frames (uint8, uint16, uint64) to the voxels, as numcodecs does inline', async () => {
    const p = pool(2);
    const cases: [string, number][] = [
      ['zb_public/huge/em', 8],
      ['zb_public/aniso/em16', 16],
      ['zb_public/labels/em', 64],
    ];
    for (const [channel, bits] of cases) {
      const raw = cutoutBytes(channel, 0, [0, 1], [0, 512], [0, 512], [0, 16]);
      const frame = await encodeBossdbBlosc(raw, bits);
      expect(frame[3]).toBe(bits); // the header's typesize is the bit depth, as BossDB writes it
      const decoded = await p.decode('blosc', frame.slice());
      expect(decoded.length).toBe(raw.length);
      expect(Buffer.from(decoded).equals(Buffer.from(raw)), channel).toBe(true);
    }
  });

  it('moves a frame that is a whole buffer into the worker, and copies a view into a larger one', async () => {
    const p = pool(1);
    const raw = new Uint8Array(1 << 20).map((_, i) => (i * 7) % 253);
    const frame = new Uint8Array(await Blosc.fromConfig({ id: 'blosc', cname: 'zstd' }).encode(raw));
    const whole = frame.slice();
    expect(Buffer.from(await p.decode('blosc', whole)).equals(Buffer.from(raw))).toBe(true);
    expect(whole.byteLength).toBe(0); // handed over, not copied
    const larger = new Uint8Array(frame.byteLength + 32);
    larger.set(frame, 16);
    const view = larger.subarray(16, 16 + frame.byteLength);
    expect(Buffer.from(await p.decode('blosc', view)).equals(Buffer.from(raw))).toBe(true);
    // The caller's buffer is untouched: its other bytes are not the pool's to take.
    expect(larger.byteLength).toBe(frame.byteLength + 32);
    expect(Buffer.from(view).equals(Buffer.from(frame))).toBe(true);
  });

  it('starts its workers ahead of the first frame when warmed, no more than its size', async () => {
    const p = pool(2);
    expect(p.workers).toBe(0);
    p.warm();
    p.warm();
    expect(p.workers).toBe(2);
    const raw = new Uint8Array(65536).map((_, i) => i % 251);
    const frame = new Uint8Array(await Blosc.fromConfig({ id: 'blosc', cname: 'lz4' }).encode(raw));
    expect(Buffer.from(await p.decode('blosc', frame)).equals(Buffer.from(raw))).toBe(true);
    expect(p.workers).toBe(2);
  });

  it('decodes many frames at once on at most its workers, each to its own bytes', async () => {
    const p = pool(2);
    const codecs = ['lz4', 'zstd', 'blosclz', 'zlib'].map((cname) =>
      Blosc.fromConfig({ id: 'blosc', cname, clevel: 5, shuffle: 1 }),
    );
    const inputs = Array.from({ length: 12 }, (_, i) => {
      const a = new Uint16Array(256 * 256);
      for (let k = 0; k < a.length; k++) a[k] = (k * (i + 3) + (k >> 8)) & 0xffff;
      return new Uint8Array(a.buffer);
    });
    const frames = await Promise.all(inputs.map((raw, i) => codecs[i % codecs.length].encode(raw)));
    const decoded = await Promise.all(frames.map((f) => p.decode('blosc', new Uint8Array(f))));
    expect(p.workers).toBeLessThanOrEqual(2);
    for (const [i, d] of decoded.entries()) {
      expect(Buffer.from(d).equals(Buffer.from(inputs[i])), `frame ${i}`).toBe(true);
    }
  });

  it('a frame that cannot be decoded fails alone; the pool goes on', async () => {
    // numcodecs' blosc "decodes" even garbage (hence the header checks before the pool): ask for a codec
    // the worker does not have.
    const p = pool(1);
    const good = new Uint8Array(
      await Blosc.fromConfig({ id: 'blosc', cname: 'lz4' }).encode(new Uint8Array(4096).fill(7)),
    );
    const [a, b, c] = await Promise.allSettled([
      p.decode('blosc', good.slice()),
      p.decode('lzma' as FrameCodec, good.slice()),
      p.decode('blosc', good.slice()),
    ]);
    expect(a.status).toBe('fulfilled');
    expect(b.status === 'rejected' && String(b.reason)).toMatch(/no decoder for lzma/);
    expect(c.status).toBe('fulfilled');
    expect((c as PromiseFulfilledResult<Uint8Array>).value.every((v) => v === 7)).toBe(true);
  });

  it('drops a frame still waiting when its request is abandoned', async () => {
    const p = pool(1);
    const raw = cutoutBytes('zb_public/huge/em', 0, [0, 1], [0, 512], [0, 512], [0, 16]);
    const frame = await encodeBossdbBlosc(raw, 8);
    const ctl = new AbortController();
    const first = p.decode('blosc', frame.slice());
    const waiting = p.decode('blosc', frame.slice(), { signal: ctl.signal });
    ctl.abort();
    await expect(waiting).rejects.toThrow(/abort/i);
    expect(Buffer.from(await first).equals(Buffer.from(raw))).toBe(true);
    await expect(p.decode('blosc', frame.slice(), { signal: ctl.signal })).rejects.toThrow(/abort/i);
  });

  it('decodes waiting frames a viewer waits for before bulk ones (an export’s), each kind in order', async () => {
    const p = pool(1);
    const raws = [0, 1, 2, 3].map((i) =>
      cutoutBytes('zb_public/huge/em', 0, [0, 1], [0, 512], [i * 512, i * 512 + 512], [0, 16]),
    );
    const frames = await Promise.all(raws.map((r) => encodeBossdbBlosc(r, 8)));
    const done: string[] = [];
    const decode = (name: string, i: number, bulk: boolean) =>
      p.decode('blosc', frames[i]!.slice(), { bulk }).then((bytes) => {
        done.push(name);
        return Buffer.from(bytes).equals(Buffer.from(raws[i]!));
      });
    // The first is taken at once; of the three that wait, the viewer's goes first.
    const results = await Promise.all([
      decode('export 1', 0, true),
      decode('export 2', 1, true),
      decode('export 3', 2, true),
      decode('viewer', 3, false),
    ]);
    expect(done).toEqual(['export 1', 'viewer', 'export 2', 'export 3']);
    expect(results).toEqual([true, true, true, true]);
  });
});

describe("the process's decode pool", () => {
  it('takes the number of workers set before its first use, and keeps it', async () => {
    // A fresh copy of the module: files before this one in the worker may have used the pool already.
    vi.resetModules();
    const m = await import('../src/bridge/util/decode-pool.js');
    expect(m.decodeWorkers()).toBe(0);
    m.setDecodeWorkers(1);
    m.warmDecoders();
    expect(m.decodeWorkers()).toBe(1);
    m.setDecodeWorkers(3);
    m.warmDecoders();
    expect(m.decodeWorkers()).toBe(1);
    const raw = cutoutBytes('zb_public/huge/em', 0, [0, 1], [0, 64], [0, 64], [0, 16]);
    const out = await m.decodeOffThread('blosc', await encodeBossdbBlosc(raw, 8));
    expect(Buffer.from(out).equals(Buffer.from(raw))).toBe(true);
    vi.resetModules();
  });
});

const CLI = join(REPO, 'out/main/cli.js');
describe.skipIf(missing('a built CLI (npm run build)', existsSync(CLI)))('the built bridge', () => {
  it('ships decode-worker.js beside its bundle and serves BossDB voxels through it', async () => {
    expect(existsSync(join(REPO, 'out/main/decode-worker.js'))).toBe(true);
    const { spawnBridge } = await import('../bench/serving.js');
    const fx = await startBossdbFixture();
    const bridge = await spawnBridge(['--bossdb-url', fx.url]);
    try {
      const res = await fetch(`${bridge.url}/zarr/v3/bossdb/zb_public/aniso/em16/0/c/0/0/0`);
      expect(res.status).toBe(200);
      // [16, 256, 256] uint16, little-endian, C order (z, y, x); the level is 20 × 600 × 1100.
      const v = new DataView(await res.arrayBuffer());
      for (const [z, y, x] of [
        [0, 0, 0],
        [3, 17, 200],
        [15, 255, 255],
        [9, 128, 7],
      ]) {
        const got = v.getUint16(2 * ((z * 256 + y) * 256 + x), true);
        expect(got, `${z},${y},${x}`).toBe(Number(expectedVoxel('zb_public/aniso/em16', 0, 0, x, y, z)));
      }
    } finally {
      await bridge.close();
      await fx.close();
    }
  });
});
