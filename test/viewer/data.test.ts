/**
 * The viewer's data path without a browser: the decoded-chunk cache (sharing, aborts, bounds), the fetch
 * limiter, regions cut across chunks (C and F order), bounded contrast samples that skip fill, segment colours
 * for ids of every integer type (64-bit exact), window rounding, scale-bar units, tile budgets, the codec
 * check that decides when the bridge must decode, and the decode worker pool's balancing and failures.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as zarr from 'zarrita';
import { DecodePool } from '../../src/renderer/src/codecs/decodePool.js';
import type { DecodeReply, DecodeRequest } from '../../src/renderer/src/codecs/decodeProtocol.js';
import { canDecode, codecNames } from '../../src/renderer/src/codecs/registerCodecs.js';
import { FetchLimiter, limitedStore } from '../../src/renderer/src/data/bridgeStore.js';
import { ChunkCache, type DecodedChunk } from '../../src/renderer/src/data/chunkCache.js';
import { formatValue, histogram, roundWindow } from '../../src/renderer/src/data/contrast.js';
import { SegmentPalette } from '../../src/renderer/src/data/labels.js';
import { LevelArray } from '../../src/renderer/src/data/levelArray.js';
import { SIGNAL_ABORTED, ZarrPixelSource } from '../../src/renderer/src/data/pixelSource.js';
import { type PlaneMeta, planeReader, planeValues } from '../../src/renderer/src/data/planeRead.js';
import { MAX_CHUNKS, samplePlane } from '../../src/renderer/src/data/sample.js';
import { idText, idWords } from '../../src/renderer/src/data/segmentColors.js';
import { lengthText } from '../../src/renderer/src/viewer/ScaleBar.js';
import { tileBudget } from '../../src/renderer/src/viewer/tileBudget.js';
import { FIXTURES, missing } from '../support/env.js';
import { neuroglancerColor } from '../support/segment-color.js';
import { startStaticServer } from '../support/static-server.js';
import { until } from '../support/until.js';

const chunk = (n: number): DecodedChunk => ({ data: new Uint8Array(n), shape: [n], stride: [1] });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('decoded-chunk cache', () => {
  it('shares one load among callers and keeps it', async () => {
    const cache = new ChunkCache(1000);
    let loads = 0;
    const load = async () => {
      loads += 1;
      await tick();
      return chunk(10);
    };
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    expect(await cache.get('k', load)).toBe(a);
    expect(cache.peek('k')).toBe(a);
    expect(loads).toBe(1);
  });

  it('aborts the load only when every caller has gone', async () => {
    const cache = new ChunkCache(1000);
    let seen: AbortSignal | undefined;
    let finish: (c: DecodedChunk) => void = () => undefined;
    const load = (s: AbortSignal) => {
      seen = s;
      return new Promise<DecodedChunk>((r) => {
        finish = r;
      });
    };
    const one = new AbortController();
    const two = new AbortController();
    const p1 = cache.get('k', load, one.signal);
    const p2 = cache.get('k', load, two.signal);
    one.abort();
    await expect(p1).rejects.toThrow(/abort/i);
    expect(seen?.aborted).toBe(false);
    finish(chunk(4));
    expect((await p2).data.length).toBe(4);

    const three = new AbortController();
    const p3 = cache.get('j', load, three.signal);
    three.abort();
    await expect(p3).rejects.toThrow(/abort/i);
    expect(seen?.aborted).toBe(true);
    expect(cache.peek('j')).toBeUndefined();
  });

  it('asks again when a request it shared with another reader was aborted by that reader', async () => {
    const cache = new ChunkCache(1000);
    let calls = 0;
    const load = async (s: AbortSignal) => {
      calls += 1;
      expect(s.aborted).toBe(false);
      if (calls === 1) throw new DOMException('The operation was aborted.', 'AbortError');
      return chunk(4);
    };
    expect((await cache.get('k', load, new AbortController().signal)).data.length).toBe(4);
    expect(calls).toBe(2);
  });

  it('evicts the least recently used past its byte bound, and skips oversized chunks', async () => {
    const cache = new ChunkCache(200);
    for (const k of ['a', 'b', 'c', 'd', 'e']) await cache.get(k, async () => chunk(45));
    expect(cache.peek('a')).toBeUndefined();
    expect(cache.peek('b')).toBeDefined();
    expect(cache.bytes).toBe(180);
    // More than a quarter of the bound: served, never kept (it would flush everything else).
    await cache.get('huge', async () => chunk(60));
    expect(cache.peek('huge')).toBeUndefined();
    expect(cache.bytes).toBe(180);
  });
});

describe('fetch limiter', () => {
  it('never runs more than its limit; a queued caller that aborts leaves the queue', async () => {
    const limiter = new FetchLimiter(3);
    const gates: (() => void)[] = [];
    let running = 0;
    let most = 0;
    const task = () =>
      new Promise<void>((resolve) => {
        running += 1;
        most = Math.max(most, running);
        gates.push(() => {
          running -= 1;
          resolve();
        });
      });
    const ctl = new AbortController();
    const all = Array.from({ length: 10 }, (_, i) => limiter.run(i === 5 ? ctl.signal : undefined, task));
    await tick();
    expect(running).toBe(3);
    ctl.abort();
    await expect(all[5]).rejects.toThrow(/abort/i);
    while (gates.length) {
      gates.shift()?.();
      await tick();
    }
    await Promise.all(all.filter((_, i) => i !== 5));
    expect(most).toBe(3);
    expect(limiter.stats).toMatchObject({ started: 9, peak: 3, active: 0, queued: 0 });
  });
});

describe('sharded arrays over HTTP', () => {
  const shared = join(FIXTURES, 'generated/image_sharded.ome.zarr');
  it.skipIf(missing('shared fixtures (image_sharded.ome.zarr)', existsSync(shared)))(
    'a chunk whose tile left the screen does not fail the other chunks of its shard',
    async () => {
      const server = await startStaticServer(shared);
      try {
        const open = async () =>
          (await zarr.open.v3(zarr.root(limitedStore(server.url)).resolve('0'), { kind: 'array' })) as zarr.Array<
            zarr.DataType,
            zarr.Readable
          >;
        const want = await (await open()).getChunk([0, 0, 0, 1]);
        // The shard's index is held by the server until both chunks wait for it; then the first one's tile goes.
        server.fault = { prefix: '/0/c/', kind: 'hold' };
        const arr = await open();
        const gone = new AbortController();
        const first = arr.getChunk([0, 0, 0, 0], { signal: gone.signal });
        const second = arr.getChunk([0, 0, 0, 1]);
        first.catch(() => undefined);
        await until(() => server.requests.some((r) => r.startsWith('/0/c/')));
        gone.abort();
        server.fault = undefined;
        server.release();
        const got = await second;
        expect(got.shape).toEqual(want.shape);
        expect(Array.from(got.data as Uint16Array)).toEqual(Array.from(want.data as Uint16Array));
      } finally {
        await server.close();
      }
    },
  );
});

/** A 2-level c,y,x uint16 pyramid in a Map store, written by zarrita: value = c·10000 + y·100 + x at level 0. */
async function pyramid(order: 'C' | 'F' = 'C', fillLevel1 = false) {
  const store = new Map<string, Uint8Array>();
  const root = zarr.root(store);
  const levels: LevelArray[] = [];
  for (const k of [0, 1]) {
    const [h, w] = [40 >> k, 50 >> k];
    const bytes = { name: 'bytes', configuration: { endian: 'little' } };
    const arr = await zarr.create(root.resolve(String(k)), {
      shape: [3, h, w],
      chunkShape: [1, 16, 16],
      dtype: 'uint16',
      fillValue: 0,
      codecs: order === 'F' ? [{ name: 'transpose', configuration: { order: [2, 1, 0] } }, bytes] : [bytes],
    });
    if (!(k === 1 && fillLevel1)) {
      const data = new Uint16Array(3 * h * w);
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) data[(c * h + y) * w + x] = c * 10000 + (y << k) * 100 + (x << k);
      await zarr.set(arr, null, { data, shape: [3, h, w], stride: [h * w, w, 1] });
    }
    levels.push(LevelArray.of(arr as zarr.Array<zarr.DataType, zarr.Readable>, `/${k}`));
  }
  return levels;
}

describe('level regions', () => {
  for (const order of ['C', 'F'] as const) {
    it(`cuts a box across chunk edges from ${order}-order chunks`, async () => {
      const [l0] = await pyramid(order);
      const r = await l0.region([2], 10, 35, 12, 45);
      expect([r.width, r.height]).toEqual([33, 25]);
      for (const [y, x] of [
        [10, 12],
        [15, 15],
        [16, 16],
        [34, 44],
        [20, 31],
      ])
        expect(r.data[(y - 10) * 33 + (x - 12)]).toBe(20000 + y * 100 + x);
      // Now cached: single voxels read without fetching.
      expect(l0.peekValue([2, 16, 16])).toBe(21616);
      expect(l0.peekValue([0, 39, 49])).toBeUndefined();
    });
  }
});

/**
 * A z,y,x uint16 array in 4×16×16 chunks, plain little-endian bytes, written by zarrita: value = z·1000 + y·30 + x,
 * except chunk z 0–3, y 16–31, x 0–15, never written (fill 7). Read through a store that logs every read.
 */
async function zStack() {
  const store = new Map<string, Uint8Array>();
  const arr = await zarr.create(zarr.root(store).resolve('0'), {
    shape: [8, 40, 30],
    chunkShape: [4, 16, 16],
    dtype: 'uint16',
    fillValue: 7,
    codecs: [{ name: 'bytes', configuration: { endian: 'little' } }],
  });
  const [d, h, w] = [8, 40, 30];
  const data = new Uint16Array(d * h * w);
  for (let z = 0; z < d; z++)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[(z * h + y) * w + x] = z * 1000 + y * 30 + x;
  await zarr.set(arr, null, { data, shape: [d, h, w], stride: [h * w, w, 1] });
  store.delete('/0/c/0/1/0');
  const reads: string[] = [];
  const logged = {
    get: async (key: string) => {
      reads.push(key);
      return store.get(key);
    },
    getRange: async (key: string, range: { offset: number; length: number }) => {
      reads.push(`${key} ${range.offset}+${range.length}`);
      return store.get(key)?.slice(range.offset, range.offset + range.length);
    },
  };
  const opened = await zarr.open.v3(zarr.root(logged as unknown as zarr.AsyncReadable).resolve('0'), {
    kind: 'array',
  });
  const meta = JSON.parse(new TextDecoder().decode(store.get('/0/zarr.json'))) as PlaneMeta;
  const level = new LevelArray(
    { shape: [d, h, w], chunks: [4, 16, 16], dtype: 'uint16' },
    async () => ({ arr: opened, url: '/0', readPlane: planeReader(opened, meta) }),
    '/0',
  );
  reads.length = 0;
  return { level, reads };
}

describe('level regions by plane', () => {
  it('read one plane of each uncompressed chunk by range, fill where a chunk is missing', async () => {
    const { level, reads } = await zStack();
    const r = await level.region([5], 10, 35, 3, 25);
    // z 5 is plane 1 of the chunks at z 4–7: 16·16 uint16 values 512 bytes in, 512 bytes long.
    expect(reads.sort()).toEqual(
      ['0/0/0', '0/0/1', '0/1/0', '0/1/1', '0/2/0', '0/2/1'].map((c) => `/0/c/1/${c.slice(2)} 512+512`).sort(),
    );
    for (const [y, x] of [
      [10, 3],
      [16, 16],
      [34, 24],
      [20, 15],
    ])
      expect(r.data[(y - 10) * 22 + (x - 3)], `${y},${x}`).toBe(5000 + y * 30 + x);
    expect(level.peekValue([5, 16, 16])).toBe(5000 + 16 * 30 + 16);
    expect(level.peekValue([6, 16, 16])).toBeUndefined();
    // The chunk never written reads as its fill value.
    const missing = await level.region([2], 16, 20, 0, 4);
    expect([...missing.data]).toEqual(new Array(16).fill(7));
    expect(reads).toContain('/0/c/0/1/0 1024+512');
  });

  it('are only for plain little-endian values with default chunk keys', () => {
    const arr = { dtype: 'uint16', path: '/0', store: { get: async () => undefined, getRange: async () => undefined } };
    const read = (meta: PlaneMeta, dtype = 'uint16') =>
      planeReader({ ...arr, dtype } as unknown as zarr.Array<zarr.DataType, zarr.Readable>, meta);
    const little = { name: 'bytes', configuration: { endian: 'little' } };
    expect(read({ codecs: [little] })).toBeTypeOf('function');
    expect(read({ codecs: [{ name: 'bytes' }] }, 'uint8')).toBeTypeOf('function');
    expect(read({ codecs: [little, { name: 'gzip' }] })).toBeUndefined();
    expect(read({ codecs: [{ name: 'bytes', configuration: { endian: 'big' } }] })).toBeUndefined();
    expect(read({ codecs: [{ name: 'sharding_indexed' }] })).toBeUndefined();
    expect(read({ codecs: [little], chunk_key_encoding: { name: 'v2' } })).toBeUndefined();
    expect(read({ codecs: [{ name: 'bytes' }] }, 'bool')).toBeUndefined();
  });

  it('name chunks as the default key encoding does, with its separator', async () => {
    const keys: string[] = [];
    const store = {
      get: async () => undefined,
      getRange: async (key: string) => {
        keys.push(key);
        return undefined;
      },
    };
    const arr = { dtype: 'uint8', path: '/0', store } as unknown as zarr.Array<zarr.DataType, zarr.Readable>;
    const codecs = [{ name: 'bytes' }];
    await planeReader(arr, { codecs, chunk_key_encoding: { name: 'default', configuration: { separator: '.' } } })?.(
      [1, 2, 3],
      0,
      1,
    );
    await planeReader(arr, { codecs })?.([1, 2, 3], 0, 1);
    expect(keys).toEqual(['/0/c.1.2.3', '/0/c/1/2/3']);
    expect([...(planeValues('uint64', undefined, 3, 5n) as BigUint64Array)]).toEqual([5n, 5n, 5n]);
    expect(() => planeValues('uint16', new Uint8Array(5), 2, 0)).toThrow(/4 bytes came back as 5/);
  });
});

describe('tiles whose chunk request is aborted', () => {
  it('are cancelled when their own signal aborted, and fail, with a reason, when something else aborted them', async () => {
    let calls = 0;
    const level = {
      shape: [4, 4],
      dtype: 'uint8',
      region: async () => {
        calls += 1;
        throw new DOMException('The operation was aborted.', 'AbortError');
      },
    } as unknown as LevelArray;
    const source = new ZarrPixelSource(level, ['y', 'x'], 128);
    const gone = new AbortController();
    gone.abort();
    await expect(source.getTile({ x: 0, y: 0, selection: {}, signal: gone.signal } as never)).rejects.toBe(
      SIGNAL_ABORTED,
    );
    const live = new AbortController();
    const err = await source.getTile({ x: 0, y: 0, selection: {}, signal: live.signal } as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/aborted three times, not by the viewer/);
    expect(calls).toBe(2);
  });
});

describe('contrast sample', () => {
  it('reads at most MAX_CHUNKS chunks, nearest the centre of the coarsest level first', async () => {
    const levels = await pyramid();
    const sources = levels.map((l) => new ZarrPixelSource(l, ['c', 'y', 'x'], 128));
    const s = await samplePlane(sources, { c: 1 });
    expect(s.chunksRead).toBeGreaterThan(0);
    expect(s.chunksRead).toBeLessThanOrEqual(MAX_CHUNKS);
    expect(Math.min(...s.values)).toBeGreaterThanOrEqual(10000);
  });

  it('skips chunks holding only the fill value and looks at finer levels', async () => {
    const levels = await pyramid('C', true);
    const sources = levels.map((l) => new ZarrPixelSource(l, ['c', 'y', 'x'], 128));
    const s = await samplePlane(sources, { c: 2 });
    expect(s.values.length).toBeGreaterThan(0);
    expect(Math.min(...s.values)).toBeGreaterThanOrEqual(20000);
  });
});

describe('segment colours', () => {
  const ids = [1n, 7n, 4294967295n, 4294967296n, 2n ** 53n + 1n, 14108143463522055040n, 2n ** 64n - 1n];

  it('match Neuroglancer for 64-bit ids, exactly, with 0 transparent', () => {
    const palette = new SegmentPalette();
    const data = new BigUint64Array([0n, ...ids]);
    const rgba = palette.colorize(data, data.length, 1);
    expect([...rgba.slice(0, 4)]).toEqual([0, 0, 0, 0]);
    ids.forEach((id, i) => {
      expect([...rgba.slice(4 * (i + 1), 4 * (i + 1) + 3)], String(id)).toEqual(neuroglancerColor(id));
      expect(rgba[4 * (i + 1) + 3]).toBe(255);
    });
  });

  it('read smaller and signed ids as Neuroglancer does (two’s complement), and honour image-label colours', () => {
    const palette = new SegmentPalette([{ 'label-value': 7, rgba: [1, 2, 3, 200] }]);
    const rgba = palette.colorize(new Int32Array([7, -1, 300]), 3, 1);
    expect([...rgba.slice(0, 4)]).toEqual([1, 2, 3, 200]);
    expect([...rgba.slice(4, 7)]).toEqual(neuroglancerColor(2n ** 64n - 1n));
    expect([...rgba.slice(8, 11)]).toEqual(neuroglancerColor(300n));
  });

  it('print ids exactly', () => {
    for (const id of ids) {
      const [lo, hi] = idWords(id);
      expect(idText(lo, hi)).toBe(id.toString());
    }
    expect(idWords(-2)).toEqual([0xfffffffe, 0xffffffff]);
  });
});

describe('contrast windows and labels', () => {
  it('rounds float windows to three significant digits of their width; integers to integers', () => {
    expect(roundWindow([0.0001234567, 0.98765432], false)).toEqual([0, 0.988]);
    expect(roundWindow([1234.5678, 1250.4321], false)).toEqual([1234.5, 1250.5]);
    expect(roundWindow([3.2, 9.9], true)).toEqual([3, 10]);
    expect(formatValue(0.98765432)).toBe('0.9877');
    expect(formatValue(12)).toBe('12');
    expect(formatValue(0.00001234)).toBe('1.234e-5');
  });

  it('bins a histogram over a range, clamping outliers into the end bins', () => {
    const h = histogram([0, 1, 2, 3, 99, -5], 0, 4, 4);
    expect(h.counts).toEqual([2, 1, 1, 2]);
  });

  it('shows scale-bar lengths in the unit that fits', () => {
    expect(lengthText(0.05, 'micrometer')).toBe('50 nm');
    expect(lengthText(2000, 'micrometer')).toBe('2 mm');
    expect(lengthText(500, 'nanometer')).toBe('500 nm');
    expect(lengthText(1, 'micrometer')).toBe('1 µm');
    expect(lengthText(5, 'second')).toBe('5 second');
  });

  it('allows four screens of tiles', () => {
    expect(tileBudget(700, 800, 256)).toBe(4 * 4 * 5);
  });
});

/** zarrita's registry entries before any test ran: canDecode must leave them as they are. */
const POOLABLE = ['blosc', 'zstd', 'lz4', 'numcodecs.blosc', 'numcodecs.zstd'];
const REGISTERED_AT_LOAD = POOLABLE.map((n) => zarr.registry.get(n));

describe('codecs the page decodes', () => {
  it('lists nested codecs and sends unknown ones to the bridge', () => {
    const sharded = [
      {
        name: 'sharding_indexed',
        configuration: {
          codecs: [{ name: 'bytes' }, { name: 'blosc' }],
          index_codecs: [{ name: 'bytes' }, { name: 'crc32c' }],
        },
      },
    ];
    expect(codecNames(sharded)).toEqual(['sharding_indexed', 'bytes', 'blosc', 'bytes', 'crc32c']);
    expect(canDecode(sharded)).toBe(true);
    expect(canDecode([{ name: 'bytes' }, { name: 'zstd' }, { name: 'numcodecs.delta' }])).toBe(true);
    expect(canDecode([{ name: 'bytes' }, { name: 'numcodecs.fixedscaleoffset' }])).toBe(false);
  });

  it("asks without touching zarrita's registry, which other readers in the process share", () => {
    canDecode([{ name: 'bytes' }, { name: 'blosc' }, { name: 'zstd' }]);
    expect(POOLABLE.map((n) => zarr.registry.get(n))).toEqual(REGISTERED_AT_LOAD);
  });
});

/** A stand-in for a decode worker: answers on the next tick, or fails to start. */
class FakeWorker {
  onmessage: ((e: MessageEvent<DecodeReply>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  received = 0;
  terminated = false;
  constructor(private readonly broken = false) {}
  postMessage(req: DecodeRequest) {
    this.received += 1;
    setTimeout(() => {
      if (this.broken) this.onerror?.({ message: 'cannot start' } as ErrorEvent);
      else if (req.codec === 'lz4')
        this.onmessage?.({ data: { id: req.id, error: 'bad lz4' } } as MessageEvent<DecodeReply>);
      else
        this.onmessage?.({
          data: { id: req.id, bytes: (req.bytes ?? new Uint8Array(0)).map((b) => b + 1) },
        } as MessageEvent<DecodeReply>);
    }, 0);
  }
  terminate() {
    this.terminated = true;
  }
}

describe('decode pool', () => {
  it('spreads requests over its workers, copies the input, and reports decode errors per request', async () => {
    const workers: FakeWorker[] = [];
    const pool = new DecodePool(2, () => {
      const w = new FakeWorker();
      workers.push(w);
      return w as unknown as Worker;
    });
    const input = new Uint8Array([1, 2, 3]);
    const out = await Promise.all(Array.from({ length: 6 }, () => pool.decode('zstd', input)));
    expect(out.every((o) => [...o].join() === '2,3,4')).toBe(true);
    expect([...input]).toEqual([1, 2, 3]);
    expect(workers.length).toBe(2);
    expect(workers.map((w) => w.received)).toEqual([3, 3]);
    await expect(pool.decode('lz4', input)).rejects.toThrow('bad lz4');
  });

  it('fails the requests of a worker that cannot start, and replaces it', async () => {
    let made = 0;
    const pool = new DecodePool(1, () => new FakeWorker(made++ === 0) as unknown as Worker);
    await expect(pool.decode('blosc', new Uint8Array(1))).rejects.toThrow('cannot start');
    expect([...(await pool.decode('blosc', new Uint8Array([5])))]).toEqual([6]);
  });
});

describe('spreadOrder (prefetchView)', () => {
  it('asks for every other tile first, so each 2×2 block of tiles starts with the first requests', async () => {
    const { spreadOrder } = await import('../../src/renderer/src/viewer/spreadOrder.js');
    const grid = [];
    for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) grid.push({ x, y });
    const order = spreadOrder(grid).map(({ x, y }) => `${x},${y}`);
    expect(order).toEqual(['0,0', '2,0', '0,2', '2,2', '1,0', '3,0', '1,2', '3,2', '0,1', '2,1', '1,1', '3,1']);
    // The first four fall in four different 2×2 blocks (BossDB cuboids of 2×2 chunks).
    expect(
      new Set(
        order.slice(0, 4).map((k) =>
          k
            .split(',')
            .map((n) => Math.floor(Number(n) / 2))
            .join(),
        ),
      ),
    ).toHaveProperty('size', 4);
  });
});
