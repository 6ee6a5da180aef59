/** Small pure pieces: OME conversion, dtype spellings, JSON, Range parsing, CLI arguments, origin policy. */
import { describe, expect, it } from 'vitest';
import { copyRegion, toBigEndian, toCOrder } from '../src/bridge/encode/c-order.js';
import { HeldReplies } from '../src/bridge/http/held-replies.js';
import { OriginPolicy } from '../src/bridge/http/origin-policy.js';
import { madeObject, parseRange } from '../src/bridge/http/send.js';
import { v2Descr } from '../src/bridge/model/dtype.js';
import { parseOme, renderOme04, renderOme05 } from '../src/bridge/model/ome.js';
import { copyRegion as copyBossdbRegion } from '../src/bridge/sources/bossdb/geometry.js';
import { toJson } from '../src/bridge/util/json.js';
import { LruCache } from '../src/bridge/util/lru.js';
import { copyOverlap } from '../src/bridge/writer/box-reader.js';
import { parseServeArgs } from '../src/cli/args.js';

const ms04 = {
  multiscales: [
    {
      version: '0.4',
      name: 'img',
      axes: [
        { name: 'c', type: 'channel' },
        { name: 'y', type: 'space', unit: 'micrometer' },
        { name: 'x', type: 'space', unit: 'micrometer' },
      ],
      datasets: [{ path: '0', coordinateTransformations: [{ type: 'scale', scale: [1, 0.5, 0.5] }] }],
    },
  ],
  omero: { channels: [{ color: 'FF0000', window: { start: 0, end: 100, min: 0, max: 255 } }] },
  other: 1,
};

describe('OME metadata', () => {
  it('round-trips 0.4 → 0.5 → 0.4', () => {
    const { ome, rest } = parseOme(ms04);
    expect(rest).toEqual({ other: 1 });
    const v5 = renderOme05(rest, ome);
    expect(v5).toMatchObject({ other: 1, ome: { version: '0.5' } });
    expect((v5.ome as { multiscales: { version?: string }[] }).multiscales[0].version).toBeUndefined();
    const back = parseOme(v5);
    expect(back.ome?.sourceVersion).toBe('0.5');
    expect(renderOme04(back.rest, back.ome)).toEqual(ms04);
  });

  it('upgrades 0.3 string axes and 0.1 missing axes', () => {
    const v3 = parseOme({ multiscales: [{ version: '0.3', axes: ['z', 'y', 'x'], datasets: [{ path: '0' }] }] });
    expect(v3.ome?.multiscales?.[0].axes).toEqual([
      { name: 'z', type: 'space' },
      { name: 'y', type: 'space' },
      { name: 'x', type: 'space' },
    ]);
    const v1 = parseOme({ multiscales: [{ version: '0.1', datasets: [{ path: '0' }] }] });
    expect(v1.ome?.multiscales?.[0].axes.map((a) => a.name)).toEqual(['t', 'c', 'z', 'y', 'x']);
  });

  it('versions plate, well and image-label for 0.4 and drops them for 0.5', () => {
    const { ome, rest } = parseOme({
      ome: { version: '0.5', plate: { rows: [{ name: 'A' }] }, 'image-label': { colors: [] } },
    });
    expect(renderOme04(rest, ome)).toEqual({
      plate: { version: '0.4', rows: [{ name: 'A' }] },
      'image-label': { version: '0.4', colors: [] },
    });
  });

  it('keeps 0.6 metadata verbatim rather than inventing 0.4 axes', () => {
    const src = { ome: { version: '0.6', multiscales: [{ coordinateSystems: [], datasets: [] }] } };
    const { ome, rest } = parseOme(src);
    expect(renderOme05(rest, ome)).toEqual(src);
  });
});

describe('dtype spellings', () => {
  it('spells numpy descr with the byte order', () => {
    expect(v2Descr('uint16')).toBe('<u2');
    expect(v2Descr('uint8')).toBe('|u1');
    expect(v2Descr('bool')).toBe('|b1');
    expect(v2Descr('float32', 'big')).toBe('>f4');
  });
});

describe('bytes', () => {
  it('clips and pads C-order regions', () => {
    const src = new Uint8Array([1, 2, 3, 4, 5, 6]); // 2×3
    expect(Array.from(copyRegion(src, [2, 3], [2, 2], 1))).toEqual([1, 2, 4, 5]);
    expect(Array.from(copyRegion(src, [2, 3], [3, 3], 1))).toEqual([1, 2, 3, 4, 5, 6, 0, 0, 0]);
  });
  it('reorders F-order data to C order', () => {
    // 2×3 F order: element (i,j) at i + 2j.
    const f = new Uint8Array([1, 4, 2, 5, 3, 6]);
    expect(Array.from(toCOrder(f, [2, 3], [1, 2], 1))).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('swaps to big-endian', () => {
    expect(Array.from(toBigEndian(new Uint8Array([1, 2, 3, 4]), 2))).toEqual([2, 1, 4, 3]);
  });
});

describe('box copies, against a voxel-by-voxel copy', () => {
  /** A deterministic generator (mulberry32). */
  const rng = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const voxels = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  /** Offset (in voxels) of `at` in a C-order block of `shape` starting at `start`. */
  const offset = (at: number[], start: readonly number[], shape: readonly number[]) =>
    at.reduce((o, a, i) => o * shape[i] + (a - start[i]), 0);
  function* points(lo: number[], hi: number[]): Generator<number[]> {
    if (lo.some((l, i) => l >= hi[i])) return;
    const p = [...lo];
    for (;;) {
      yield [...p];
      let d = p.length - 1;
      for (; d >= 0; d--) {
        if (++p[d] < hi[d]) break;
        p[d] = lo[d];
      }
      if (d < 0) return;
    }
  }

  /** The reference: the overlap copied one voxel at a time, and its bounds. */
  function voxelByVoxel(
    src: Uint8Array,
    srcStart: number[],
    srcShape: number[],
    dstStart: number[],
    dstShape: number[],
    bpe: number,
  ): { want: Uint8Array; lo: number[]; hi: number[] } {
    const lo = srcStart.map((s, i) => Math.max(s, dstStart[i]));
    const hi = srcStart.map((s, i) => Math.min(s + srcShape[i], dstStart[i] + dstShape[i]));
    const want = new Uint8Array(voxels(dstShape) * bpe);
    for (const p of points(lo, hi)) {
      const from = offset(p, srcStart, srcShape) * bpe;
      want.set(src.subarray(from, from + bpe), offset(p, dstStart, dstShape) * bpe);
    }
    return { want, lo, hi };
  }

  it('copy every voxel of the overlap and nothing else, whole trailing axes merged into one run or not', () => {
    const next = rng(11);
    const int = (n: number) => Math.floor(next() * n);
    for (let trial = 0; trial < 400; trial++) {
      const rank = 1 + int(4);
      const bpe = [1, 2, 8][int(3)];
      const srcShape = Array.from({ length: rank }, () => 1 + int(5));
      const srcStart = Array.from({ length: rank }, () => int(4));
      // Often the same extent on an axis (the merged-run case), else a random box.
      const same = Array.from({ length: rank }, () => next() < 0.5);
      const dstShape = srcShape.map((n, i) => (same[i] ? n : 1 + int(6)));
      const dstStart = srcStart.map((s, i) => (same[i] ? s : int(6)));
      const src = Uint8Array.from({ length: voxels(srcShape) * bpe }, () => 1 + int(255));
      const { want, lo, hi } = voxelByVoxel(src, srcStart, srcShape, dstStart, dstShape, bpe);
      const got = new Uint8Array(want.length);
      copyOverlap(src, { start: srcStart, shape: srcShape }, got, { start: dstStart, shape: dstShape }, bpe);
      expect(got, `copyOverlap ${JSON.stringify({ srcStart, srcShape, dstStart, dstShape, bpe })}`).toEqual(want);
      if (lo.some((l, i) => l >= hi[i])) continue;
      const bossdb = new Uint8Array(want.length);
      copyBossdbRegion(
        { box: { origin: srcStart, shape: srcShape }, bytes: src },
        { box: { origin: dstStart, shape: dstShape }, bytes: bossdb },
        { origin: lo, shape: hi.map((h, i) => h - lo[i]) },
        bpe,
      );
      expect(bossdb, `BossDB copyRegion ${JSON.stringify({ srcStart, srcShape, dstStart, dstShape, bpe })}`).toEqual(
        want,
      );
    }
  });

  it('copies short rows word by word only where both buffers line up, at any byte offset of their views', () => {
    // uint8 rows of 4–124 bytes cut from wider blocks (the BossDB cuboid → chunk case), in views that start
    // 0–3 bytes into their buffers (a word copy there would read the wrong bytes, or throw).
    const next = rng(23);
    const int = (n: number) => Math.floor(next() * n);
    for (let trial = 0; trial < 300; trial++) {
      const bpe = [1, 2, 4][int(3)];
      const srcShape = [1 + int(3), 1 + int(6), 4 * (1 + int(40))];
      const srcStart = [int(3), int(3), 4 * int(4)];
      const dstShape = [1 + int(3), 1 + int(6), 4 * (1 + int(31))];
      const dstStart = [int(3), int(3), next() < 0.7 ? 4 * int(10) : int(40)];
      const srcPad = int(4);
      const dstPad = int(4);
      const src = Uint8Array.from({ length: voxels(srcShape) * bpe + srcPad }, () => int(256)).subarray(srcPad);
      const { want } = voxelByVoxel(src, srcStart, srcShape, dstStart, dstShape, bpe);
      const got = new Uint8Array(want.length + dstPad).subarray(dstPad);
      copyOverlap(src, { start: srcStart, shape: srcShape }, got, { start: dstStart, shape: dstShape }, bpe);
      const where = JSON.stringify({ srcStart, srcShape, dstStart, dstShape, bpe, srcPad, dstPad });
      expect(got, `copyOverlap ${where}`).toEqual(want);
    }
  });
});

describe('JSON for metadata', () => {
  it('writes bigint fill values exactly and non-finite floats as Zarr strings', () => {
    expect(toJson({ a: 18446744073709551615n, b: Number.NaN, c: -Infinity })).toBe(
      '{"a":18446744073709551615,"b":"NaN","c":"-Infinity"}',
    );
  });
});

describe('Range', () => {
  it('parses single ranges and refuses unsatisfiable ones', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ offset: 0, length: 10 });
    expect(parseRange('bytes=90-', 100)).toEqual({ offset: 90, length: 10 });
    expect(parseRange('bytes=-10', 100)).toEqual({ offset: 90, length: 10 });
    expect(parseRange('bytes=-200', 100)).toEqual({ offset: 0, length: 100 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
    expect(parseRange('items=0-1', 100)).toBeUndefined();
  });
});

describe('LRU', () => {
  it('stays within its byte capacity', () => {
    const lru = new LruCache<number, Uint8Array>(100, (v) => v.byteLength);
    for (let i = 0; i < 50; i++) lru.set(i, new Uint8Array(30));
    expect(lru.weight).toBeLessThanOrEqual(100);
    expect(lru.size).toBe(3);
    expect(lru.get(49)).toBeDefined();
    expect(lru.get(0)).toBeUndefined();
  });
});

describe('held replies', () => {
  const object = (held: Uint8Array | undefined, current: { now: boolean } | undefined) => ({
    size: 3,
    version: 'v',
    held,
    read: async () => new Uint8Array(3),
    ...(current ? { current: () => current.now } : {}),
  });

  it('replays only objects held in memory that their source still vouches for', () => {
    const replies = new HeldReplies();
    const state = { now: true };
    const ok = object(new Uint8Array(3), state);
    replies.remember('/a', ok);
    replies.remember('/streamed', object(undefined, { now: true }));
    replies.remember('/unvouched', object(new Uint8Array(3), undefined));
    expect(replies.lookup('/a')).toBe(ok);
    expect(replies.lookup('/streamed')).toBeUndefined();
    expect(replies.lookup('/unvouched')).toBeUndefined();
    // Once the source stops vouching (revalidation due, evicted), the entry is gone for good.
    state.now = false;
    expect(replies.lookup('/a')).toBeUndefined();
    state.now = true;
    expect(replies.lookup('/a')).toBeUndefined();
  });

  it('reads again, without the walk, what its source says can be read again', async () => {
    const replies = new HeldReplies();
    const fresh = object(new Uint8Array(3), { now: true });
    const reread = async () => fresh;
    const first = { ...object(new Uint8Array(3), undefined), reread };
    replies.remember('/cold', first);
    expect(replies.lookup('/cold')).toBeUndefined(); // not held by its source: never replayed
    expect(await replies.rereadOf('/cold')?.({})).toBe(fresh);
    replies.forget('/cold');
    expect(replies.rereadOf('/cold')).toBeUndefined();
  });

  it('keeps at most its entry bound', () => {
    const replies = new HeldReplies(2);
    for (const p of ['/1', '/2', '/3']) replies.remember(p, object(new Uint8Array(1), { now: true }));
    expect(replies.lookup('/1')).toBeUndefined();
    expect(replies.lookup('/3')).toBeDefined();
  });

  it('holds replies made from vouched-for chunks itself, within a byte bound, while they stay current', () => {
    const replies = new HeldReplies(100, 1000);
    const state = { now: true };
    const made = madeObject(new Uint8Array(300).fill(1), () => state.now);
    replies.keep('/m', made);
    expect(replies.lookup('/m')).toBe(made);
    expect(replies.madeBytes).toBe(300 + 256);
    // Its version is its bytes' hash: the same bytes made again (a revalidated chunk) keep their ETag.
    expect(madeObject(made.held!, () => true).version).toBe(made.version);
    expect(madeObject(new Uint8Array(300).fill(2), () => true).version).not.toBe(made.version);
    state.now = false;
    expect(replies.lookup('/m')).toBeUndefined();
    expect(replies.madeBytes).toBe(0);
    // Not current when offered: not kept.
    replies.keep(
      '/n',
      madeObject(new Uint8Array(10), () => false),
    );
    expect(replies.lookup('/n')).toBeUndefined();
    // The byte bound: the oldest goes first.
    for (const p of ['/a', '/b', '/c', '/d'])
      replies.keep(
        p,
        madeObject(new Uint8Array(300), () => true),
      );
    expect(replies.madeBytes).toBeLessThanOrEqual(1000);
    expect(replies.lookup('/a')).toBeUndefined();
    expect(replies.lookup('/d')).toBeDefined();
    // A path served as a stored object later is that object from then on.
    const stored = object(new Uint8Array(3), { now: true });
    replies.remember('/d', stored);
    expect(replies.lookup('/d')).toBe(stored);
  });
});

describe('CLI arguments', () => {
  it('parses repeatable options and defaults', () => {
    const o = parseServeArgs(['--port', '0', '--open', 'a', '--open', 'b', '--allow-origin', 'https://x.org'], {});
    expect(o).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      open: ['a', 'b'],
      allowOrigin: ['https://x.org'],
      viewer: true,
    });
    expect(parseServeArgs([], { BOSSDB_TOKEN: 't' }).bossdbToken).toBe('t');
    // Only a port the user chose is binding; the default gives way to the next free one.
    expect(parseServeArgs([], {})).toMatchObject({ port: 5020, portGiven: false });
    expect(parseServeArgs(['--port', '5020'], {})).toMatchObject({ port: 5020, portGiven: true });
  });
  it('refuses bad values', () => {
    expect(() => parseServeArgs(['--port', 'x'], {})).toThrow(/port/);
    expect(() => parseServeArgs(['--bogus'], {})).toThrow();
    expect(() => parseServeArgs(['--bossdb-url', 'ftp://x'], {})).toThrow(/not an http\(s\) URL/);
    expect(() => parseServeArgs([], { BOSSDB_URL: 'file:///etc' })).toThrow(/not an http\(s\) URL/);
    expect(parseServeArgs(['--bossdb-url', 'none'], {}).bossdbUrl).toBe('none');
    expect(() => parseServeArgs(['--remote', 's3://bucket/x.zarr'], {})).toThrow(/--remote/);
  });
});

describe('origin policy', () => {
  const p = new OriginPolicy({ allowedOrigins: ['https://a.org'], boundHost: '127.0.0.1' });
  it('accepts loopback hosts only', () => {
    expect(p.hostAllowed('127.0.0.1:5020')).toBe(true);
    expect(p.hostAllowed('localhost:5020')).toBe(true);
    expect(p.hostAllowed('[::1]:5020')).toBe(true);
    expect(p.hostAllowed('attacker.example:5020')).toBe(false);
    expect(p.hostAllowed(undefined)).toBe(false);
  });
  it('echoes exact allowed origins', () => {
    expect(p.allowedOrigin('https://a.org')).toBe('https://a.org');
    expect(p.allowedOrigin('https://a.org.evil.example')).toBeUndefined();
    expect(p.allowedOrigin('http://localhost:3000')).toBe('http://localhost:3000');
    expect(p.allowedOrigin('null')).toBeUndefined();
    expect(p.allowedOrigin('https://a.org/path')).toBeUndefined();
  });
});
